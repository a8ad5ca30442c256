// "Did you mean" for misspelt names and words: the unique closest candidate by edit distance.
import { ExpressionError, quote } from './errors';
import { ExpressionEnv } from './env';

/** The candidate nearest to `text`, when one is clearly nearest and close enough to be a typo. */
export function closest(text: string, candidates: Iterable<string>): string | undefined {
  const lower = text.toLowerCase();
  const limit = Math.min(2, Math.max(1, Math.floor(text.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  let tied = false;
  for (const c of candidates) {
    if (c.toLowerCase() === lower) return c;
    // Length alone rules out most of a large vocabulary cheaply.
    if (Math.abs(c.length - text.length) > limit) continue;
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
      tied = false;
    } else if (d === bestDistance) {
      tied = true;
    }
  }
  return tied ? undefined : best;
}

/** `; did you mean "loss"?` or nothing, to append to a message. */
export function didYouMean(text: string, candidates: Iterable<string>): string {
  const c = closest(text, candidates);
  return c === undefined ? '' : `; did you mean ${quote(c)}?`;
}

/**
 * The id of `word`, or an error naming it and its likely intended spelling. Environment functions
 * may omit the span: errors they throw are placed on the call.
 */
export function lookupWord(env: ExpressionEnv, word: string, pos = 0, end = pos): number {
  const id = env.wordId(word);
  if (id !== undefined) return id;
  throw new ExpressionError(`word ${quote(word)} is not in the vocabulary${didYouMean(word, env.vocabulary?.() ?? [])}`, pos, end);
}

/** Levenshtein distance where swapping two neighbours ("nrom") also counts as one edit. */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j], before[j - 2] + 1);
    }
    before = prev;
    prev = row;
  }
  return prev[b.length];
}
