import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { renderedRuns, renderedText, renderedTextSpacedLike } from '../../lib/extract/dom.ts';

const first = (html: string) => cheerio.load(html)('body').children().get(0)!;

describe('text joined across element edges, as a browser renders it', () => {
  it('joins inline elements with no space and separates blocks and <br>', () => {
    expect(renderedText(first('<p>Đà<b>Nẵng</b> <i>mới</i></p>'))).toBe('ĐàNẵng mới');
    expect(renderedText(first('<div><p>Một</p><p>Hai</p>Ba<br>Bốn</div>'))).toBe('Một Hai Ba Bốn');
    expect(renderedText(first('<div><span>a</span><div>b</div><figcaption>c</figcaption></div>'))).toBe('a b c');
  });

  it('takes the metadata spacing only at an inline edge with no whitespace', () => {
    const h1 = first('<h1><span>Phường Hai Bà Trưng:</span><span>Mong sớm đưa khu</span></h1>');
    expect(renderedText(h1)).toBe('Phường Hai Bà Trưng:Mong sớm đưa khu');
    expect(renderedTextSpacedLike(renderedRuns(h1), 'Phường Hai Bà Trưng: Mong sớm đưa khu')).toBe('Phường Hai Bà Trưng: Mong sớm đưa khu');
    // metadata without the space: the rendered text stands
    expect(renderedTextSpacedLike(renderedRuns(h1), 'Phường Hai Bà Trưng:Mong sớm đưa khu')).toBe('Phường Hai Bà Trưng:Mong sớm đưa khu');
  });

  it('never adds a space inside a text node, nor follows metadata that says something else', () => {
    const h1 = first('<h1>Trưng:Mong <span>sớm</span></h1>');
    expect(renderedTextSpacedLike(renderedRuns(h1), 'Trưng: Mong sớm')).toBe('Trưng:Mong sớm');
    const edited = first('<h1><span>Quy định</span><span>mới về thuế</span></h1>');
    expect(renderedTextSpacedLike(renderedRuns(edited), 'Quy định thuế mới')).toBe('Quy địnhmới về thuế');
    expect(renderedTextSpacedLike(renderedRuns(edited), null)).toBe('Quy địnhmới về thuế');
  });
});
