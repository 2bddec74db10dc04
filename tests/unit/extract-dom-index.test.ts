import { readdirSync, readFileSync } from 'node:fs';
import { load } from 'cheerio';
import type { Element } from 'domhandler';
import { describe, expect, it } from 'vitest';
import { loadPage } from '../../lib/extract/index.ts';
import { elementsBelow, elementsByTag, pageElements } from '../../lib/extract/dom.ts';

/**
 * Page-wide scans read the page's element list (lib/extract/dom.ts) instead of walking the tree: the list and
 * its slices must hold exactly the elements cheerio finds, in the same order, on every saved page.
 */

const PAGES = ['pages', 'onecms', 'seed', 'generic', 'vi'].flatMap((directory) =>
  readdirSync(`tests/fixtures/${directory}`)
    .filter((file) => file.endsWith('.html'))
    .map((file) => `tests/fixtures/${directory}/${file}`),
);

describe('the page loader', () => {
  it.each(PAGES)('builds the DOM cheerio builds, on %s', (path) => {
    const html = readFileSync(path, 'utf8');
    // Serialized, every element, attribute and text of the two documents is compared, entities decoded alike.
    expect(loadPage(html).html()).toBe(load(html, { xml: { xmlMode: false, decodeEntities: true } }).html());
  });
});

describe('the page element index', () => {
  it.each(PAGES)('lists what $("*") and .find("*") find, on %s', (path) => {
    const $ = loadPage(readFileSync(path, 'utf8'));
    // Compared by position in the page, so the very same elements are required, not look-alikes.
    const everything = $('*').toArray();
    const position = new Map<unknown, number>(everything.map((element, index) => [element, index]));
    const positions = (elements: readonly unknown[]): (number | undefined)[] => elements.map((element) => position.get(element));
    expect(positions(pageElements($))).toEqual(positions(everything));
    const body = elementsByTag($, 'body')[0]!;
    expect(positions(elementsBelow($, body))).toEqual(positions($(body).find('*').toArray()));
    // Subtrees in the middle of the page end before their next siblings' elements.
    for (const list of $('ul, ol, table').toArray().slice(0, 10) as Element[]) {
      expect(positions(elementsBelow($, list))).toEqual(positions($(list).find('*').toArray()));
    }
  });

  it('refuses an element that is not on the page', () => {
    const $ = loadPage('<html><body><p>one</p></body></html>');
    const other = loadPage('<html><body><p>two</p></body></html>');
    expect(() => elementsBelow($, elementsByTag(other, 'body')[0]!)).toThrow(/not an element of the page/);
  });
});
