/**
 * trafilatura's main-text evaluation (its tests/eval_common.py), for any extractor: each page lists a few
 * segments of its main text ("with") and of its boilerplate ("without"); an extractor's text is scored by
 * which of them it contains, as whitespace-normalized substrings, summed over all pages.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeBody } from '../../lib/http/charset.ts';
import type { Article, UrlLessArticle } from '../../lib/schema/article.ts';

/** One page of the set: `evaldata.json` maps its URL to the saved file and its segments. */
export interface SegmentPage {
  url: string;
  /** the page's file name; the HTML is `html/<file>.gz` */
  file: string;
  with: string[];
  without: string[];
}

export interface SegmentCounts {
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
  trueNegatives: number;
}

export interface SegmentTotals extends SegmentCounts {
  pages: number;
  /** pages for which the extractor gave no text (threw, or returned none) */
  pagesWithoutOutput: number;
  precision: number;
  recall: number;
  f1: number;
}

/** What is scored of an article: its title, lead and body, one per line. */
export function scoredText(article: Article | UrlLessArticle): string {
  return [article.title, article.lead, ...article.body.paragraphs].filter((part) => part).join('\n');
}

/**
 * Characters a reader does not see: soft hyphens (drawn only where a line breaks), zero-width spaces and
 * joiners of words, byte-order marks. Some of the set's segments keep the page's soft hyphens; an extractor
 * that drops them (as ours does, lib/normalize/text.ts) prints the same visible text.
 */
const INVISIBLE = /[\u00AD\u200B\u2060\uFEFF]/g;

/** Every run of whitespace as one space, invisible characters out, trimmed: the set's segments are matched in such text. */
export function collapseWhitespace(text: string): string {
  return text.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
}

export function readSegmentPages(directory: string): SegmentPage[] {
  const data = JSON.parse(readFileSync(join(directory, 'evaldata.json'), 'utf8')) as Record<string, Omit<SegmentPage, 'url'>>;
  return Object.entries(data).map(([url, entry]) => ({ url, file: entry.file, with: entry.with, without: entry.without }));
}

/**
 * The page's text decoded as `news-ingest extract` decodes a saved file (its BOM or declared charset, else
 * UTF-8): the set holds the bytes as served, and some of its pages are windows-1252 or GB2312.
 */
export function readSegmentPageHtml(directory: string, page: SegmentPage): string {
  return decodeBody(gunzipSync(readFileSync(join(directory, 'html', `${page.file}.gz`))), null).text;
}

/** One page's counts; no text (null) finds nothing, so every main-text segment is a false negative. */
export function scoreSegments(text: string | null, page: SegmentPage): SegmentCounts {
  const normalized = text === null ? null : collapseWhitespace(text);
  const found = (segment: string): boolean => normalized !== null && normalized.includes(collapseWhitespace(segment));
  const included = page.with.filter(found).length;
  const excluded = page.without.filter(found).length;
  return {
    truePositives: included,
    falseNegatives: page.with.length - included,
    falsePositives: excluded,
    trueNegatives: page.without.length - excluded,
  };
}

/** Micro-summed counts of many pages, and precision, recall and F1 = 2tp / (2tp + fp + fn) over the sums. */
export function segmentTotals(pages: { counts: SegmentCounts; text: string | null }[]): SegmentTotals {
  const sum = (pick: (counts: SegmentCounts) => number): number => pages.reduce((total, page) => total + pick(page.counts), 0);
  const truePositives = sum((counts) => counts.truePositives);
  const falseNegatives = sum((counts) => counts.falseNegatives);
  const falsePositives = sum((counts) => counts.falsePositives);
  return {
    pages: pages.length,
    pagesWithoutOutput: pages.filter((page) => page.text === null).length,
    truePositives,
    falseNegatives,
    falsePositives,
    trueNegatives: sum((counts) => counts.trueNegatives),
    precision: truePositives / Math.max(truePositives + falsePositives, 1),
    recall: truePositives / Math.max(truePositives + falseNegatives, 1),
    f1: (2 * truePositives) / Math.max(2 * truePositives + falsePositives + falseNegatives, 1),
  };
}
