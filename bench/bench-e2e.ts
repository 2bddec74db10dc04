/**
 * End to end: runIngest over the bundled sample site (≥ 1,000 articles generated from the fixture pages),
 * politeness delays off, into a local directory store. The site runs in its own process, as a publisher's
 * server would, so its work is not counted as ours. Where the time goes is measured twice: latency sums
 * from timing wrappers around the injected fetcher and store, and this process's CPU by stage from a
 * sampling profile of the run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { IngestConfig } from '../lib/config.ts';
import { PoliteFetcher } from '../lib/http/fetcher.ts';
import type { FetchRequest, FetchResponse, PageFetcher } from '../lib/http/types.ts';
import { runIngest } from '../lib/pipeline/local-runner.ts';
import { createSampleSite } from '../lib/sample-site/site.ts';
import { LocalDirectoryStore } from '../lib/store/local.ts';
import { RAW_BATCH_PREFIX } from '../lib/store/keys.ts';
import type { ObjectStore, PutOptions } from '../lib/store/types.ts';

const THIS_FILE = fileURLToPath(import.meta.url);
const SERVE_FLAG = '--serve-sample';

export interface SampleSiteProcess {
  origin: string;
  config: IngestConfig;
  articles: number;
  close(): Promise<void>;
}

interface SiteReady {
  origin: string;
  config: IngestConfig;
  articles: number;
}

/** Starts the sample site in a child process and waits until it listens. */
export async function startSampleSiteProcess(articles: number): Promise<SampleSiteProcess> {
  const child: ChildProcess = fork(THIS_FILE, [SERVE_FLAG, String(articles)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<SiteReady>((resolve, reject) => {
    child.once('message', (message) => resolve(message as SiteReady));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`sample site process exited with ${code} before it listened`)));
  });
  return {
    ...ready,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send('close');
      }),
  };
}

/** Per-host limits off for the benchmark only: no interval, many requests in flight to the one loopback host. */
export function benchFetcher(site: Pick<SampleSiteProcess, 'origin' | 'config'>): PoliteFetcher {
  return new PoliteFetcher({
    userAgent: site.config.userAgent,
    allowLoopback: true,
    respectRobots: true,
    perHostConcurrency: 64,
    minIntervalMs: 0,
    hostOverrides: { [new URL(site.origin).host]: { perHostConcurrency: 64, minIntervalMs: 0 } },
  });
}

export interface LatencyTally {
  count: number;
  totalMs: number;
}

const tally = (): LatencyTally => ({ count: 0, totalMs: 0 });

async function timed<T>(into: LatencyTally, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    into.count += 1;
    into.totalMs += performance.now() - started;
  }
}

export interface StageLatencies {
  feedFetch: LatencyTally;
  pageFetch: LatencyTally;
  storeGet: LatencyTally;
  storePut: LatencyTally;
  /** Of storePut: the raw page batches (lib/store/raw-pages.ts), whose number follows the run's grouping, not the articles. */
  rawBatchPuts: number;
}

function timedFetcher(inner: PageFetcher, latencies: StageLatencies): PageFetcher {
  return {
    fetch: (request: FetchRequest): Promise<FetchResponse> =>
      timed(request.expect === 'feed' ? latencies.feedFetch : latencies.pageFetch, () => inner.fetch(request)),
  };
}

function timedStore(inner: ObjectStore, latencies: StageLatencies): ObjectStore {
  return {
    description: inner.description,
    get: (key: string) => timed(latencies.storeGet, () => inner.get(key)),
    getWithEtag: (key: string) => timed(latencies.storeGet, () => inner.getWithEtag(key)),
    getStart: (key: string, bytes: number) => timed(latencies.storeGet, () => inner.getStart(key, bytes)),
    put: (key: string, body: Buffer | string, options?: PutOptions) => {
      if (key.startsWith(RAW_BATCH_PREFIX)) latencies.rawBatchPuts += 1;
      return timed(latencies.storePut, () => inner.put(key, body, options));
    },
    list: (prefix: string) => inner.list(prefix),
    listWithTimes: (prefix: string) => inner.listWithTimes(prefix),
    delete: (key: string) => inner.delete(key),
  };
}

/** The stages a CPU sample is charged to, by the outermost lib/ module on its stack. */
export const CPU_STAGES = ['extract', 'store', 'fetch', 'feeds', 'pipeline', 'node-io', 'gc', 'idle'] as const;
export type CpuStage = (typeof CPU_STAGES)[number];

const STAGE_BY_DIRECTORY: ReadonlyArray<[string, CpuStage]> = [
  ['/lib/extract/', 'extract'],
  ['/lib/sources/', 'extract'],
  ['/lib/store/', 'store'],
  ['/lib/http/', 'fetch'],
  ['/lib/feeds/', 'feeds'],
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/**
 * Milliseconds of samples per stage. A stack is charged to the outermost frame in a stage directory, so
 * normalizing text inside extraction counts as extract; pipeline glue with no such frame counts as
 * pipeline; socket and file callbacks with no lib/ frame at all as node-io.
 */
export function stageTimes(profile: CpuProfile): Record<CpuStage, number> {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const stageOf = new Map<number, CpuStage>();
  const visit = (id: number, inherited: CpuStage | null, underLib: boolean): void => {
    const node = nodes.get(id)!;
    const { functionName, url } = node.callFrame;
    const stage = inherited ?? STAGE_BY_DIRECTORY.find(([directory]) => url.includes(directory))?.[1] ?? null;
    const lib = underLib || url.includes('/lib/');
    const special = functionName === '(garbage collector)' ? 'gc' : functionName === '(idle)' ? 'idle' : null;
    stageOf.set(id, special ?? stage ?? (lib ? 'pipeline' : 'node-io'));
    for (const child of node.children ?? []) visit(child, stage, lib);
  };
  visit(profile.nodes[0]!.id, null, false);
  const times = Object.fromEntries(CPU_STAGES.map((stage) => [stage, 0])) as Record<CpuStage, number>;
  (profile.samples ?? []).forEach((id, index) => {
    times[stageOf.get(id) ?? 'node-io'] += (profile.timeDeltas?.[index] ?? 0) / 1000;
  });
  return times;
}

export interface EndToEndResult {
  articlesListed: number;
  stored: number;
  counts: Record<string, number>;
  concurrency: number;
  wallMs: number;
  articlesPerSec: number;
  /** This process's CPU (user + system) per stored article. */
  cpuMsPerArticle: number;
  /** Share of the wall time the event loop was busy. */
  eventLoopUtilization: number;
  latencies: StageLatencies;
  cpuByStageMs: Record<CpuStage, number>;
  articleJsonBytes: number;
  rawGzBytes: number;
}

async function meanFileBytes(directory: string, suffix: string): Promise<number> {
  const files = (await readdir(directory, { recursive: true })).filter((name) => name.endsWith(suffix));
  if (files.length === 0) return 0;
  const sizes = await Promise.all(files.map(async (name) => (await stat(join(directory, name))).size));
  return sizes.reduce((sum, size) => sum + size, 0) / files.length;
}

async function totalFileBytes(directory: string, suffix: string): Promise<number> {
  const files = (await readdir(directory, { recursive: true })).filter((name) => name.endsWith(suffix));
  const sizes = await Promise.all(files.map(async (name) => (await stat(join(directory, name))).size));
  return sizes.reduce((sum, size) => sum + size, 0);
}

export async function runEndToEnd(site: SampleSiteProcess, concurrency: number): Promise<EndToEndResult> {
  const directory = await mkdtemp(join(tmpdir(), 'news-ingest-bench-'));
  const latencies: StageLatencies = { feedFetch: tally(), pageFetch: tally(), storeGet: tally(), storePut: tally(), rawBatchPuts: 0 };
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const cpuStart = process.cpuUsage();
    const loopStart = performance.eventLoopUtilization();
    const started = performance.now();
    const { summary } = await runIngest({
      config: site.config,
      fetcher: timedFetcher(benchFetcher(site), latencies),
      store: timedStore(new LocalDirectoryStore(directory), latencies),
      concurrency,
    });
    const wallMs = performance.now() - started;
    const loop = performance.eventLoopUtilization(loopStart);
    const cpu = process.cpuUsage(cpuStart);
    const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
    const stored = summary.counts.stored ?? 0;
    if (stored === 0) throw new Error(`the end-to-end run stored nothing: ${JSON.stringify(summary.counts)}`);
    return {
      articlesListed: summary.discovered,
      stored,
      counts: Object.fromEntries(Object.entries(summary.counts).map(([state, count]) => [state, count ?? 0])),
      concurrency,
      wallMs,
      articlesPerSec: stored / (wallMs / 1000),
      cpuMsPerArticle: (cpu.user + cpu.system) / 1000 / stored,
      eventLoopUtilization: loop.utilization,
      latencies,
      cpuByStageMs: stageTimes(profile),
      articleJsonBytes: await meanFileBytes(join(directory, 'articles'), '.json'),
      rawGzBytes: (await totalFileBytes(join(directory, 'raw'), '.pages')) / stored,
    };
  } finally {
    session.disconnect();
    await rm(directory, { recursive: true, force: true });
  }
}

async function serveSample(articles: number): Promise<void> {
  const site = await createSampleSite({ articles });
  process.once('message', () => {
    void site.close().then(() => process.exit(0));
  });
  process.send!({ origin: site.origin, config: site.config(), articles: site.pages.length } satisfies SiteReady);
}

if (process.argv[1] === THIS_FILE && process.argv[2] === SERVE_FLAG) {
  await serveSample(Number(process.argv[3]));
}
