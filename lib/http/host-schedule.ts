import pLimit, { type LimitFunction } from 'p-limit';
import { sleepUntil } from './sleep.ts';

/**
 * Politeness towards one host: at most `concurrency` requests in flight, and request starts at least
 * `minIntervalMs` apart, however many callers share the fetcher.
 */
export class HostSchedule {
  private readonly limit: LimitFunction;
  private minIntervalMs: number;
  private lastStartAt = Number.NEGATIVE_INFINITY;
  private nextStartAt = 0;

  constructor(concurrency: number, minIntervalMs: number) {
    this.limit = pLimit(concurrency);
    this.minIntervalMs = minIntervalMs;
  }

  /** robots.txt Crawl-delay can only make us slower than configured, never faster. */
  raiseMinInterval(ms: number): void {
    this.minIntervalMs = Math.max(this.minIntervalMs, ms);
    this.nextStartAt = Math.max(this.nextStartAt, this.lastStartAt + this.minIntervalMs);
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    return this.limit(async () => {
      // Reserve the start slot before waiting, so queued tasks space themselves out in order.
      const now = Date.now();
      const startAt = Math.max(now, this.nextStartAt);
      this.lastStartAt = startAt;
      this.nextStartAt = startAt + this.minIntervalMs;
      await sleepUntil(startAt);
      return task();
    });
  }
}
