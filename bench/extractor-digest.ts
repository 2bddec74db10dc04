import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { extractSavedPage } from '../lib/extract/index.ts';

/**
 * What extraction makes of every saved page in tests/fixtures, as one digest: when it changes, extraction
 * output changed and EXTRACTOR_VERSION must be bumped (`npm run extractor-version` does both;
 * tests/unit/extractor-version.test.ts fails until it is run).
 */

export const EXTRACTOR_VERSION_FILE = resolve(import.meta.dirname, '../lib/extract/extractor-version.json');
const FIXTURES = resolve(import.meta.dirname, '../tests/fixtures');
const FIXTURE_DIRECTORIES = ['pages', 'generic', 'onecms', 'seed', 'vi'];
/** A fixed fetch time: outputs must depend on the pages only. */
const FETCHED_AT = new Date('2026-01-01T00:00:00.000Z');

export interface ExtractorVersionFile {
  version: string;
  fixtureOutputsDigest: string;
}

export function readExtractorVersionFile(): ExtractorVersionFile {
  return JSON.parse(readFileSync(EXTRACTOR_VERSION_FILE, 'utf8')) as ExtractorVersionFile;
}

/** Every fixture page's extraction (or the name of the error it ends in), the version field left out. */
export function fixtureOutputsDigest(): { digest: string; pages: number } {
  const hash = createHash('sha256');
  let pages = 0;
  for (const directory of FIXTURE_DIRECTORIES) {
    const names = readdirSync(join(FIXTURES, directory)).filter((name) => name.endsWith('.html')).sort();
    for (const name of names) {
      const html = readFileSync(join(FIXTURES, directory, name), 'utf8');
      let output: string;
      try {
        const article = extractSavedPage(html, { fetchedAt: FETCHED_AT });
        output = JSON.stringify({ ...article, extractor: { ...article.extractor, version: null } });
      } catch (error) {
        output = `error: ${(error as Error).name}`;
      }
      hash.update(`${directory}/${name}\n${output}\n`);
      pages += 1;
    }
  }
  return { digest: hash.digest('hex'), pages };
}
