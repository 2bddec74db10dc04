import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';
import { afterAll } from 'vitest';

/**
 * Makes CDK apps for one test file, each synthesizing into its own directory under one temporary directory
 * that is removed after the file's tests. An App given no outdir creates a `cdk.out*` directory in the
 * system temp directory as soon as it is constructed, and nothing removes it. Call at the top of the file
 * (it registers an afterAll hook).
 */
export function cdkAppsForTests(): (props?: Omit<AppProps, 'outdir'>) => App {
  let root: string | undefined;
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });
  return (props = {}) => {
    root ??= mkdtempSync(join(tmpdir(), 'news-ingest-cdk-'));
    return new App({ ...props, outdir: mkdtempSync(join(root, 'app-')) });
  };
}
