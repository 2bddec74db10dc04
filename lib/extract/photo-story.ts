import type { ArticleImage } from '../schema/article.ts';

/**
 * The body of a photo story: an article told only by its pictures' captions, with no paragraph of its own
 * (VnExpress's 2014 galleries print a picture and its caption per table, and nothing else). Its paragraphs
 * are those captions in order, so the story's text is kept; each picture keeps its caption too
 * (docs/dataset.md). A body with any paragraph of its own is left as it is.
 */
export function withPhotoStoryParagraphs(paragraphs: string[], images: readonly ArticleImage[]): string[] {
  if (paragraphs.length > 0) return paragraphs;
  return images.flatMap((image) => (image.caption ? [image.caption] : []));
}
