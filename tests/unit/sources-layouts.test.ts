import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../lib/extract/index.ts';
import { findAdapter } from '../../lib/sources/registry.ts';
import { loadViCorpus, readPage } from '../../bench/eval-vietnamese.ts';

/**
 * Which adapter layout reads each saved page of a publisher that has an adapter (tests/fixtures/vi). A page
 * that drops to the generic path because its layout's `detect` stopped matching fails here, even where the
 * generic path happens to read its fields right (extract-vi-corpus.test.ts would not notice). A page saved in
 * a template no layout names yet is listed as 'generic', with a comment naming the template.
 */
const LAYOUT_OF: Record<string, string> = {
  'vi/24h-1690792.html': '24h/cate-24h-foot',
  'vi/afamily-2014030404595969.html': 'tuoitre/post-mobile-2014',
  'vi/afamily-20140324043853404.html': 'tuoitre/post-mobile-2014',
  'vi/baodanang-3102163.html': 'baodanang/onecms-longform',
  'vi/baodanang-3318952.html': 'baodanang/onecms-longform',
  'vi/baohaiphong-457674.html': 'baodanang/onecms-longform',
  'vi/baohaiphong-472928.html': 'baodanang/onecms-longform',
  'vi/baotintuc-20260716171712046.html': 'baotintuc/detail-content',
  'vi/cafebiz-201404031417040772.html': 'tuoitre/asp-mobile-2014',
  'vi/cafef-188260704171525847.html': 'tuoitre/detail-content',
  'vi/cafef-188260905170800678.html': 'tuoitre/detail-content',
  'vi/cafef-2014021509250334717.html': 'tuoitre/asp-mobile-2014',
  'vi/cafef-20180724111229756.html': 'tuoitre/detail-content',
  'vi/dantri-2016031215053552.html': 'dantri/mobile-2016',
  'vi/dantri-20160314083511309.html': 'dantri/mobile-2016',
  'vi/dantri-855374.html': 'dantri/mobile-2014',
  'vi/genk-165260716163514059.html': 'tuoitre/genk-kbwc',
  'vi/kenh14-20140102113357263.html': 'tuoitre/post-mobile-2014',
  'vi/kenh14-20140116030314906.html': 'tuoitre/post-mobile-2014',
  'vi/kenh14-215260716224633854.html': 'tuoitre/detail-content',
  'vi/kenh14-21526071921041659.html': 'tuoitre/detail-content',
  'vi/khoahocphothong-104237593.html': 'tuoitre/detail-content',
  'vi/khoahocphothong-104238425.html': 'tuoitre/detail-content',
  'vi/khoahocphothong-104241265.html': 'tuoitre/detail-content',
  'vi/laodong-1432162.html': 'laodong/article-detail',
  'vi/soha-198260716225935563.html': 'tuoitre/detail-content',
  'vi/qdnd-813419.html': 'qdnd/dnn-tn',
  'vi/thanhnien-185177480.html': 'tuoitre/detail-content',
  'vi/thanhnien-185131568.html': 'tuoitre/detail-content',
  'vi/tienphong-1860261.html': 'hemera/article',
  'vi/tuoitre-724115-mobile.html': 'tuoitre/tto-mobile-2015',
  'vi/tuoitre-724115.html': 'tuoitre/tto-desktop-2015',
  'vi/vietnambiz-202694173243150.html': 'tuoitre/data-role',
  'vi/vietnamnet-514378.html': 'vietnamnet/fms-2019',
  'vi/vietnamnet-698054.html': 'vietnamnet/fms-2019',
  'vi/vietnamplus-1125344.html': 'hemera/article',
  'vi/vneconomy-1301376.html': 'hemera/ai-cms',
  'vi/vnexpress-2985539.html': 'vnexpress/fck-detail-2014',
  'vi/vnexpress-3878849.html': 'vnexpress/fck-detail',
  'vi/vnexpress-3882669.html': 'vnexpress/fck-detail',
  'vi/vnexpress-4672302.html': 'vnexpress/fck-detail',
  'vi/vnexpress-4936632.html': 'vnexpress/fck-detail',
  'vi/vnexpress-5098778.html': 'vnexpress/fck-detail',
  'vi/vnexpress-5099243.html': 'vnexpress/fck-detail',
  'vi/vov-1315698.html': 'vov/drupal-vovvn',
};

const corpus = loadViCorpus();
const servedPages = corpus.filter((want) => findAdapter(want.url) !== null);

describe('the layout reading each saved page of a publisher with an adapter', () => {
  it('names every such page, and only those', () => {
    expect(Object.keys(LAYOUT_OF).sort()).toEqual(servedPages.map((want) => want.file).sort());
  });

  it.each(servedPages.map((want) => [want.file, want] as const))('%s', (file, want) => {
    expect(extractArticle(readPage(want), { url: want.url }).extractor.name).toBe(LAYOUT_OF[file]);
  });
});

describe('tags are the topic links the page prints, not its meta keywords', () => {
  it.each([
    ['vi/laodong-1432162.html', ['Thiền', 'Giảm mỡ nội tạng']],
    ['vi/vneconomy-1301376.html', ['chứng khoán', 'Chuyển nhượng', 'nhà máy thủy điện', 'QCG']],
    ['vi/tuoitre-724115.html', ['chặt cây xanh', 'Hà Nội', 'Thanh tra']],
    ['vi/tuoitre-724115-mobile.html', ['chặt cây xanh', 'Hà Nội', 'Thanh tra']],
    ['vi/vietnamnet-698054.html', ['virus corona', 'COVID-19']],
  ])('%s', (file, tags) => {
    const want = corpus.find((page) => page.file === file)!;
    expect(extractArticle(readPage(want), { url: want.url }).tags).toEqual(tags);
  });
});
