import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { IConstruct } from 'constructs';

/**
 * Bundle size and cold init of each Lambda handler, and the cdk-nag result, from a real synth (local
 * esbuild, no Docker). Cold init = spawning a fresh `node` until the bundle's module has loaded, as the
 * Lambda init phase does with index.mjs (NODE_OPTIONS as the stack sets it). Run: npx tsx bench/lambda-bundles.ts [--json]
 *
 * The synth runs in a child process: spawning from a parent that holds the whole CDK app in memory
 * made every measured spawn several times slower.
 */

export interface BundleMeasurement {
  function: string;
  bundleBytes: number;
  sourceMapBytes: number;
  /** Median over `runs` fresh processes: spawn → module loaded. */
  coldInitMs: number;
  /** Median time of the `import()` alone, measured inside the child. */
  importMs: number;
  /** Cold init without --enable-source-maps: what the source-map flag costs at load. */
  coldInitWithoutSourceMapsMs: number;
  /** The same spawn for an empty module: node's own start-up, to subtract. */
  nodeBaselineMs: number;
  /** Resident set size right after the import (median), a floor for the memory setting. */
  rssAfterLoadMb: number;
}

export interface NagResult {
  violations: string[];
  acknowledged: number;
}

export interface LambdaBundleReport {
  node: string;
  runs: number;
  functions: BundleMeasurement[];
  nag: NagResult;
}

const projectRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The child prints one JSON line once the module is loaded; the parent stops its clock on that line. */
const CHILD_SCRIPT = `
const started = performance.now();
await import(process.argv[1]);
const importMs = performance.now() - started;
process.stdout.write(JSON.stringify({ importMs, rss: process.memoryUsage().rss }) + '\\n');
`;

interface ChildSample {
  wallMs: number;
  importMs: number;
  rss: number;
}

function loadOnce(moduleUrl: string, nodeOptions: string): Promise<ChildSample> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD_SCRIPT, moduleUrl], {
      env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: nodeOptions, AWS_REGION: 'us-east-1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let settled = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (!settled && stdout.includes('\n')) {
        settled = true;
        const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
        const reported = JSON.parse(stdout.split('\n')[0]!) as { importMs: number; rss: number };
        resolvePromise({ wallMs, importMs: reported.importMs, rss: reported.rss });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!settled) reject(new Error(`loading ${moduleUrl} exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function sampleLoads(moduleUrl: string, runs: number, nodeOptions: string): Promise<ChildSample[]> {
  // One discarded load first, so the file is in the page cache as it is on a warm Lambda host.
  await loadOnce(moduleUrl, nodeOptions);
  const samples: ChildSample[] = [];
  // Sequential: parallel spawns would measure CPU contention, not the load.
  for (let run = 0; run < runs; run += 1) samples.push(await loadOnce(moduleUrl, nodeOptions));
  return samples;
}

interface SynthResult {
  bundles: Array<{ name: string; assetDir: string }>;
  nag: NagResult;
}

async function countAcknowledgements(root: IConstruct): Promise<number> {
  const { Validations } = await import('aws-cdk-lib');
  let count = 0;
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data) count += Object.keys(entry.data as object).length;
    }
  }
  return count;
}

/** Synthesizes the real stack into outdir and returns where each function's bundle is, and the nag result. */
async function synthesize(outdir: string): Promise<SynthResult> {
  const { App } = await import('aws-cdk-lib');
  const { AwsSolutionsChecks } = await import('cdk-nag');
  const { loadConfig } = await import('../lib/config.ts');
  const { FEATURE_FLAGS, readDeploySettings } = await import('../infra/settings.ts');
  const { NewsIngestStack } = await import('../infra/stack.ts');

  const app = new App({ outdir, context: { ...FEATURE_FLAGS } });
  const settings = readDeploySettings(app.node);
  const config = await loadConfig(join(projectRoot, settings.configPath));
  const stack = new NewsIngestStack(app, 'NewsIngest', { settings, config, projectRoot });
  const nagReport = new AwsSolutionsChecks().validateScope(app);
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template as {
    Resources: Record<string, { Properties: { Code?: { S3Key?: string } } }>;
  };
  const functions = [
    { name: 'dispatch', fn: stack.pipeline.dispatchFunction },
    { name: 'fetch-feed', fn: stack.pipeline.fetchFeedFunction },
    { name: 'process-article', fn: stack.pipeline.processArticleFunction },
    { name: 'compact', fn: stack.compaction.function },
    { name: 'reextract', fn: stack.reextract.function },
  ];
  const bundles = functions.map(({ name, fn }) => {
    const logicalId = stack.getLogicalId(fn.node.defaultChild as never);
    const s3Key = template.Resources[logicalId]?.Properties.Code?.S3Key;
    if (s3Key === undefined) throw new Error(`no code asset for ${name} (${logicalId})`);
    return { name, assetDir: join(assembly.directory, `asset.${s3Key.replace(/\.zip$/, '')}`) };
  });
  return {
    bundles,
    nag: { violations: nagReport.violations.map((v) => `${v.severity} ${v.ruleName}`), acknowledged: await countAcknowledgements(app) },
  };
}

const SYNTH_FLAG = '--synth-into';

export async function measureLambdaBundles(runs = 5): Promise<LambdaBundleReport> {
  const outdir = mkdtempSync(join(tmpdir(), 'news-ingest-bundles-'));
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), SYNTH_FLAG, outdir],
      { maxBuffer: 16 * 2 ** 20 },
    );
    const synth = JSON.parse(stdout.slice(stdout.lastIndexOf('\n{'))) as SynthResult;

    const emptyModule = join(outdir, 'empty.mjs');
    writeFileSync(emptyModule, 'export {};\n');
    const baseline = median((await sampleLoads(pathToFileURL(emptyModule).href, runs, '--enable-source-maps')).map((s) => s.wallMs));

    const measurements: BundleMeasurement[] = [];
    for (const { name, assetDir } of synth.bundles) {
      const bundle = join(assetDir, 'index.mjs');
      const samples = await sampleLoads(pathToFileURL(bundle).href, runs, '--enable-source-maps');
      const withoutMaps = await sampleLoads(pathToFileURL(bundle).href, runs, '');
      measurements.push({
        function: name,
        bundleBytes: statSync(bundle).size,
        sourceMapBytes: statSync(join(assetDir, 'index.mjs.map')).size,
        coldInitMs: median(samples.map((s) => s.wallMs)),
        importMs: median(samples.map((s) => s.importMs)),
        coldInitWithoutSourceMapsMs: median(withoutMaps.map((s) => s.wallMs)),
        nodeBaselineMs: baseline,
        rssAfterLoadMb: median(samples.map((s) => s.rss)) / 2 ** 20,
      });
    }
    return { node: process.version, runs, functions: measurements, nag: synth.nag };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function printTable(report: LambdaBundleReport): void {
  const rows = report.functions.map((m) => [
    m.function,
    m.bundleBytes.toLocaleString('en-US'),
    m.sourceMapBytes.toLocaleString('en-US'),
    m.coldInitMs.toFixed(0),
    m.importMs.toFixed(0),
    m.coldInitWithoutSourceMapsMs.toFixed(0),
    m.rssAfterLoadMb.toFixed(0),
  ]);
  const header = ['function', 'bundle bytes', 'map bytes', 'cold init ms', 'import ms', 'no-maps init ms', 'RSS MB'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  console.log(`Lambda bundles (node ${report.node}, median of ${report.runs} fresh processes, NODE_OPTIONS=--enable-source-maps)`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log(`node start-up alone (empty module): ${report.functions[0]?.nodeBaselineMs.toFixed(0)} ms`);
  const nag = report.nag.violations.length === 0 ? 'no unacknowledged findings' : report.nag.violations.join('; ');
  console.log(`cdk-nag AwsSolutions: ${nag}; ${report.nag.acknowledged} acknowledgements, each with a reason`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const synthInto = process.argv.indexOf(SYNTH_FLAG);
  if (synthInto !== -1) {
    const result = await synthesize(process.argv[synthInto + 1]!);
    process.stdout.write(`\n${JSON.stringify(result)}\n`);
  } else {
    const report = await measureLambdaBundles();
    if (process.argv.includes('--json')) console.log(JSON.stringify(report, null, 2));
    else printTable(report);
  }
}
