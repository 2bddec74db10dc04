import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Rules of the tree a test can check: product code stands on its own. */

const ROOT = join(import.meta.dirname, '..', '..');

function sourceFiles(directory: string): string[] {
  return readdirSync(join(ROOT, directory), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(directory, file));
}

describe('the tree', () => {
  it('product code (lib/, functions/, infra/) never reads the test tree', () => {
    const readers = ['lib', 'functions', 'infra']
      .flatMap(sourceFiles)
      .filter((file) => /(['"`/])tests\/|\.\.\/tests\b/.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(readers).toEqual([]);
  });
});
