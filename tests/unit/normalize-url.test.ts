import { describe, expect, it } from 'vitest';
import { absoluteHttpUrl } from '../../lib/normalize/url.ts';

describe('absoluteHttpUrl', () => {
  it('resolves a relative path against the base, trimming the value', () => {
    expect(absoluteHttpUrl('  /images/a.jpg ', 'https://vnexpress.net/thoi-su/bai-1.html')).toBe('https://vnexpress.net/images/a.jpg');
    expect(absoluteHttpUrl('//cdn.tuoitre.vn/a.jpg', 'https://tuoitre.vn/x.htm')).toBe('https://cdn.tuoitre.vn/a.jpg');
  });

  it('keeps an absolute http(s) URL and needs no base for one', () => {
    expect(absoluteHttpUrl('http://example.com/a b')).toBe('http://example.com/a%20b');
  });

  it('gives null for empty, relative-without-base, unparseable and non-http values', () => {
    expect(absoluteHttpUrl(undefined, 'https://example.com/')).toBeNull();
    expect(absoluteHttpUrl(null)).toBeNull();
    expect(absoluteHttpUrl('', 'https://example.com/')).toBeNull();
    expect(absoluteHttpUrl('   ')).toBeNull();
    expect(absoluteHttpUrl('/a.jpg')).toBeNull();
    expect(absoluteHttpUrl('http://[bad', 'https://example.com/')).toBeNull();
    expect(absoluteHttpUrl('data:image/gif;base64,R0lGOD', 'https://example.com/')).toBeNull();
    expect(absoluteHttpUrl('javascript:void(0)', 'https://example.com/')).toBeNull();
    expect(absoluteHttpUrl('mailto:a@b.vn', 'https://example.com/')).toBeNull();
  });
});
