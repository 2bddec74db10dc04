import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LAMBDA_BUNDLING, LAMBDA_NODE_MAJOR, LAMBDA_RUNTIME } from '../../infra/lambda-bundling.ts';

/** The Node the Lambdas run on is one the bundles target, package.json allows, and CI tests on. */

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('Node versions', () => {
  it('the bundles target the Lambda runtime, package.json engines allow it and Node 20, and .ci/run tests on it', () => {
    expect(LAMBDA_BUNDLING.target).toBe(`node${LAMBDA_NODE_MAJOR}`);
    expect(LAMBDA_RUNTIME.name).toBe(`nodejs${LAMBDA_NODE_MAJOR}.x`);
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    expect(engines.split('||').map((range) => range.trim())).toEqual(['^20.19', `^${LAMBDA_NODE_MAJOR}`]);
    const ci = read('.ci/run');
    expect(ci).toContain(`LAMBDA_NODE_MAJOR=${LAMBDA_NODE_MAJOR}`);
    expect(ci).toMatch(/npm install [^\n]*"node-linux-\$\{node_arch\}@\$\{LAMBDA_NODE_MAJOR\}"/);
    // On Node 22: at least the handler, pipeline and bundle (stack) tests, and this one.
    const node22Run = ci.slice(ci.lastIndexOf('npx vitest run'));
    for (const file of ['runtime-versions', 'handlers-sqs', 'pipeline-runs', 'stack']) expect(node22Run).toContain(`${file}.test.ts`);
  });

  it('runs on a Node major CI tests (20 or the Lambda runtime)', () => {
    expect([20, LAMBDA_NODE_MAJOR]).toContain(Number(process.versions.node.split('.')[0]));
  });
});
