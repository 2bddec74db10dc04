import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chaosLine, runChaos, type ChaosResult } from '../../bench/chaos-core.ts';
import { LocalDirectoryStore } from '../../lib/store/local.ts';

/**
 * The chaos pass with the store forgetting between the runs: after run 1, 5% of the stored articles are
 * deleted (picked by the seed). The re-run must store every one of them again, and nothing twice.
 * `npm run chaos -- --store-loss 0.05` is the same at full size.
 */

const ARTICLES = 120;
const SEED = 11;

let directory: string;
let result: ChaosResult;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'chaos-store-loss-'));
  result = await runChaos({
    articles: ARTICLES,
    seed: SEED,
    faultRate: 0.1,
    storeLossRate: 0.05,
    store: new LocalDirectoryStore(directory),
    gzipBombBytes: 16 * 1024 * 1024,
  });
}, 120_000);

afterAll(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe(`chaos pass with 5% of the store lost between the runs: ${ARTICLES} articles, seed ${SEED}`, () => {
  it('deletes 5% of the stored articles, and the re-run stores each of them again', () => {
    const storedByRun1 = result.runs[0].counts.stored ?? 0;
    expect(result.storeLoss.deleted).toHaveLength(Math.round(0.05 * storedByRun1));
    expect(result.storeLoss.deleted.length).toBeGreaterThan(0);
    expect(result.storeLoss.restored).toBe(result.storeLoss.deleted.length);
  });

  it('ends with every ground-truth article in the store exactly once', () => {
    expect(result.audit).toMatchObject({ lost: [], duplicated: [], unexpected: [], unreadable: [] });
    expect(result.audit.objects).toBe(ARTICLES + 4);
    expect(chaosLine(result)).toMatch(/ lost=0 duplicated=0$/);
  });
});
