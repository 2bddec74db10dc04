import { gzipSync, brotliCompressSync, createGzip, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config.ts';
import { hostLimitsFor } from '../../lib/pipeline/politeness.ts';
import { fetchError, loopbackFetcher, serve } from '../helpers/fetch-test-kit.ts';
import { LOOPBACK_CERTIFICATE } from '../helpers/http-server.ts';

describe('PoliteFetcher: requests and responses', () => {
  it('fetches a page with our User-Agent, Accept-Encoding and Host, and reports what came back', async () => {
    const server = await serve({
      '/page': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', etag: '"v1"', 'last-modified': 'Sat, 05 Sep 2026 15:17:01 GMT' });
        res.end('<html><body>Đà Nẵng</body></html>');
      },
    });
    const response = await loopbackFetcher({ userAgent: 'test-agent/1.0 (+https://example.invalid/contact)' }).fetch({
      url: `${server.url}/page`,
    });
    expect(response).toMatchObject({
      url: `${server.url}/page`,
      status: 200,
      notModified: false,
      charset: 'utf-8',
      etag: '"v1"',
      lastModified: 'Sat, 05 Sep 2026 15:17:01 GMT',
    });
    expect(response.text).toContain('Đà Nẵng');
    const [request] = server.hits('/page');
    expect(request?.headers['user-agent']).toBe('test-agent/1.0 (+https://example.invalid/contact)');
    expect(request?.headers['accept-encoding']).toBe('gzip, deflate, br');
    expect(request?.headers.host).toBe(`127.0.0.1:${server.port}`);
  });

  it('sends the conditional GET validators and turns 304 into notModified with an empty body', async () => {
    const server = await serve({
      '/feed.rss': (req, res) => {
        if (req.headers['if-none-match'] === '"abc"') res.writeHead(304).end();
        else res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"abc"' }).end('<rss version="2.0"></rss>');
      },
    });
    const response = await loopbackFetcher().fetch({
      url: `${server.url}/feed.rss`,
      expect: 'feed',
      etag: '"abc"',
      lastModified: 'Sat, 05 Sep 2026 15:17:01 GMT',
    });
    expect(response.status).toBe(304);
    expect(response.notModified).toBe(true);
    expect(response.body.length).toBe(0);
    expect(response.text).toBe('');
    expect(response.etag).toBe('"abc"');
    const [request] = server.hits('/feed.rss');
    expect(request?.headers['if-none-match']).toBe('"abc"');
    expect(request?.headers['if-modified-since']).toBe('Sat, 05 Sep 2026 15:17:01 GMT');
  });

  it('follows relative and absolute redirects and reports the final URL', async () => {
    const server = await serve({
      '/old': (_req, res) => res.writeHead(301, { location: '/middle' }).end(),
      '/middle': (_req, res) => res.writeHead(302, { location: `${server.url}/new?x=1` }).end(),
      '/new': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('arrived'),
    });
    const response = await loopbackFetcher().fetch({ url: `${server.url}/old` });
    expect(response.url).toBe(`${server.url}/new?x=1`);
    expect(response.text).toBe('arrived');
  });

  it('stops a redirect loop with too-many-redirects after maxRedirects hops', async () => {
    const server = await serve({
      '/a': (_req, res) => res.writeHead(302, { location: '/b' }).end(),
      '/b': (_req, res) => res.writeHead(302, { location: '/a' }).end(),
    });
    const error = await fetchError(loopbackFetcher({ maxRedirects: 3 }).fetch({ url: `${server.url}/a` }));
    expect(error.kind).toBe('too-many-redirects');
    expect(error.permanent).toBe(true);
    expect(error.message).toContain(`${server.url}/a redirected more than 3 times`);
    expect(server.requests.length).toBe(4);
  });

  it('refuses redirects to other schemes as bad-url', async () => {
    const server = await serve({ '/': (_req, res) => res.writeHead(302, { location: 'ftp://files.example/x' }).end() });
    const error = await fetchError(loopbackFetcher().fetch({ url: `${server.url}/` }));
    expect(error.kind).toBe('bad-url');
    expect(error.message).toContain('ftp://files.example/x');
  });

  it('reports a 3xx that is not a redirect as a permanent http-status error', async () => {
    const server = await serve({ '/choices': (_req, res) => res.writeHead(300, { 'content-type': 'text/html' }).end('<ul></ul>') });
    const error = await fetchError(loopbackFetcher().fetch({ url: `${server.url}/choices` }));
    expect(error).toMatchObject({ kind: 'http-status', status: 300, permanent: true });
    expect(error.message).toBe(`${server.url}/choices answered HTTP 300, which is neither content nor a redirect`);
  });

  it('rejects URLs that are not http(s) or not URLs at all, without a request', async () => {
    const fetcher = loopbackFetcher();
    for (const url of ['file:///etc/passwd', 'not a url', 'javascript:alert(1)']) {
      const error = await fetchError(fetcher.fetch({ url }));
      expect(error.kind).toBe('bad-url');
      expect(error.permanent).toBe(true);
      expect(error.message).toContain(url.split(' ')[0]);
    }
  });

  it('times out on a server that never answers, naming the URL and the limit', async () => {
    const server = await serve({ '/slow': () => undefined });
    const error = await fetchError(loopbackFetcher({ totalTimeoutMs: 200, retries: 1 }).fetch({ url: `${server.url}/slow` }));
    expect(error.kind).toBe('timeout');
    expect(error.permanent).toBe(false);
    expect(error.message).toContain(`timed out after 200 ms waiting for ${server.url}/slow`);
    expect(error.message).toContain('gave up after 2 attempts');
    expect(server.hits('/slow').length).toBe(2);
  });

  it('decodes gzip and brotli bodies', async () => {
    const text = 'Thành phố Đà Nẵng '.repeat(200);
    const server = await serve({
      '/gz': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-encoding': 'gzip' }).end(gzipSync(text)),
      '/br': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-encoding': 'br' }).end(brotliCompressSync(text)),
    });
    const fetcher = loopbackFetcher();
    expect((await fetcher.fetch({ url: `${server.url}/gz` })).text).toBe(text);
    expect((await fetcher.fetch({ url: `${server.url}/br` })).text).toBe(text);
  });

  it('refuses a declared Content-Length over maxBytes before reading the body', async () => {
    const server = await serve({
      '/big': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(2048) });
        res.end('x'.repeat(2048));
      },
    });
    const error = await fetchError(loopbackFetcher({ maxBytes: 1024 }).fetch({ url: `${server.url}/big` }));
    expect(error.kind).toBe('too-large');
    expect(error.permanent).toBe(true);
    expect(error.message).toBe(`response from ${server.url}/big exceeded 1024 bytes (Content-Length is 2048)`);
  });

  it('stops a chunked body without Content-Length at maxBytes', async () => {
    const server = await serve({
      '/stream': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < 20; i++) res.write('y'.repeat(1000));
        res.end();
      },
    });
    const error = await fetchError(loopbackFetcher({ maxBytes: 5000 }).fetch({ url: `${server.url}/stream` }));
    expect(error.kind).toBe('too-large');
    expect(error.message).toContain('exceeded 5000 bytes');
  });

  it('stops a gzip bomb at maxBytes of decompressed data', async () => {
    // 64 MB of zeros compress to about 64 KB: small on the wire, far over the 1 MB cap once decoded.
    const bombSize = 64 * 1024 * 1024;
    const server = await serve({
      '/bomb': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
        const gzip = createGzip();
        gzip.pipe(res);
        const zeros = Buffer.alloc(1024 * 1024);
        let written = 0;
        const writeMore = (): void => {
          while (written < bombSize) {
            written += zeros.length;
            if (!gzip.write(zeros)) {
              gzip.once('drain', writeMore);
              return;
            }
          }
          gzip.end();
        };
        res.on('close', () => gzip.destroy());
        writeMore();
      },
    });
    const error = await fetchError(loopbackFetcher({ maxBytes: 1024 * 1024 }).fetch({ url: `${server.url}/bomb` }));
    expect(error.kind).toBe('too-large');
    expect(error.message).toContain(`response from ${server.url}/bomb exceeded 1048576 bytes`);
  });

  it('reports a corrupt gzip body as a decode error', async () => {
    const server = await serve({
      '/corrupt': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(Buffer.from('this is not gzip at all')),
    });
    const error = await fetchError(loopbackFetcher().fetch({ url: `${server.url}/corrupt` }));
    expect(error.kind).toBe('decode');
    expect(error.message).toContain(`could not decompress the body from ${server.url}/corrupt`);
  });

  it.each([
    // The gzip trailer (CRC-32, length) and the zlib one (Adler-32) hold no content: what arrived decodes to
    // the whole page, closing tags included, so only the compressed stream can tell that the body is short.
    ['gzip', gzipSync, 8],
    ['deflate', deflateSync, 4],
    ['br', brotliCompressSync, 2],
  ] as const)('reports a %s body cut off before its compressed stream ends as truncated, whatever it decodes to', async (coding, compress, cut) => {
    const html = `<html><body><p>${'Thành phố Đà Nẵng. '.repeat(300)}</p></body></html>`;
    const compressed = compress(Buffer.from(html));
    const server = await serve({
      '/cut': (_req, res) =>
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': coding }).end(compressed.subarray(0, compressed.length - cut)),
    });
    const error = await fetchError(loopbackFetcher({ retries: 1 }).fetch({ url: `${server.url}/cut` }));
    expect(error).toMatchObject({ kind: 'truncated', permanent: false, url: `${server.url}/cut` });
    expect(error.message).toBe(
      `the compressed body from ${server.url}/cut ends before its compressed stream does (cut off in transit?) (gave up after 2 attempts)`,
    );
    expect(server.hits('/cut')).toHaveLength(2);
  });

  it('sends conditional GET validators only to the URL they came from, not to a redirect target on another host', async () => {
    const target = await serve({ '/feed.rss': (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<rss version="2.0"></rss>') });
    const origin = await serve({ '/feed.rss': (_req, res) => res.writeHead(301, { location: `http://cdn.example.test:${target.port}/feed.rss` }).end() });
    const fetcher = loopbackFetcher({ resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    const validators = { etag: '"v7"', lastModified: 'Sat, 05 Sep 2026 15:17:01 GMT' };

    await fetcher.fetch({ url: `http://news.example.test:${origin.port}/feed.rss`, expect: 'feed', ...validators });
    expect(origin.hits('/feed.rss')[0]?.headers).toMatchObject({ 'if-none-match': '"v7"', 'if-modified-since': validators.lastModified });
    expect(target.hits('/feed.rss')[0]?.headers).not.toHaveProperty('if-none-match');
    expect(target.hits('/feed.rss')[0]?.headers).not.toHaveProperty('if-modified-since');

    // Validators that the redirect target sent last time go to the target, and not to the first hop.
    await fetcher.fetch({
      url: `http://news.example.test:${origin.port}/feed.rss`,
      expect: 'feed',
      ...validators,
      validatorsUrl: `http://cdn.example.test:${target.port}/feed.rss`,
    });
    expect(origin.hits('/feed.rss')[1]?.headers).not.toHaveProperty('if-none-match');
    expect(target.hits('/feed.rss')[1]?.headers).toMatchObject({ 'if-none-match': '"v7"', 'if-modified-since': validators.lastModified });
  });

  it('refuses a redirect from https to plain http as insecure-redirect, without requesting the http URL', async () => {
    const plain = await serve({ '/page': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('over plain http') });
    const secure = await serve({ '/page': (_req, res) => res.writeHead(302, { location: `${plain.url}/page` }).end() }, { tls: true });
    const error = await fetchError(loopbackFetcher({ extraCaCertificates: [LOOPBACK_CERTIFICATE] }).fetch({ url: `${secure.url}/page` }));
    expect(error).toMatchObject({ kind: 'insecure-redirect', permanent: true, status: 302, url: `${secure.url}/page` });
    expect(error.message).toBe(
      `${secure.url}/page redirected to ${plain.url}/page, from https to plain http: refused (a source that needs it sets allowInsecureRedirects in the config)`,
    );
    expect(secure.hits('/page')).toHaveLength(1);
    expect(plain.requests).toHaveLength(0);
  });

  it('follows an https to http redirect for a source whose config allows it', async () => {
    const plain = await serve({ '/page': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('over plain http') });
    const secure = await serve({ '/page': (_req, res) => res.writeHead(302, { location: `${plain.url}/page` }).end() }, { tls: true });
    const config = parseConfig({
      userAgent: 'test-agent/1.0 (+https://example.invalid/contact)',
      sources: [{ id: 'mirror', name: 'Mirror', domain: 'example.invalid', allowInsecureRedirects: true, feeds: [{ url: `${secure.url}/feed.rss` }] }],
    });
    const fetcher = loopbackFetcher({ extraCaCertificates: [LOOPBACK_CERTIFICATE], hostOverrides: hostLimitsFor(config) });
    const response = await fetcher.fetch({ url: `${secure.url}/page` });
    expect(response.url).toBe(`${plain.url}/page`);
    expect(response.text).toBe('over plain http');
  });

  it('reports a feed answered by a JavaScript cookie challenge as exactly that', async () => {
    const challenge =
      '<html><head><script>document.cookie="D1N=abc123; path=/";window.location.reload(true);</script></head><body></body></html>';
    const server = await serve({
      '/rss/home.rss': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(challenge),
    });
    const fetcher = loopbackFetcher();
    const error = await fetchError(fetcher.fetch({ url: `${server.url}/rss/home.rss`, expect: 'feed' }));
    expect(error.kind).toBe('cookie-challenge');
    expect(error.permanent).toBe(false);
    expect(error.message).toBe(
      `${server.url}/rss/home.rss answered 200 with a JavaScript cookie-challenge page (document.cookie=… then reload) instead of a feed`,
    );
    // Asked for as a page, the same HTML is just a page.
    expect((await fetcher.fetch({ url: `${server.url}/rss/home.rss`, expect: 'html' })).text).toBe(challenge);
  });

  it('connects to the address the resolver gave while sending the real Host header', async () => {
    const server = await serve({ '/': (req, res) => res.writeHead(200).end(`host=${req.headers.host}`) });
    const fetcher = loopbackFetcher({ resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    const response = await fetcher.fetch({ url: `http://news.example.test:${server.port}/` });
    expect(response.text).toBe(`host=news.example.test:${server.port}`);
  });
});
