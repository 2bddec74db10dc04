/**
 * Word count for body.wordCount: whitespace-separated tokens that contain a letter or a digit, so
 * dashes and ellipses between words do not count. A Vietnamese syllable counts as one word; scripts
 * written without spaces (Chinese, Japanese, Thai) count one word per run.
 */
export function countWords(text: string): number {
  let count = 0;
  for (const token of text.split(/\s+/)) {
    if (/[\p{L}\p{N}]/u.test(token)) count++;
  }
  return count;
}
