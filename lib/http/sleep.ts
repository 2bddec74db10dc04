import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until Date.now() reaches the deadline. Timers can fire a millisecond early, and the waits
 * here (minimum intervals, Retry-After) are promises to a site, so the time is re-checked.
 */
export async function sleepUntil(deadline: number): Promise<void> {
  for (let wait = deadline - Date.now(); wait > 0; wait = deadline - Date.now()) await sleep(wait);
}
