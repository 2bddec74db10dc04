import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/**
 * Transient faults on the sample site's own article pages and feeds: which paths get one (decided by the
 * seed, the same every time), for how many requests, and how each kind answers.
 */

export type TransientFaultKind =
  | 'slow'
  | 'http-500'
  | 'http-503'
  | 'http-429'
  | 'reset-mid-body'
  | 'truncated-html'
  | 'malformed-feed'
  | 'empty-feed'
  | 'challenge-feed';

/** Retried kinds may outlast a fetch's attempts; one-shot kinds are a 2xx with bad content, so last one request. */
const RETRIED_KINDS: ReadonlySet<TransientFaultKind> = new Set(['slow', 'http-500', 'http-503', 'http-429', 'reset-mid-body']);
const ARTICLE_FAULTS: readonly TransientFaultKind[] = ['slow', 'http-500', 'http-503', 'http-429', 'reset-mid-body', 'truncated-html'];
const FEED_FAULTS: readonly TransientFaultKind[] = [
  'slow',
  'http-500',
  'http-503',
  'http-429',
  'reset-mid-body',
  'malformed-feed',
  'empty-feed',
  'challenge-feed',
];

export interface FaultPlanOptions {
  seed: number;
  /** Share of article pages and feeds that get a transient fault, 0 to 1. */
  rate: number;
  /** Requests the client makes per fetch (1 + retries): a fault lasting this many requests outlasts a run. */
  attemptsPerFetch: number;
}

export interface PlannedFault {
  kind: TransientFaultKind;
  path: string;
  target: 'article' | 'feed';
  /** The first this-many requests for the path are faulted. */
  requests: number;
}

/** A uniform number in [0, 1) from the seed and a label: the same inputs always give the same number. */
export function seededUniform(seed: number, label: string): number {
  return createHash('sha256').update(`${seed}\u0000${label}`).digest().readUInt32BE(0) / 2 ** 32;
}

function pick<T>(items: readonly T[], u: number): T {
  return items[Math.min(items.length - 1, Math.floor(u * items.length))]!;
}

/** The transient fault for one path, or null when the seed leaves it alone. */
export function planFault(options: FaultPlanOptions, path: string, target: 'article' | 'feed'): PlannedFault | null {
  if (seededUniform(options.seed, `faulted ${path}`) >= options.rate) return null;
  const kind = pick(target === 'article' ? ARTICLE_FAULTS : FEED_FAULTS, seededUniform(options.seed, `kind ${path}`));
  let requests = 1;
  if (RETRIED_KINDS.has(kind)) {
    // 40% clear on the first retry, 30% on the second, 30% outlast every attempt of the run.
    const u = seededUniform(options.seed, `length ${path}`);
    requests = u < 0.4 ? 1 : u < 0.7 ? Math.min(2, options.attemptsPerFetch - 1) : options.attemptsPerFetch;
    requests = Math.max(1, requests);
  }
  return { kind, path, target, requests };
}

const MALFORMED_FEED = '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Hỏng</title><item><title>Thiếu thẻ đóng</title></channel></rss>\n';
const EMPTY_FEED = '<?xml version="1.0" encoding="utf-8"?>\n';

export interface TransientAnswers {
  /** How long a 'slow' response stalls before answering 504; more than the client's timeout. */
  stallMs: number;
  /** Sent with 429s. */
  retryAfterSeconds: number;
  /** The page a 'challenge-feed' answers with. */
  challengeHtml: string;
}

/**
 * Answers a request with the fault and returns true; returns false for truncated-html, which is not an
 * answer of its own: the site renders the page and the caller cuts it.
 */
export function serveTransientFault(kind: TransientFaultKind, response: ServerResponse, answers: TransientAnswers): boolean {
  switch (kind) {
    case 'slow': {
      const timer = setTimeout(() => {
        if (!response.destroyed) response.writeHead(504, { 'content-type': 'text/plain' }).end('too slow\n');
      }, answers.stallMs);
      response.once('close', () => clearTimeout(timer));
      return true;
    }
    case 'http-500':
      response.writeHead(500, { 'content-type': 'text/plain' }).end('internal server error\n');
      return true;
    case 'http-503':
      response.writeHead(503, { 'content-type': 'text/plain' }).end('service unavailable\n');
      return true;
    case 'http-429':
      response
        .writeHead(429, { 'content-type': 'text/plain', 'retry-after': String(answers.retryAfterSeconds) })
        .end('too many requests\n');
      return true;
    case 'reset-mid-body': {
      const start = '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>';
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': '100000' });
      response.write(start, () => response.socket?.destroy());
      return true;
    }
    case 'truncated-html':
      return false;
    case 'malformed-feed':
      response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(MALFORMED_FEED);
      return true;
    case 'empty-feed':
      response.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' }).end(EMPTY_FEED);
      return true;
    case 'challenge-feed':
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(answers.challengeHtml);
      return true;
  }
}
