import { describe, expect, it } from 'vitest';
import { costModel, DEFAULT_ASSUMPTIONS, loadAwsPrices } from '../../bench/bench-cost.ts';
import { stageTimes } from '../../bench/bench-e2e.ts';
import { percentile } from '../../bench/bench-extraction.ts';
import { perConcurrentPageMb } from '../../bench/bench-memory.ts';
import { markdownTable, renderMarkdown, renderText, reportSections, summarize, type BenchResults } from '../../bench/bench-report.ts';

const speed = (pagesPerSec: number, msPerPass: number) => ({ runs: 100, cpuMs: msPerPass * 10, pagesPerSec, mbPerSec: 10, p50Ms: 5, p99Ms: 50, msPerPass });
const tally = (count: number, totalMs: number) => ({ count, totalMs });

function results(): BenchResults {
  const prices = loadAwsPrices();
  return {
    date: '2026-01-02T03:04:05.000Z',
    quick: false,
    durationSec: 200,
    machine: { cpu: 'Test CPU', cores: 2, memoryGb: 4, node: 'v20.0.0', platform: 'linux x64', loadAverage: { start: 0.5, end: 1.25 } },
    extraction: {
      pages: 3,
      corpusBytes: 3_000_000,
      floor: speed(300, 100),
      ours: speed(150, 200),
      readability: speed(5, 6000),
      floorRatio: 2,
      readabilityRatio: 30,
      readabilityRatioMainPasses: 31,
      byGroup: [{ group: 'vietnamese', pages: 1, bytes: 1, oursMsPerPass: 30, floorMsPerPass: 20, floorRatio: 1.5 }],
      refusals: [],
    },
    memory: {
      extract: { baselineRssMb: 100, peakRssMb: 180.4, pages: 3, rounds: 2 },
      ingest: [
        { concurrency: 1, stored: 10, baselineRssMb: 100, peakRssMb: 200 },
        { concurrency: 11, stored: 10, baselineRssMb: 100, peakRssMb: 250 },
      ],
      perConcurrentPageMb: 5,
    },
    e2e: {
      articlesListed: 12,
      stored: 10,
      counts: { stored: 10, 'skipped:duplicate': 2 },
      concurrency: 11,
      wallMs: 2000,
      articlesPerSec: 5,
      cpuMsPerArticle: 10,
      eventLoopUtilization: 0.5,
      latencies: { feedFetch: tally(1, 10), pageFetch: tally(10, 100), storeGet: tally(20, 40), storePut: tally(30, 90), rawBatchPuts: 1 },
      cpuByStageMs: { extract: 50, store: 25, fetch: 10, feeds: 5, pipeline: 0, 'node-io': 5, gc: 5, idle: 0 },
      articleJsonBytes: 10_240,
      rawGzBytes: 51_200,
    },
    lambda: {
      runs: 3,
      functions: [
        { function: 'dispatch', bundleKb: 900, coldInitMs: 120, importMs: 80, nodeBaselineMs: 40, rssAfterLoadMb: 60 },
        { function: 'process-article', bundleKb: 1100, coldInitMs: 160, importMs: 110, nodeBaselineMs: 40, rssAfterLoadMb: 70 },
      ],
      bundleKbMax: 1100,
      initMsMax: 160,
      nagViolations: [],
    },
    cost: costModel(prices, { cpuMsPerArticle: 10, articleJsonBytes: 10_240, rawGzBytes: 51_200, s3PutsPerStoredArticle: 3, s3GetsPerStoredArticle: 2, hostIntervalMs: 1000, sources: 2, feeds: 4 }),
    costAssumptions: DEFAULT_ASSUMPTIONS,
    pricesAsOf: 'test prices',
  };
}

describe('benchmark report', () => {
  it('summarizes the named figures, rounded', () => {
    const summary = summarize(results());
    expect(summary).toMatchObject({
      extractPagesPerSec: 150,
      floorRatio: 2,
      readabilityRatio: 30,
      peakRssMb: 180,
      e2eArticlesPerSec: 5,
      bundleKbMax: 1100,
      initMsMax: 160,
      perConcurrentPageMb: 5,
    });
    expect(summary.usdPerMillion).toBe(Number(results().cost.usdPerMillion.toFixed(2)));
  });

  it('judges each goal: ratio to the floor and bundle size missed, readability ratio and extraction met', () => {
    const text = renderText(reportSections(results()));
    expect(text).toContain('ours ÷ floor = 2.00 (goal ≤ 1.5: MISSED); vietnamese pages 1.50');
    expect(text).toContain('readability ÷ ours = 30.0 (goal ≥ 30: met), against ours\' passes alternated with readability\'s; against ours\' main passes 31.0');
    expect(text).toContain('largest bundle 1100 KB (goal ≤ 1024 KB: MISSED); slowest cold init 160 ms (goal ≤ 150 ms: MISSED)');
    expect(text).toContain('per concurrent page in the ingest run: 5.00 MB');
    // CPU shares of the profile: extract 50 of 100 ms.
    expect(text).toMatch(/extract \(lib\/extract, lib\/sources\)\s+50\s+50\.0%/);
  });

  it('aligns text tables: first column left, the others right', () => {
    const section = { title: 'T', rows: [['name', 'n'], ['a', '1000'], ['longer name', '2']], notes: ['note'] };
    expect(renderText([section])).toBe(['T', 'name            n', 'a            1000', 'longer name     2', '  note'].join('\n'));
  });

  it('writes markdown tables with right-aligned figures and escaped pipes', () => {
    expect(markdownTable([['item', 'usd'], ['a | b', '$1.00']])).toBe(['| item | usd |', '| --- | ---: |', '| a \\| b | $1.00 |'].join('\n'));
    expect(() => markdownTable([])).toThrow('header');
  });

  it('puts the date, the machine and the JSON summary in BENCHMARKS.md', () => {
    const input = results();
    const markdown = renderMarkdown(input, reportSections(input));
    expect(markdown).toContain('on 2026-01-02T03:04:05.000Z');
    expect(markdown).toContain('Machine: Test CPU, 2 cores, 4.0 GB memory, Node v20.0.0 (linux x64); load average 0.50 at the start, 1.25 at the end.');
    expect(markdown).toContain(JSON.stringify(summarize(input)));
  });
});

describe('benchmark arithmetic', () => {
  it('takes nearest-rank percentiles', () => {
    const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(samples, 0.5)).toBe(5);
    expect(percentile(samples, 0.99)).toBe(10);
    expect(percentile([7], 0.99)).toBe(7);
    expect(() => percentile([], 0.5)).toThrow();
  });

  it('spreads the extra peak RSS over the extra pages in flight', () => {
    const run = (concurrency: number, peakRssMb: number) => ({ concurrency, stored: 1, baselineRssMb: 0, peakRssMb });
    expect(perConcurrentPageMb([run(16, 250), run(1, 100)])).toBe(10);
    expect(() => perConcurrentPageMb([run(1, 100)])).toThrow('two concurrencies');
  });

  it('charges profile samples to the outermost stage module on the stack', () => {
    const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url }, children });
    const profile = {
      nodes: [
        frame(1, '(root)', '', [2, 6, 8, 9]),
        frame(2, 'processArticle', 'file:///repo/lib/pipeline/process-article.ts', [3, 5]),
        frame(3, 'extractArticle', 'file:///repo/lib/extract/index.ts', [4]),
        frame(4, 'cleanText', 'file:///repo/lib/normalize/text.ts'),
        frame(5, 'writeArticle', 'file:///repo/lib/store/articles.ts'),
        frame(6, 'onread', 'node:net', [7]),
        frame(7, 'parse', 'file:///repo/node_modules/x.js'),
        frame(8, '(garbage collector)', ''),
        frame(9, '(idle)', ''),
      ],
      samples: [4, 3, 5, 2, 7, 8, 9],
      timeDeltas: [1000, 1000, 2000, 3000, 4000, 5000, 6000],
    };
    expect(stageTimes(profile)).toEqual({ extract: 2, store: 2, fetch: 0, feeds: 0, pipeline: 3, 'node-io': 4, gc: 5, idle: 6 });
  });
});
