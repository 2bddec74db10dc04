import { isLetterOrDigitAt } from './text.ts';

/**
 * Word count for body.wordCount: whitespace-separated tokens that contain a letter or a digit, so
 * dashes and ellipses between words do not count. A Vietnamese syllable counts as one word; scripts
 * written without spaces (Chinese, Japanese, Thai) count one word per run.
 */
export function countWords(text: string): number {
  let count = 0;
  for (const token of text.split(/\s+/)) {
    // The letter table, not a Unicode-class expression per token: most tokens open with a letter.
    for (let index = 0; index < token.length; index += 1) {
      if (isLetterOrDigitAt(token, index)) {
        count += 1;
        break;
      }
    }
  }
  return count;
}
