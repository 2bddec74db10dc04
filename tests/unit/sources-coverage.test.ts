import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../lib/extract/index.ts';
import { ADAPTERS, hostOf } from '../../lib/sources/registry.ts';
import { loadVietnameseCorpus, readPage } from '../../bench/eval-vietnamese.ts';

/**
 * Every adapter layout is proven on a saved page of its own, and every registered domain either has a
 * saved page or is listed as unverified in the README (so a user knows which adapters were built blind).
 */
const pages = loadVietnameseCorpus().map((want) => {
  const article = extractArticle(readPage(want), { url: want.url });
  return { file: want.file, host: hostOf(want.url), extractor: article.extractor.name };
});

const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
/** The README's "Unverified domains:" line, comma-separated, backquoted. */
const unverified = new Set([...(/^Unverified domains: (.+)$/m.exec(README)?.[1] ?? '').matchAll(/`([^`]+)`/g)].map((match) => match[1]!));

describe('adapters and their saved pages', () => {
  it.each(ADAPTERS.flatMap((adapter) => adapter.layouts.map((layout) => `${adapter.id}/${layout.id}`)))('layout %s extracts at least one saved page', (layout) => {
    expect(pages.filter((page) => page.extractor === layout).map((page) => page.file)).not.toEqual([]);
  });

  it.each(ADAPTERS.flatMap((adapter) => adapter.domains))('%s has a saved page, or the README lists it as unverified', (domain) => {
    const saved = pages.some((page) => page.host === domain);
    expect(saved || unverified.has(domain), `${domain}: no saved page and not listed as unverified`).toBe(true);
    // a domain that now has a page comes off the list
    expect(saved && unverified.has(domain), `${domain} has a saved page: take it off the README's unverified list`).toBe(false);
  });

  it('lists no unverified domain that no adapter serves', () => {
    const domains = new Set(ADAPTERS.flatMap((adapter) => adapter.domains));
    expect([...unverified].filter((domain) => !domains.has(domain))).toEqual([]);
  });
});
