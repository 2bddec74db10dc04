import { describe, expect, it } from 'vitest';
import { ADAPTERS, SITES, findAdapter, sourceForUrl } from '../../lib/sources/registry.ts';

describe('findAdapter', () => {
  it.each([
    ['https://baodanang.vn/lam-tot-cong-tac-3996512.html', 'baodanang'],
    ['https://en.baodanang.vn/some-story-3996513.html', 'baodanang'],
    ['https://hanoimoi.vn/a-123.html', 'baodanang'],
    ['https://nguoiquansat.vn/a-314409.html', 'baodanang'],
    ['https://baohaiphong.vn/a-1.html', 'baodanang'],
    ['https://www.baoquangnam.vn/a-1.html', 'baodanang'],
    ['https://vnexpress.net/a-5047363.html', 'vnexpress'],
    ['https://tuoitre.vn/a-20260307075519174.htm', 'tuoitre'],
    ['https://thanhnien.vn/a-185260307.htm', 'tuoitre'],
    ['https://nld.com.vn/a-196260307071308923.htm', 'tuoitre'],
    ['https://dantri.com.vn/kinh-doanh/a.htm', 'dantri'],
    ['https://vietnamnet.vn/a-2495349.html', 'vietnamnet'],
    ['https://m.kenh14.vn/star/a-20140102113357263.chn', 'tuoitre'],
    ['https://afamily.vn/a-2014030404595969.chn', 'tuoitre'],
    ['https://m.cafebiz.vn/a-201404031417040772.chn', 'tuoitre'],
    ['https://laodong.vn/dinh-duong-am-thuc/a-1432162.ldo', 'laodong'],
    ['https://vneconomy.vn/a.htm', 'hemera'],
    ['https://nhandan.vn/a-post714749.html', 'hemera'],
    ['https://cn.nhandan.vn/article-post1.html', 'hemera'],
    ['https://www.sggp.org.vn/a-post867037.html', 'hemera'],
    ['https://plo.vn/a-post888301.html', 'hemera'],
    ['https://www.24h.com.vn/kinh-doanh/a-c161a1690792.html', '24h'],
  ])('%s → %s', (url, adapterId) => {
    expect(findAdapter(url)?.id).toBe(adapterId);
  });

  it('matches whole domain labels only', () => {
    expect(findAdapter('https://notvnexpress.net/a.html')).toBeNull();
    expect(findAdapter('https://vnexpress.net.example.com/a.html')).toBeNull();
    expect(findAdapter('https://www.lemonde.fr/a.html')).toBeNull();
  });

  it('rejects a relative URL with a message naming it', () => {
    expect(() => findAdapter('/channel/5399/')).toThrow('not an absolute URL: "/channel/5399/"');
  });

  it('serves every registered site through some adapter', () => {
    for (const site of SITES) expect(findAdapter(`https://${site.domain}/x.html`), site.domain).not.toBeNull();
    for (const adapter of ADAPTERS) for (const layout of adapter.layouts) expect(layout.detect).not.toBe('');
  });
});

describe('sourceForUrl', () => {
  it('gives each publisher of a shared CMS its own source id', () => {
    expect(sourceForUrl('https://baodanang.vn/a-1.html')).toEqual({ id: 'baodanang', name: 'Báo Đà Nẵng', domain: 'baodanang.vn' });
    expect(sourceForUrl('https://nguoiquansat.vn/a-1.html').id).toBe('nguoiquansat');
    expect(sourceForUrl('https://nld.com.vn/a.htm').id).toBe('nld');
    expect(sourceForUrl('https://thanhnien.vn/a.htm').id).toBe('thanhnien');
    expect(sourceForUrl('https://www.qdnd.vn/y-te/tin-tuc/a-813419').id).toBe('qdnd');
    expect(sourceForUrl('https://vov.vn/the-thao/a-post1315698.vov').id).toBe('vov');
    expect(sourceForUrl('https://baotintuc.vn/the-gioi/a-20260716171712046.htm').id).toBe('baotintuc');
    expect(sourceForUrl('https://www.sggp.org.vn/a-post867037.html')).toEqual({ id: 'sggp', name: 'Báo Sài Gòn Giải Phóng', domain: 'sggp.org.vn' });
    expect(sourceForUrl('https://nhandan.vn/a-post714749.html').id).toBe('nhandan');
    expect(sourceForUrl('https://plo.vn/a-post888301.html').id).toBe('plo');
  });

  it('counts the English edition as Báo Đà Nẵng and ignores www.', () => {
    expect(sourceForUrl('https://en.baodanang.vn/a-1.html').id).toBe('baodanang');
    expect(sourceForUrl('https://www.vnexpress.net/a.html').id).toBe('vnexpress');
  });

  it('identifies any other site by its host, named by og:site_name when given', () => {
    expect(sourceForUrl('https://www.lemonde.fr/a.html', 'Le Monde')).toEqual({ id: 'lemonde.fr', name: 'Le Monde', domain: 'lemonde.fr' });
    expect(sourceForUrl('https://news.example.org/a.html', '  ')).toEqual({ id: 'news.example.org', name: 'news.example.org', domain: 'news.example.org' });
  });

  it('has one source id per domain', () => {
    const ids = SITES.map((site) => site.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual([
      '24h', 'afamily', 'baodanang', 'baohaiphong', 'baoquangnam', 'baotintuc', 'cafebiz', 'cafef', 'dantri', 'genk', 'hanoimoi', 'kenh14', 'laodong', 'nguoiquansat',
      'nhandan', 'nld', 'plo', 'qdnd', 'sggp', 'soha', 'thanhnien', 'tienphong', 'tuoitre', 'vietnambiz', 'vietnamnet', 'vietnamplus', 'vneconomy', 'vnexpress', 'vov',
    ]);
    // every domain an adapter serves is a site with its own source id (families share an adapter, never an id)
    const domains = new Set(SITES.map((site) => site.domain));
    expect(ADAPTERS.flatMap((adapter) => adapter.domains).filter((domain) => !domains.has(domain) && !SITES.some((site) => site.aliases?.includes(domain)))).toEqual([]);
  });
});
