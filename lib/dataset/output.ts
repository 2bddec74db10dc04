import { once } from 'node:events';
import type { Writable } from 'node:stream';

const CHUNK_BYTES = 64 * 1024;

/**
 * Collects small strings into ~64 KiB writes and waits for 'drain' when the stream's buffer is full,
 * so a slow reader (a pipe into gzip, a network upload) throttles the producer instead of filling memory.
 */
export class BufferedOutput {
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(private readonly stream: Writable | NodeJS.WritableStream) {}

  async write(text: string): Promise<void> {
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= CHUNK_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    if (!this.stream.write(chunk)) await once(this.stream as Writable, 'drain');
  }
}
