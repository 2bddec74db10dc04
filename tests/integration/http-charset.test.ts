import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { PoliteFetcher, decodeBody, looksLikeCookieChallenge } from '../../lib/http/index.ts';
import { serve } from '../helpers/fetch-test-kit.ts';

const fetcher = new PoliteFetcher({ allowLoopback: true, respectRobots: false, minIntervalMs: 0 });

/**
 * "Đà Nẵng" as Windows-1258 bytes: the code page has ă as one byte but tone marks only as combining
 * characters (0xCC grave, 0xDE tilde), so it decodes to a mix that is not NFC.
 */
const DA_NANG_1258 = Buffer.from([0xd0, 0x61, 0xcc, 0x20, 0x4e, 0xe3, 0xde, 0x6e, 0x67]);

function html(head: string, bodyBytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`<html><head>${head}</head><body><h1>`), bodyBytes, Buffer.from('</h1></body></html>')]);
}

describe('charset decoding of fetched pages', () => {
  it('decodes a windows-1258 page named in Content-Type to NFC text', async () => {
    expect(iconv.decode(DA_NANG_1258, 'windows-1258')).not.toBe('Đà Nẵng');
    const server = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html; charset=windows-1258' }).end(html('', DA_NANG_1258)),
    );
    const response = await fetcher.fetch({ url: `${server.url}/` });
    expect(response.charset).toBe('windows-1258');
    expect(response.text).toContain('<h1>Đà Nẵng</h1>');
    expect(response.text).toBe(response.text.normalize('NFC'));
  });

  it('uses <meta charset> when the header names none', async () => {
    const server = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(html('<meta charset="windows-1258">', DA_NANG_1258)),
    );
    const response = await fetcher.fetch({ url: `${server.url}/` });
    expect(response.charset).toBe('windows-1258');
    expect(response.text).toContain('<h1>Đà Nẵng</h1>');
  });

  it('uses <meta http-equiv="Content-Type"> when there is no header at all', async () => {
    const page = html('<meta http-equiv="Content-Type" content="text/html; charset=windows-1258" />', DA_NANG_1258);
    const server = await serve((_req, res) => res.writeHead(200).end(page));
    const response = await fetcher.fetch({ url: `${server.url}/` });
    expect(response.charset).toBe('windows-1258');
    expect(response.text).toContain('Đà Nẵng');
  });

  it('lets a byte-order mark win over a wrong header, and strips it', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<p>Thành phố Đà Nẵng</p>', 'utf16le')]);
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<p>Hội An</p>')]);
    const server = await serve({
      '/utf16': (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' }).end(utf16),
      '/utf8': (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=windows-1252' }).end(utf8),
    });
    const utf16Response = await fetcher.fetch({ url: `${server.url}/utf16` });
    expect(utf16Response).toMatchObject({ charset: 'utf-16le', text: '<p>Thành phố Đà Nẵng</p>' });
    const utf8Response = await fetcher.fetch({ url: `${server.url}/utf8` });
    expect(utf8Response).toMatchObject({ charset: 'utf-8', text: '<p>Hội An</p>' });
  });

  it('reads the XML prolog encoding of a feed', async () => {
    const feed = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="windows-1258"?><rss version="2.0"><channel><title>'),
      DA_NANG_1258,
      Buffer.from('</title></channel></rss>'),
    ]);
    const server = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed));
    const response = await fetcher.fetch({ url: `${server.url}/rss/home.rss`, expect: 'feed' });
    expect(response.charset).toBe('windows-1258');
    expect(response.text).toContain('<title>Đà Nẵng</title>');
  });

  it('normalizes NFD UTF-8 text (as some pages mix it) to NFC', async () => {
    const nfd = 'Nguyễn Văn Đức'.normalize('NFD');
    const server = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(nfd));
    const response = await fetcher.fetch({ url: `${server.url}/` });
    expect(response.text).toBe('Nguyễn Văn Đức'.normalize('NFC'));
    expect(response.body.equals(Buffer.from(nfd))).toBe(true);
  });
});

describe('decodeBody and looksLikeCookieChallenge on their own', () => {
  it('prefers the header over the document, ignores unknown labels and defaults to UTF-8', () => {
    const page = html('<meta charset="windows-1258">', Buffer.from('Đà Nẵng'));
    expect(decodeBody(page, 'text/html; charset="UTF-8"')).toMatchObject({ charset: 'utf-8' });
    expect(decodeBody(Buffer.from('Đà Nẵng'), 'text/html; charset=no-such-charset').text).toBe('Đà Nẵng');
    expect(decodeBody(Buffer.from('Đà Nẵng'), null)).toEqual({ text: 'Đà Nẵng', charset: 'utf-8' });
  });

  it('tells a cookie-challenge page from a feed', () => {
    expect(looksLikeCookieChallenge('<script>document.cookie = "a=b"; location.href = "/rss";</script>')).toBe(true);
    expect(looksLikeCookieChallenge('<html><meta http-equiv="refresh" content="0"><script>document.cookie="x=1"</script>')).toBe(true);
    expect(looksLikeCookieChallenge('<script>document.cookie="x=1"</script><p>no reload</p>')).toBe(false);
    expect(
      looksLikeCookieChallenge('<?xml version="1.0"?><rss><channel><description>document.cookie=1; location.reload()</description></channel></rss>'),
    ).toBe(false);
  });
});
