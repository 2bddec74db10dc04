/**
 * Runs code with every outgoing connection refused, so a library under comparison (npm run eval) can never
 * reach the network, and a test can show that it would have tried.
 */
import net from 'node:net';

export class NetworkAttemptError extends Error {
  override readonly name = 'NetworkAttemptError';
}

/**
 * Runs `run` with every outgoing socket connection refused (TCP and TLS both go through
 * net.Socket.prototype.connect, and DNS lookups happen only inside it). Throws NetworkAttemptError if
 * `run` tried to connect, even when it caught the refusal itself or wrapped it in an error of its own.
 */
export async function forbidNetwork<T>(run: () => T | Promise<T>): Promise<T> {
  const connect = net.Socket.prototype.connect;
  const attempts: string[] = [];
  net.Socket.prototype.connect = function refusedConnect(...args: unknown[]): never {
    const target = JSON.stringify(args[0]) ?? String(args[0]);
    attempts.push(target);
    throw new NetworkAttemptError(`tried to connect to ${target}`);
  } as typeof connect;
  const attempted = (cause?: unknown): NetworkAttemptError => new NetworkAttemptError(`tried to connect to ${attempts.join(', ')}`, { cause });
  try {
    let value: T;
    try {
      value = await run();
    } catch (error) {
      // A library that wraps the refusal in its own error (Node's fetch: "TypeError: fetch failed") still tried.
      throw attempts.length > 0 ? attempted(error) : error;
    }
    if (attempts.length > 0) throw attempted();
    return value;
  } finally {
    net.Socket.prototype.connect = connect;
  }
}
