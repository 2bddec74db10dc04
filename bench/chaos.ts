import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { LocalDirectoryStore } from '../lib/store/local.ts';
import { duplicatedCount, formatChaosReport, runChaos } from './chaos-core.ts';

/**
 * npm run chaos [-- --articles N --seed S --fault-rate R --store-loss L --out DIR]
 * The sample site with ~R of its pages and feeds faulted plus a set of hostile URLs, an ingest, a share L of
 * the stored articles deleted, a re-run, then an audit of the store against the site's ground truth.
 * Exits 1 when anything was lost or doubled, or a deleted article was not stored again.
 */

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('a positive integer');
  return parsed;
}

function rate(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) throw new InvalidArgumentError('a number from 0 to 1');
  return parsed;
}

const program = new Command('chaos')
  .description('fault-injected ingest of the sample site, a re-run, and a store audit against ground truth')
  .option('--articles <n>', 'article pages on the sample site', positiveInteger, 2000)
  .option('--seed <s>', 'seed that picks the faults', positiveInteger, 1)
  .option('--fault-rate <r>', 'share of pages and feeds with a transient fault', rate, 0.1)
  .option('--store-loss <r>', 'share of stored articles deleted between the runs; the re-run must store them again', rate, 0)
  .option('--out <dir>', 'keep the store in this directory (default: a temporary directory, removed afterwards)')
  .parse();

const options = program.opts<{ articles: number; seed: number; faultRate: number; storeLoss: number; out?: string }>();
const directory = options.out ?? (await mkdtemp(join(tmpdir(), 'news-ingest-chaos-')));
try {
  const result = await runChaos({
    articles: options.articles,
    seed: options.seed,
    faultRate: options.faultRate,
    storeLossRate: options.storeLoss,
    store: new LocalDirectoryStore(directory),
    onRunFinished: (run, summary) => console.error(`run ${run} finished: ${summary.discovered} items in ${(summary.durationMs / 1000).toFixed(1)} s`),
  });
  console.log(formatChaosReport(result));
  const notRestored = result.storeLoss.deleted.length - result.storeLoss.restored;
  if (result.audit.lost.length > 0 || duplicatedCount(result.audit) > 0 || notRestored > 0) process.exitCode = 1;
} finally {
  if (options.out === undefined) await rm(directory, { recursive: true, force: true });
}
