/**
 * Each Lambda bundle's size and cold init in a fresh node process, from bench/lambda-bundles.ts (a real
 * synth with local esbuild), reduced to the figures the benchmark compares with its goals.
 */
import { measureLambdaBundles, type LambdaBundleReport } from './lambda-bundles.ts';

export interface LambdaFunctionFigures {
  function: string;
  bundleKb: number;
  /** Spawn of a fresh node until the bundle's module has loaded (median). */
  coldInitMs: number;
  /** The import() alone, inside the child. */
  importMs: number;
  /** node's own start-up with an empty module, included in coldInitMs. */
  nodeBaselineMs: number;
  rssAfterLoadMb: number;
}

export interface LambdaResult {
  runs: number;
  functions: LambdaFunctionFigures[];
  bundleKbMax: number;
  initMsMax: number;
  nagViolations: string[];
}

export function lambdaFigures(report: LambdaBundleReport): LambdaResult {
  const functions = report.functions.map((measured) => ({
    function: measured.function,
    bundleKb: measured.bundleBytes / 1024,
    coldInitMs: measured.coldInitMs,
    importMs: measured.importMs,
    nodeBaselineMs: measured.nodeBaselineMs,
    rssAfterLoadMb: measured.rssAfterLoadMb,
  }));
  if (functions.length === 0) throw new Error('bench/lambda-bundles.ts measured no functions');
  return {
    runs: report.runs,
    functions,
    bundleKbMax: Math.max(...functions.map((figures) => figures.bundleKb)),
    initMsMax: Math.max(...functions.map((figures) => figures.coldInitMs)),
    nagViolations: report.nag.violations,
  };
}

export async function runLambdaBench(runs: number): Promise<LambdaResult> {
  return lambdaFigures(await measureLambdaBundles(runs));
}
