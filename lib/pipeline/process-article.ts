import { extractArticle } from '../extract/index.ts';
import { NotAnArticleError } from '../extract/types.ts';
import { FetchError, type FetchResponse } from '../http/types.ts';
import { writeArticle } from '../store/articles.ts';
import type { RawPageSlot } from '../store/raw-pages.ts';
import { describeError } from '../errors.ts';
import { assertOk } from './responses.ts';
import type { ArticleJob, ArticleOutcome, PipelineDeps } from './types.ts';

/**
 * Fetches, extracts and stores one article. Never throws: every job ends in one ItemState.
 * A seen article comes here again only when its feed entry changed: a revised page then comes out as
 * `updated`, an identical one as `unchanged` (same contentHash, nothing written).
 */
export async function processArticle(job: ArticleJob, deps: PipelineDeps): Promise<ArticleOutcome> {
  // Joined before the fetch, so the batch of raw pages waits for this article while it is in flight.
  const rawPages = deps.rawPages?.join({ url: job.url, runId: job.runId });
  try {
    const outcome = await fetchExtractAndStore(job, deps, rawPages);
    return { ...outcome, claimedInBatch: rawPages?.claimed ?? null };
  } finally {
    rawPages?.close();
  }
}

async function fetchExtractAndStore(job: ArticleJob, deps: PipelineDeps, rawPages: RawPageSlot | undefined): Promise<ArticleOutcome> {
  const outcome: ArticleOutcome = {
    job,
    state: 'failed:unknown',
    retryable: false,
    articleId: null,
    key: null,
    missing: [],
    error: null,
    claimedInBatch: null,
  };
  const source = deps.config.sources.find((candidate) => candidate.id === job.sourceId);
  if (!source) return fail(outcome, 'unknown-source', `source "${job.sourceId}" is not configured`, false);

  let response: FetchResponse;
  try {
    response = await deps.fetcher.fetch({ url: job.url, expect: 'html' });
    assertOk(response);
  } catch (error) {
    if (error instanceof FetchError) {
      if (error.kind === 'robots-disallowed') return skip(outcome, 'robots-disallowed', error.message);
      if (error.kind === 'http-status' && (error.status === 404 || error.status === 410)) {
        return skip(outcome, `http-${error.status}`, error.message);
      }
      const reason = error.kind === 'http-status' && error.status !== undefined ? `http-${error.status}` : error.kind;
      return fail(outcome, reason, error.message, !error.permanent);
    }
    return fail(outcome, 'fetch', describeError(error), true);
  }

  // A 200 whose HTML stops before both </body> and </html> was cut off on the way: stored, it would be a
  // partial article that later runs never revisit. Retried instead (pages may omit one of the two, not both).
  if (!CLOSING_BODY_OR_HTML_TAG.test(response.text)) {
    return fail(outcome, 'truncated', `${job.url}: the page ends before </body> and </html> (cut off in transit?)`, true);
  }

  let article;
  try {
    article = extractArticle(response.text, {
      url: response.url,
      fetchedAt: deps.clock(),
      feed: { url: job.feedUrl, guid: job.guid },
      source: { id: source.id, name: source.name, domain: source.domain },
      adapterId: source.adapter,
    });
  } catch (error) {
    if (error instanceof NotAnArticleError) return skip(outcome, 'not-an-article', error.message);
    return fail(outcome, 'extract', describeError(error), false);
  }
  outcome.articleId = article.id;
  outcome.missing = [...article.missing];

  try {
    const written = await writeArticle(deps.store, article, response.text, {
      keepRevisions: deps.keepRevisions ?? 'local-copy',
      now: deps.clock(),
      ...(rawPages === undefined ? {} : { rawPages }),
    });
    outcome.state = written.outcome;
    outcome.key = written.key;
  } catch (error) {
    return fail(outcome, 'store', describeError(error), true);
  }
  deps.logger?.info('article processed', { url: job.url, state: outcome.state, key: outcome.key, missing: outcome.missing });
  return outcome;
}

const CLOSING_BODY_OR_HTML_TAG = /<\/(?:body|html)\s*>/i;

function skip(outcome: ArticleOutcome, reason: string, message: string): ArticleOutcome {
  return { ...outcome, state: `skipped:${reason}`, retryable: false, error: message };
}

function fail(outcome: ArticleOutcome, reason: string, message: string, retryable: boolean): ArticleOutcome {
  return { ...outcome, state: `failed:${reason}`, retryable, error: message };
}
