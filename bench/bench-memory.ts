/**
 * Memory, each figure from a fresh process so nothing else this benchmark does (jsdom above all) sits in
 * the heap: peak RSS while extracting every fixture page, and the peak RSS of an ingest run at concurrency
 * 1 and N against the sample site, whose difference spread over the N - 1 extra pages is the memory one
 * more page in flight costs.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runIngest } from '../lib/pipeline/local-runner.ts';
import { LocalDirectoryStore } from '../lib/store/local.ts';
import { benchFetcher, type SampleSiteProcess } from './bench-e2e.ts';
import { extractOurs, loadBenchPages } from './bench-extraction.ts';

const THIS_FILE = fileURLToPath(import.meta.url);
const EXTRACT_FLAG = '--child-extract';
const INGEST_FLAG = '--child-ingest';
const MB = 1024 * 1024;

export interface ProcessMemory {
  /** RSS once the modules and inputs are loaded, before the work. */
  baselineRssMb: number;
  /** Highest RSS of the process (getrusage maxrss). */
  peakRssMb: number;
}

export interface IngestMemory extends ProcessMemory {
  concurrency: number;
  stored: number;
}

export interface MemoryResult {
  extract: ProcessMemory & { pages: number; rounds: number };
  ingest: IngestMemory[];
  /** (peak at N − peak at 1) ÷ (N − 1). */
  perConcurrentPageMb: number;
}

function peakRssMb(): number {
  // maxRSS is in kilobytes.
  return process.resourceUsage().maxRSS / 1024;
}

async function runChild<T>(args: string[], env: Record<string, string> = {}): Promise<T> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', THIS_FILE, ...args], {
    env: { ...process.env, ...env },
    maxBuffer: 16 * MB,
  });
  const last = stdout.trim().split('\n').at(-1);
  if (!last) throw new Error(`memory child ${args.join(' ')} printed nothing`);
  return JSON.parse(last) as T;
}

export function perConcurrentPageMb(ingest: readonly IngestMemory[]): number {
  const sorted = [...ingest].sort((a, b) => a.concurrency - b.concurrency);
  const low = sorted[0];
  const high = sorted.at(-1);
  if (!low || !high || high.concurrency === low.concurrency) throw new Error('need ingest runs at two concurrencies');
  return (high.peakRssMb - low.peakRssMb) / (high.concurrency - low.concurrency);
}

export async function runMemoryBench(site: SampleSiteProcess, options: { extractRounds: number; concurrencies: [number, number] }): Promise<MemoryResult> {
  const extract = await runChild<MemoryResult['extract']>([EXTRACT_FLAG, String(options.extractRounds)]);
  const ingest: IngestMemory[] = [];
  for (const concurrency of options.concurrencies) {
    ingest.push(await runChild<IngestMemory>([INGEST_FLAG, String(concurrency)], { NEWS_INGEST_BENCH_SITE: JSON.stringify({ origin: site.origin, config: site.config }) }));
  }
  return { extract, ingest, perConcurrentPageMb: perConcurrentPageMb(ingest) };
}

function childExtract(rounds: number): MemoryResult['extract'] {
  const pages = loadBenchPages();
  const baselineRssMb = process.memoryUsage.rss() / MB;
  for (let round = 0; round < rounds; round += 1) for (const page of pages) extractOurs(page);
  return { baselineRssMb, peakRssMb: peakRssMb(), pages: pages.length, rounds };
}

async function childIngest(concurrency: number): Promise<IngestMemory> {
  const site = JSON.parse(process.env['NEWS_INGEST_BENCH_SITE'] ?? 'null') as Pick<SampleSiteProcess, 'origin' | 'config'> | null;
  if (!site) throw new Error('NEWS_INGEST_BENCH_SITE is not set');
  const directory = await mkdtemp(join(tmpdir(), 'news-ingest-bench-memory-'));
  try {
    const baselineRssMb = process.memoryUsage.rss() / MB;
    const { summary } = await runIngest({ config: site.config, fetcher: benchFetcher(site), store: new LocalDirectoryStore(directory), concurrency });
    return { concurrency, stored: summary.counts.stored ?? 0, baselineRssMb, peakRssMb: peakRssMb() };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

if (process.argv[1] === THIS_FILE) {
  const [flag, value] = process.argv.slice(2);
  if (flag === EXTRACT_FLAG) console.log(JSON.stringify(childExtract(Number(value))));
  else if (flag === INGEST_FLAG) console.log(JSON.stringify(await childIngest(Number(value))));
}
