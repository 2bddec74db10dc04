import type { ArticleImage, Author, MissingField, SourceRef } from '../schema/article.ts';
import type { ExtractionTrace } from './explain.ts';

/**
 * What an extractor (a source adapter or the generic path) finds on one page, already normalized
 * (NFC, entities decoded, dates resolved), before it is assembled into an Article.
 * `null` / `[]` means "not found on the page"; never a guess.
 */
export interface ExtractedFields {
  canonicalUrl: string | null;
  title: string | null;
  category: string | null;
  tags: string[];
  lead: string | null;
  dateline: string | null;
  /** ISO 8601 with the publisher's offset, e.g. 2024-10-18T19:14:00+07:00 */
  publishedAt: string | null;
  updatedAt: string | null;
  authors: Author[];
  paragraphs: string[];
  images: ArticleImage[];
  language: string | null;
}

export interface ExtractorIdentity {
  /** adapter id and layout (e.g. "onecms/2025"), or "generic" */
  name: string;
  version: string;
}

export interface ExtractOptions {
  /** URL the page was fetched from; defaults to the page's canonical link or og:url (CLI only). */
  url?: string;
  fetchedAt?: Date;
  feed?: { url: string; guid: string | null } | null;
  /** Overrides the source found from the URL's domain (e.g. a configured source id). */
  source?: SourceRef;
  /** Adapter id to use instead of the one chosen by the URL's domain (mirrors, the sample site). */
  adapterId?: string;
  /** Only the generic path, whatever the domain: what a site without an adapter gets (`npm run eval`). */
  genericOnly?: boolean;
  /** Filled with where each field's value came from and the candidates turned down (`extract --explain`). */
  trace?: ExtractionTrace;
}

export type { MissingField };

/** The page is readable but is not a news article (a section page, a video hub, an error page). */
export class NotAnArticleError extends Error {
  override readonly name = 'NotAnArticleError';
}
