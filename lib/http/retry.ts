/**
 * Milliseconds a Retry-After header asks for (delta-seconds or an HTTP date), or null when absent or
 * unreadable. A date in the past means "now".
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  const trimmed = value?.trim();
  if (!trimmed) return null;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/**
 * Exponential backoff with jitter: base · 2^attempt, scaled by a random factor in [0.5, 1) so that
 * workers that failed together do not come back together.
 */
export function backoffDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  return Math.round(baseMs * 2 ** attempt * (0.5 + random() / 2));
}

/** 408, 429 and 5xx are worth another try; 403 too, separately counted (WAF rate limits clear with time). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
