// Sentences of words from raw text: one sentence per line, words split at whitespace, optionally
// lowercased, and punctuation split off words ("earth." → "earth ."). Text whose punctuation
// already stands apart (raw_sentences.txt, Penn Treebank) is left as it is, so the option is a
// no-op there and tokens such as "mr." keep their period.

/** Split off words: sentence marks, brackets and quotes. Apostrophes and hyphens stay inside words
 *  ("don't", "well-known"); a period or comma between digits stays inside a number ("3.5", "1,000"). */
const PUNCTUATION = new Set('.,;:!?()[]{}"“”«»…');
/** Text counts as already tokenised when at least this share of its punctuation stands alone. */
const ALREADY_SEPARATE = 0.75;

export interface TokenizeOptions {
  lowercase: boolean;
  splitPunctuation: boolean;
}

/** What was done to punctuation: split off words, found already separate, or kept as written. */
export type PunctuationHandling = 'split' | 'already separate' | 'kept';

export interface Tokenized {
  sentences: string[][];
  punctuation: PunctuationHandling;
}

export function tokenize(text: string, opts: TokenizeOptions): Tokenized {
  const sentences: string[][] = [];
  const punctuation = forEachSentence(text, opts, (words) => sentences.push(words));
  return { sentences, punctuation };
}

/**
 * Hands `visit` each sentence's words in order, one sentence at a time, and returns what was done
 * to punctuation: tokenize's sentences without keeping them all, so a large corpus can keep ids
 * instead of a string per word (a whole 0.9 M-word text as strings grew the loading thread's heap
 * to 180 MiB, which stays in the process after the thread ends).
 */
export function forEachSentence(text: string, opts: TokenizeOptions, visit: (words: string[]) => void): PunctuationHandling {
  const lines = (opts.lowercase ? text.toLowerCase() : text).split(/\r\n?|\n/);
  // Whether to split punctuation depends on the whole text: a first pass counts its marks.
  const punctuation = !opts.splitPunctuation ? 'kept' : alreadySeparate(lines) ? 'already separate' : 'split';
  for (const line of lines) {
    const words = wordsOf(line);
    if (words.length > 0) visit(punctuation === 'split' ? words.flatMap(splitWord) : words);
  }
  return punctuation;
}

function wordsOf(line: string): string[] {
  return line.trim().split(/\s+/).filter((w) => w.length > 0);
}

function alreadySeparate(lines: readonly string[]): boolean {
  let alone = 0;
  let attached = 0;
  for (const line of lines) {
    for (const w of wordsOf(line)) {
      let marks = 0;
      for (const ch of w) if (PUNCTUATION.has(ch)) marks++;
      if (marks === 0) continue;
      if (marks === w.length) alone += marks;
      else attached += marks;
    }
  }
  return alone + attached === 0 || alone >= ALREADY_SEPARATE * (alone + attached);
}

/** "(earth)." → ["(", "earth", ")", "."]; "3.5" and "don't" stay whole. */
function splitWord(word: string): string[] {
  const chars = [...word];
  if (!chars.some((ch) => PUNCTUATION.has(ch))) return [word];
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    const insideNumber = (ch === '.' || ch === ',') && isDigit(chars[i - 1]) && isDigit(chars[i + 1]);
    if (PUNCTUATION.has(ch) && !insideNumber) {
      if (current) out.push(current);
      out.push(ch);
      current = '';
    } else current += ch;
  }
  if (current) out.push(current);
  return out;
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}
