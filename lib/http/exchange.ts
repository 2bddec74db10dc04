import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { ResolvedAddress } from './options.ts';
import { bareHostname } from './ssrf.ts';
import { FetchError } from './types.ts';

export interface ExchangeRequest {
  url: URL;
  /** Already checked by the SSRF guard: the socket goes to this address and nowhere else. */
  address: ResolvedAddress;
  headers: Record<string, string>;
  connectTimeoutMs: number;
  totalTimeoutMs: number;
  maxBytes: number;
  /** Certificate authorities an https server may chain to: Node's bundled roots unless given. */
  ca?: readonly string[];
  /** Bodies of redirects and errors are not needed; skipping them keeps the size cap for real content. */
  wantsBody: (status: number) => boolean;
}

export interface ExchangeResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

type Decoder = (input: Buffer, options: zlib.ZlibOptions & zlib.BrotliOptions) => Buffer;

const DECODERS: Record<string, Decoder> = {
  gzip: zlib.gunzipSync,
  'x-gzip': zlib.gunzipSync,
  deflate: zlib.inflateSync,
  br: zlib.brotliDecompressSync,
};

/** Decoders for a Content-Encoding list, in the order to apply them (the reverse of how they were applied). */
function decodersFor(contentEncoding: string | undefined, url: URL): Decoder[] {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  return codings.reverse().map((coding) => {
    const decoder = DECODERS[coding];
    if (!decoder) throw new FetchError('decode', `unsupported Content-Encoding "${coding}" from ${url.href}`, true, undefined, url.href);
    return decoder;
  });
}

/**
 * Undoes the content codings of a body received in full, in one synchronous pass per coding, stopping at
 * maxBytes of output: a gzip bomb ends `too-large` after maxBytes of work, whatever else the process is
 * doing (a streamed decode takes an event-loop turn per 16 KB, and could lose a race with the timeout).
 * The default finishing flush makes a stream that stops before its end (gzip trailer, final deflate or
 * brotli block) an error, whatever markup the part that arrived happens to end with.
 */
function decode(body: Buffer, decoders: Decoder[], url: URL, maxBytes: number): Buffer {
  let decoded = body;
  for (const decoder of decoders) {
    try {
      decoded = decoder(decoded, { maxOutputLength: maxBytes });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(url, maxBytes, 'once decompressed');
      throw error;
    }
  }
  return decoded;
}

function tooLarge(url: URL, maxBytes: number, detail: string): FetchError {
  return new FetchError('too-large', `response from ${url.href} exceeded ${maxBytes} bytes (${detail})`, true, undefined, url.href);
}

function describeFailure(error: unknown, request: ExchangeRequest): FetchError {
  if (error instanceof FetchError) return error;
  const { url, address } = request;
  const err = error as NodeJS.ErrnoException;
  if (err.code === 'Z_BUF_ERROR') {
    // zlib's "unexpected end of file": the response ended cleanly but the compressed stream did not.
    return new FetchError('truncated', `the compressed body from ${url.href} ends before its compressed stream does (cut off in transit?)`, false, undefined, url.href);
  }
  if (typeof err.code === 'string' && err.code.startsWith('Z_')) {
    return new FetchError('decode', `could not decompress the body from ${url.href}: ${err.message}`, true, undefined, url.href);
  }
  if (err.code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return new FetchError('network', `connection to ${url.href} closed before the body was complete`, false, undefined, url.href);
  }
  return new FetchError(
    'network',
    `request to ${url.href} (${address.address}) failed: ${err.message ?? String(error)}`,
    false,
    undefined,
    url.href,
  );
}

/**
 * One GET to one URL over node:http(s), connecting to the pre-checked address (Host header and TLS
 * servername carry the real name). Stops reading at maxBytes, then decompresses to at most maxBytes.
 */
export function exchange(request: ExchangeRequest): Promise<ExchangeResult> {
  const { url, address, maxBytes } = request;
  const hostname = bareHostname(url);
  return new Promise<ExchangeResult>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: ExchangeResult | FetchError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(totalTimer);
      if (outcome instanceof FetchError) {
        reject(outcome);
        req.destroy();
      } else {
        resolve(outcome);
      }
    };

    const client = url.protocol === 'https:' ? https : http;
    const req = client.request({
      protocol: url.protocol,
      host: address.address,
      family: address.family,
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { host: url.host, ...request.headers },
      ...(isIP(hostname) === 0 ? { servername: hostname } : {}),
      ...(request.ca ? { ca: [...request.ca] } : {}),
      agent: false,
    });

    const connectTimer = setTimeout(() => {
      finish(new FetchError('timeout', `timed out after ${request.connectTimeoutMs} ms connecting to ${url.href} (${address.address})`, false, undefined, url.href));
    }, request.connectTimeoutMs);
    const totalTimer = setTimeout(() => {
      finish(new FetchError('timeout', `timed out after ${request.totalTimeoutMs} ms waiting for ${url.href} to answer in full`, false, undefined, url.href));
    }, request.totalTimeoutMs);

    req.on('socket', (socket) => {
      if (socket.connecting) socket.once('connect', () => clearTimeout(connectTimer));
      else clearTimeout(connectTimer);
    });
    req.on('error', (error) => finish(describeFailure(error, request)));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const headers = flattenHeaders(res.headers);
      if (!request.wantsBody(status)) {
        res.destroy();
        finish({ status, headers, body: Buffer.alloc(0) });
        return;
      }
      const declaredLength = Number(headers['content-length']);
      if (Number.isFinite(declaredLength) && declaredLength > maxBytes) {
        finish(tooLarge(url, maxBytes, `Content-Length is ${declaredLength}`));
        return;
      }
      let decoders: Decoder[];
      try {
        decoders = decodersFor(headers['content-encoding'], url);
      } catch (error) {
        finish(describeFailure(error, request));
        return;
      }
      // Compression adds only a few bytes to what it cannot shrink: a body over maxBytes on the wire is over
      // it decoded too. So the cap applies to the bytes as they arrive, then to the decoded body.
      const chunks: Buffer[] = [];
      let received = 0;
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          received += chunk.length;
          if (received > maxBytes) {
            done(tooLarge(url, maxBytes, 'body still growing'));
            return;
          }
          chunks.push(chunk);
          done();
        },
      });
      pipeline(res, sink).then(
        () => {
          try {
            finish({ status, headers, body: decode(Buffer.concat(chunks), decoders, url, maxBytes) });
          } catch (error) {
            finish(describeFailure(error, request));
          }
        },
        (error: unknown) => finish(describeFailure(error, request)),
      );
    });
    req.end();
  });
}
