import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';

/** May return anything (e.g. `res.end()`); a returned promise that rejects answers 500. */
export type TestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => unknown;

/** A handler for every request, or one per path (query ignored); unknown paths answer 404. */
export type TestRoutes = TestHandler | Record<string, TestHandler>;

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: http.IncomingHttpHeaders;
  receivedAt: number;
}

export interface TestServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:40123 (https://… for a TLS server) */
  url: string;
  port: number;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** Requests received for one path (query ignored). */
  hits(path: string): RecordedRequest[];
  close(): Promise<void>;
}

function pathOf(rawUrl: string): string {
  return new URL(rawUrl, 'http://test.invalid').pathname;
}

/**
 * The self-signed certificate (IP:127.0.0.1, valid until 2126) of `startTestServer(…, { tls: true })`;
 * a fetcher trusts it through `extraCaCertificates`.
 */
export const LOOPBACK_CERTIFICATE = readFileSync(new URL('../fixtures/tls/loopback-cert.pem', import.meta.url), 'utf8');
const LOOPBACK_KEY = readFileSync(new URL('../fixtures/tls/loopback-key.pem', import.meta.url), 'utf8');

/** A real node:http (or, with tls, node:https) server on 127.0.0.1, on a free port, for tests that need real HTTP. */
export async function startTestServer(routes: TestRoutes, options: { tls?: boolean } = {}): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = req.url ?? '/';
    requests.push({ method: req.method ?? 'GET', url, headers: req.headers, receivedAt: Date.now() });
    const handler = typeof routes === 'function' ? routes : routes[pathOf(url)];
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no route for ${pathOf(url)}`);
      return;
    }
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`test handler failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
  const server = options.tls ? https.createServer({ cert: LOOPBACK_CERTIFICATE, key: LOOPBACK_KEY }, handle) : http.createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    hits: (path) => requests.filter((request) => pathOf(request.url) === path),
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Handlers that never answer (timeout tests) would otherwise keep close() waiting.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface ConnectionWatch {
  /** Host (or socket path) of every outgoing connection attempted while watching. */
  attempts: string[];
  restore(): void;
}

const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+|localhost)$/;

/**
 * Records every outgoing TCP connection attempt in this process and refuses any that is not to
 * loopback, so a test can prove that a refused URL never reached the network.
 */
export function watchOutgoingConnections(): ConnectionWatch {
  const attempts: string[] = [];
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function connect(this: net.Socket, ...args: unknown[]) {
    // net.connect() passes its already-normalized [options, callback] array as the first argument.
    const [first, second] = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    let target: string;
    if (typeof first === 'object' && first !== null) {
      const options = first as { host?: string; path?: string };
      target = options.path ?? options.host ?? 'localhost';
    } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
      target = typeof second === 'string' ? second : 'localhost';
    } else {
      target = String(first);
    }
    attempts.push(target);
    if (!LOOPBACK_HOST.test(target) && !target.startsWith('/')) {
      throw new Error(`test refused an outgoing connection to ${target}: only loopback is allowed`);
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof original;
  return {
    attempts,
    restore: () => {
      net.Socket.prototype.connect = original;
    },
  };
}
