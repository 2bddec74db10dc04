import { isLetterOrDigitAt, isWhitespace } from './text.ts';

/**
 * Word count for body.wordCount: whitespace-separated tokens that contain a letter or a digit, so
 * dashes and ellipses between words do not count. A Vietnamese syllable counts as one word; scripts
 * written without spaces (Chinese, Japanese, Thai) count one word per run.
 * One scan over the text, counting a token at its first letter or digit (the letter table, not a
 * Unicode-class expression): splitting a whole body into an array of tokens cost more than the counting.
 */
export function countWords(text: string): number {
  let count = 0;
  let counted = false;
  for (let index = 0; index < text.length; index += 1) {
    if (isWhitespace(text.charCodeAt(index))) counted = false;
    else if (!counted && isLetterOrDigitAt(text, index)) {
      count += 1;
      counted = true;
    }
  }
  return count;
}
