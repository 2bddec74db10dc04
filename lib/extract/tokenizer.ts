/**
 * htmlparser2's tokenizer, skimming text and attribute values: the same tokens, found faster.
 *
 * With entity decoding on, htmlparser2 steps through every character of text and of attribute values in its
 * state machine, for the sake of `&` (without decoding, it jumps ahead to the next `<` or quote itself). In
 * those two states a character other than `<`, `&` or the closing quote does nothing, so skipping to the next
 * one of those gives the same tokens. Where it does jump ahead (through scripts, styles and comments, to the
 * `<` or `-` that may end them), it compares one character at a time; `indexOf` finds the same one sooner.
 * Together the parse of the bench pages takes 10–15% less time. tests/unit/extract-dom-index.test.ts checks that
 * every saved page parses to the same DOM as cheerio's own `load()` builds.
 */
import { Tokenizer } from 'htmlparser2';

const LESS_THAN = 0x3c;
const AMPERSAND = 0x26;

/**
 * The members of the tokenizer the skimming relies on, private in htmlparser2's typings. Should a later version
 * rename the states, the overrides go unused (the parse stays right, only slower); should it change what the
 * indices mean, that DOM test fails.
 */
interface TokenizerStates {
  /** The chunk being tokenized; `index` counts from the start of the input, `offset` is where the chunk starts. */
  buffer: string;
  index: number;
  offset: number;
  stateText(char: number): void;
  handleInAttributeValue(char: number, quote: number): void;
  /** Moves `index` onto the next `char` and says true; else to the chunk's last character, false. */
  fastForwardTo(char: number): boolean;
}

const TokenizerWithStates = Tokenizer as unknown as new (...args: ConstructorParameters<typeof Tokenizer>) => TokenizerStates;

class SkimmingTokenizer extends TokenizerWithStates {
  override stateText(char: number): void {
    if (char === LESS_THAN || char === AMPERSAND) super.stateText(char);
    else this.skipTo(LESS_THAN, AMPERSAND);
  }

  override handleInAttributeValue(char: number, quote: number): void {
    if (char === quote || char === AMPERSAND) super.handleInAttributeValue(char, quote);
    else this.skipTo(quote, AMPERSAND);
  }

  override fastForwardTo(char: number): boolean {
    const at = this.buffer.indexOf(String.fromCharCode(char), this.index - this.offset + 1);
    if (at >= 0) {
      this.index = at + this.offset;
      return true;
    }
    this.index = this.buffer.length + this.offset - 1;
    return false;
  }

  /** Moves to just before the next `first` or `second` character (or the chunk's end): the parse loop then steps onto it. */
  private skipTo(first: number, second: number): void {
    const { buffer } = this;
    let at = this.index - this.offset;
    while (++at < buffer.length) {
      const char = buffer.charCodeAt(at);
      if (char === first || char === second) break;
    }
    this.index = at - 1 + this.offset;
  }
}

/** The tokenizer class for htmlparser2's `Parser` option `Tokenizer`. */
export const SKIMMING_TOKENIZER = SkimmingTokenizer as unknown as typeof Tokenizer;
