import { createHash } from 'node:crypto';
import { normalizeUrl } from '../normalize/url.ts';

/** Stable article id: the same canonical URL (after normalization) always gives the same id. */
export function articleIdFor(canonicalUrl: string): string {
  return createHash('sha256').update(normalizeUrl(canonicalUrl)).digest('hex').slice(0, 20);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
