import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCompact } from '../../lib/cli/compact-command.ts';
import { runExport } from '../../lib/cli/export-command.ts';
import { runMigrate } from '../../lib/cli/migrate-command.ts';
import { articleKey } from '../../lib/store/keys.ts';
import { runReextract } from '../../lib/cli/reextract-command.ts';
import { LocalDirectoryStore } from '../../lib/store/local.ts';
import { writeSyntheticDataset } from '../../bench/synthetic-dataset.ts';
import { freeLoopbackPort } from '../helpers/moto.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('dataset commands', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'dataset-cli-'));
    writeSyntheticDataset(root, { count: 3000, sources: ['alpha', 'beta'], days: 3, firstDay: '2024-10-01' });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('export exits 1 and names the object when one article is unreadable, after exporting the rest', async () => {
    const badRoot = mkdtempSync(join(tmpdir(), 'dataset-cli-bad-'));
    try {
      writeSyntheticDataset(badRoot, { count: 2, sources: ['alpha'], days: 1, firstDay: '2024-10-01' });
      await new LocalDirectoryStore(badRoot).put(articleKey('ffffffffffffffffffff'), '{');
      const stdout = capture();
      const stderr = capture();
      expect(await runExport({ from: badRoot, format: 'ndjson' }, stdout.stream, stderr.stream)).toBe(1);
      expect(stdout.text().trim().split('\n')).toHaveLength(2);
      expect(stderr.text()).toContain(`skipped ${articleKey('ffffffffffffffffffff')}: not valid JSON`);
      expect(stderr.text()).toContain('2 articles exported, 1 unreadable');
    } finally {
      rmSync(badRoot, { recursive: true, force: true });
    }
  });

  it('refuses two stores or a malformed day with exit 2 and the reason', async () => {
    const stderr = capture();
    expect(await runExport({ from: root, bucket: 'b', format: 'ndjson' }, capture().stream, stderr.stream)).toBe(2);
    expect(stderr.text()).toContain('choose one store: --from DIR or --bucket NAME');
    const compactErr = capture();
    expect(await runCompact({ from: root, day: '2024-10-32' }, capture().stream, compactErr.stream)).toBe(2);
    expect(compactErr.text()).toContain('--day must be a calendar day as YYYY-MM-DD, got "2024-10-32"');
    const reextractErr = capture();
    expect(await runReextract({ from: root, source: 'Not A Source' }, capture().stream, reextractErr.stream)).toBe(2);
    expect(reextractErr.text()).toContain('--source must be a source id');
  });

  it('a store that cannot be reached is exit 3 (unavailable), not the usage code, for every dataset command', async () => {
    // Credentials from the environment, so the SDK asks no metadata endpoint; the endpoint is a closed loopback port.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    try {
      const down = { bucket: 'news', endpoint: `http://127.0.0.1:${await freeLoopbackPort()}` };
      const runs: Array<[string, (stderr: PassThrough) => Promise<number>]> = [
        ['compact', (stderr) => runCompact(down, capture().stream, stderr)],
        ['migrate', (stderr) => runMigrate(down, capture().stream, stderr)],
        ['reextract', (stderr) => runReextract(down, capture().stream, stderr)],
        ['export', (stderr) => runExport({ ...down, format: 'ndjson' }, capture().stream, stderr)],
      ];
      for (const [command, run] of runs) {
        const stderr = capture();
        expect(await run(stderr.stream), command).toBe(3);
        expect(stderr.text()).toMatch(new RegExp(`^news-ingest ${command}: .*ECONNREFUSED`));
      }
    } finally {
      vi.unstubAllEnvs();
    }
  }, 60_000);

  it('compact prints each day written and the counts', async () => {
    const stdout = capture();
    expect(await runCompact({ from: root, source: 'beta', day: '2024-10-02' }, stdout.stream, capture().stream)).toBe(0);
    expect(stdout.text()).toBe(
      'written articles-daily/v1/source=beta/date=2024-10-02/part-00000.ndjson.gz (500 articles)\ncompacted: 1 days written, 0 removed, 0 unchanged, 0 failed (500 articles)\n',
    );
  });

  it('export into a reader that stops early (| head) ends quietly with exit 0', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/news-ingest.mjs'), 'export', '--from', root], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const firstChunk = await new Promise<Buffer>((resolvePromise) => child.stdout.once('data', resolvePromise));
    expect(firstChunk.toString('utf8')).toMatch(/^\{"schemaVersion":1,/);
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolvePromise) => child.once('close', resolvePromise));
    expect(stderr).not.toContain('Error');
    expect(code).toBe(0);
  }, 60_000);
});
