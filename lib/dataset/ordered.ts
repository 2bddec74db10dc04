export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `work` on up to `concurrency` items at once and yields the outcomes in input order, so reads
 * overlap while memory stays bounded by the window. Failures are yielded, not thrown, so one bad item
 * never hides its neighbours (and no rejection is left unhandled when the consumer stops early).
 */
export async function* mapOrdered<T, R>(
  items: AsyncIterable<T>,
  concurrency: number,
  work: (item: T) => Promise<R>,
): AsyncGenerator<{ item: T; outcome: Settled<R> }> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  const window: Promise<{ item: T; outcome: Settled<R> }>[] = [];
  const start = (item: T) =>
    work(item).then(
      (value) => ({ item, outcome: { ok: true as const, value } }),
      (error: unknown) => ({ item, outcome: { ok: false as const, error } }),
    );
  for await (const item of items) {
    window.push(start(item));
    if (window.length >= concurrency) yield await window.shift()!;
  }
  while (window.length > 0) yield await window.shift()!;
}
