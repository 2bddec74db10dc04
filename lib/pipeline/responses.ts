import { FetchError, type FetchResponse } from '../http/types.ts';

/** The fetcher reports non-2xx as FetchError; a 2xx-less response that slipped through is treated the same. */
export function assertOk(response: FetchResponse): void {
  if (response.status >= 200 && response.status < 300) return;
  const permanent = response.status < 500 && response.status !== 429 && response.status !== 408;
  throw new FetchError('http-status', `HTTP ${response.status} from ${response.url}`, permanent, response.status, response.url);
}

export function isTransient(error: unknown): boolean {
  return error instanceof FetchError ? !error.permanent : false;
}
