import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { startTestServer, type TestServer } from './http-server.ts';

/** A moto_server (real local S3/SQS API) on 127.0.0.1, started for one test file. */
export interface MotoServer {
  /** e.g. "http://127.0.0.1:49152" */
  endpoint: string;
  stop(): Promise<void>;
  /** Kills and starts it again on the same port: every bucket and object is gone afterwards. */
  restart(): Promise<void>;
}

const MISSING_MOTO = 'moto_server not found: install it with pip install "moto[server]"';
const STARTUP_POLLS = 300;
const STARTUP_POLL_INTERVAL_MS = 100;

/** A port nothing listens on right now, found by letting the OS pick one for a probe listener on 127.0.0.1. */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a probe listener'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function spawnMoto(command: string, port: number): Promise<ChildProcess> {
  // Own process group, so stop() also ends the python process behind a pyenv shim.
  const child = spawn(command, ['-p', String(port), '-H', '127.0.0.1'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  let spawnError: NodeJS.ErrnoException | null = null;
  child.once('error', (error: NodeJS.ErrnoException) => {
    spawnError = error;
  });

  for (let poll = 0; poll < STARTUP_POLLS; poll += 1) {
    const failure = spawnError as NodeJS.ErrnoException | null;
    if (failure !== null) {
      throw failure.code === 'ENOENT' ? new Error(MISSING_MOTO) : failure;
    }
    if (child.exitCode !== null) {
      // A pyenv shim exits 127 when the active Python has no moto_server.
      if (child.exitCode === 127) throw new Error(`${MISSING_MOTO}\n${stderr}`);
      throw new Error(`moto_server exited with code ${child.exitCode} before answering:\n${stderr}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      await response.arrayBuffer();
      return child;
    } catch {
      await sleep(STARTUP_POLL_INTERVAL_MS);
    }
  }
  await killGroup(child);
  throw new Error(`moto_server did not answer on 127.0.0.1:${port}:\n${stderr}`);
}

async function killGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
  await done;
}

/** `command` is for testing the missing-moto message; it defaults to moto_server on PATH. */
export async function startMoto(options: { command?: string } = {}): Promise<MotoServer> {
  const command = options.command ?? 'moto_server';
  const port = await freeLoopbackPort();
  let child = await spawnMoto(command, port);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      await killGroup(child);
    },
    async restart() {
      await killGroup(child);
      child = await spawnMoto(command, port);
    },
  };
}

/** An S3 client for moto: dummy credentials and region set here, so no environment variable matters. */
export function testS3Client(endpoint: string): S3Client {
  return new S3Client(testS3ClientConfig(endpoint));
}

export function testS3ClientConfig(endpoint: string): S3ClientConfig {
  return { endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
}

export async function createTestBucket(
  endpoint: string,
  name: string,
  options: { versioning?: boolean } = {},
): Promise<void> {
  const client = testS3Client(endpoint);
  try {
    await client.send(new CreateBucketCommand({ Bucket: name }));
    if (options.versioning === true) {
      await client.send(
        new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }),
      );
    }
  } finally {
    client.destroy();
  }
}

/** An S3 error answer a proxy gives instead of forwarding a request. */
export interface InjectedS3Error {
  status: number;
  code: string;
}

/**
 * An HTTP proxy in front of moto that forwards every request, except those `inject` answers itself with an
 * S3 error: store faults (500s, 409 conflicts) at exactly the requests a test picks.
 */
export async function startMotoProxy(
  moto: () => MotoServer,
  inject: (req: http.IncomingMessage) => InjectedS3Error | null,
): Promise<TestServer> {
  return startTestServer((req: http.IncomingMessage, res: http.ServerResponse) => {
    const injected = inject(req);
    if (injected !== null) {
      req.resume();
      res.writeHead(injected.status, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${injected.code}</Code><Message>injected by the test proxy</Message></Error>`);
      return;
    }
    const target = new URL(req.url ?? '/', moto().endpoint);
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('moto unreachable\n');
    });
    req.pipe(upstream);
  });
}
