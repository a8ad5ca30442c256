// A raw corpus, one sentence per line (like raw_sentences.txt): lowercased whitespace tokens, the
// V most frequent words as the vocabulary (with <unk> only when some token falls outside),
// n-grams within sentences, split 80/10/10 by sentence with a seed.
import * as path from 'path';
import { InputError } from '../errors';
import { Dataset } from './dataset';
import { readInputFile } from './inputFile';
import { ngramDataset } from './ngrams';

export interface CorpusOptions {
  /** Vocabulary size V, <unk> included when needed (default 250). */
  vocabSize?: number;
  /** Seed of the sentence shuffle that makes the splits (default 1). */
  seed?: number;
  /** Context words per example (default 3, i.e. 4-grams). */
  context?: number;
}

export const UNK = '<unk>';

/** More than this fraction of control or undecodable characters means binary data. */
const MAX_BAD_FRACTION = 0.05;

export function readCorpus(file: string, opts: CorpusOptions = {}): Dataset {
  // Not fatal: undecodable bytes become U+FFFD, which parseCorpus reports with their offset.
  // A byte order mark is kept (as U+FEFF, whitespace to the tokenizer) so offsets count from byte 0.
  return parseCorpus(new TextDecoder('utf-8', { ignoreBOM: true }).decode(readInputFile(file)), file, opts);
}

export function parseCorpus(text: string, file: string, opts: CorpusOptions = {}): Dataset {
  const vocabSize = opts.vocabSize ?? 250;
  const context = opts.context ?? 3;
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(vocabSize) || vocabSize < 2) throw new RangeError(`vocabSize must be an integer ≥ 2, got ${vocabSize}`);
  if (!Number.isInteger(context) || context < 1) throw new RangeError(`context must be an integer ≥ 1, got ${context}`);

  if (text.length === 0) throw new InputError(file, 'is empty');
  // Offsets are exact: the text before the first bad character is valid UTF-8.
  const byteAt = (i: number) => Buffer.byteLength(text.slice(0, i), 'utf8');
  const binary = binaryAt(text);
  if (binary >= 0) throw new InputError(file, `does not look like a text corpus (binary data at byte ${byteAt(binary)})`);
  // Undecodable bytes in what is otherwise text mean another encoding (e.g. Latin-1): say so
  // rather than mangle the words that hold them.
  const undecodable = text.indexOf('\uFFFD');
  if (undecodable >= 0) throw new InputError(file, `is not valid UTF-8 text (byte ${byteAt(undecodable)}); save it as UTF-8`);
  const sentences = text
    .toLowerCase()
    .split(/\r\n?|\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => line.split(/\s+/));
  if (sentences.length === 0) throw new InputError(file, 'has no words');

  const vocab = chooseVocab(sentences, vocabSize);
  const ids = new Map(vocab.map((w, i) => [w, i]));
  const unk = ids.get(UNK) ?? -1;
  const ds = ngramDataset(
    { name: path.basename(file), source: file, vocab, sentences: sentences.map((s) => Int32Array.from(s, (w) => ids.get(w) ?? unk)) },
    context,
    seed,
  );
  if (ds.train.n + ds.valid.n + ds.test.n === 0) {
    throw new InputError(file, `has no sentence of ${context + 1} or more words, so no ${context + 1}-grams`);
  }
  return ds;
}

/** The most frequent words, ties by first occurrence; <unk> takes the last place only if needed. */
function chooseVocab(sentences: readonly string[][], vocabSize: number): string[] {
  const counts = new Map<string, number>();
  for (const s of sentences) for (const w of s) counts.set(w, (counts.get(w) ?? 0) + 1);
  if (counts.size <= vocabSize) return [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!);
  // Map keeps first-occurrence order and sort is stable, so ties keep that order. A literal
  // "<unk>" in the text is one of the unknown words, not a separate entry.
  counts.delete(UNK);
  const ranked = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!);
  return [...ranked.slice(0, vocabSize - 1), UNK];
}

/**
 * Where binary data starts (the first bad character), when the text holds a NUL or when bad
 * characters are more than a few percent of it; else -1. Bad characters are C0 controls other
 * than \t \n \v \f \r, C1 controls, and U+FFFD (what bytes that are not UTF-8 decode to), so
 * the text before the first one is exact UTF-8 and its byte length is the file offset.
 */
function binaryAt(text: string): number {
  let bad = 0;
  let first = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || (c < 0x20 && (c < 9 || c > 13)) || (c >= 0x7f && c <= 0x9f) || c === 0xfffd) {
      if (first < 0) first = i;
      if (c === 0) return first;
      bad++;
    }
  }
  return bad > text.length * MAX_BAD_FRACTION ? first : -1;
}
