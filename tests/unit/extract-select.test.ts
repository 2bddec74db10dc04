import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPage } from '../../lib/extract/index.ts';
import { matchesSelector, selectBelow, selectOnPage } from '../../lib/extract/select.ts';
import { ADAPTERS } from '../../lib/sources/registry.ts';

/**
 * The adapters query pages through selectors compiled once (lib/extract/select.ts) instead of `$(selector)`.
 * Both must find exactly the same elements, for every selector an adapter declares, on every saved page.
 */

function adapterSelectors(): string[] {
  const found = new Set<string>();
  const add = (source: unknown): void => {
    if (typeof source === 'string') found.add(source);
    else if (Array.isArray(source)) source.forEach(add);
    else if (source && typeof source === 'object' && 'selector' in source) add((source as { selector: unknown }).selector);
  };
  for (const adapter of ADAPTERS) {
    for (const layout of adapter.layouts) {
      add(layout.detect);
      for (const source of Object.values(layout.selectors)) add(source);
    }
  }
  return [...found];
}

const PAGES = ['pages', 'onecms', 'seed', 'generic'].flatMap((directory) =>
  readdirSync(`tests/fixtures/${directory}`)
    .filter((file) => file.endsWith('.html'))
    .map((file) => `tests/fixtures/${directory}/${file}`),
);

/** No descendant, child or sibling combinator (a space, `>`, `+`, `~` outside the commas of a list); attribute values with such characters count as one, to be safe. */
function withoutCombinators(selector: string): boolean {
  return !/[\s>+~]/.test(selector.replace(/\s*,\s*/g, ','));
}

describe('compiled selectors', () => {
  const selectors = adapterSelectors();

  it('cover the adapters (a selector list that came out empty would test nothing)', () => {
    expect(selectors.length).toBeGreaterThan(40);
    expect(selectors.filter(withoutCombinators).length).toBeGreaterThan(10);
  });

  it.each(PAGES)('find what $(selector) finds, and answer .is() the same, on %s', (path) => {
    const $ = loadPage(readFileSync(path, 'utf8'));
    // Compared by position in the page, so the very same elements are required, not look-alikes.
    const position = new Map<unknown, number>($('*').toArray().map((element, index) => [element, index]));
    const positions = (elements: readonly unknown[]): (number | undefined)[] => elements.map((element) => position.get(element));
    const paragraphs = $('p').toArray().slice(0, 50);
    // Figures and their usual wrappers, as the adapters read pictures and captions below them (selectors without combinators).
    const containers = $('figure, table, div').toArray().slice(0, 20);
    for (const selector of selectors) {
      expect(positions(selectOnPage($, selector)), selector).toEqual(positions($(selector).toArray()));
      for (const paragraph of paragraphs) expect(matchesSelector(paragraph, selector), selector).toBe($(paragraph).is(selector));
      if (!withoutCombinators(selector)) continue;
      for (const container of containers) expect(positions(selectBelow(container, selector)), selector).toEqual(positions($(container).find(selector).toArray()));
    }
  });
});
