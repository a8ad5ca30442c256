// A raw corpus, one sentence per line (like raw_sentences.txt or kjv.txt): words (tokenize.ts), a
// vocabulary of the most frequent ones (vocabulary.ts), n-grams within sentences, split 80/10/10 by
// sentence with a seed.
import * as path from 'path';
import { InputError } from '../errors';
import type { CorpusOptions } from './corpusOptions';
import { CorpusStats, Dataset } from './dataset';
import { readInputFile } from './inputFile';
import type { LoadProgress } from './loadProgress';
import { ngramDataset } from './ngrams';
import { forEachSentence } from './tokenize';
import { rankVocabulary, UNK } from './vocabulary';

export { UNK };
export type { CorpusOptions };

/** The options a user sets (CLI flags, nlm.* settings, launch attributes, the dataset picker):
 *  defaults, bounds and descriptions in one place. */
export const CORPUS_SETTINGS = {
  vocabSize: { default: 10000, min: 2, max: 100000, description: 'Text corpora: the largest vocabulary, <unk> included (the most frequent words; 10,000 keeps every word of a small corpus).' },
  minCount: { default: 1, min: 1, max: 1000000, description: 'Text corpora: words seen fewer times than this become <unk>.' },
  context: { default: 3, min: 1, max: 10, description: 'Text corpora: context words per example (3 makes 4-grams).' },
  lowercase: { default: true, description: 'Text corpora: lowercase the text before counting words.' },
  splitPunctuation: { default: true, description: 'Text corpora: split punctuation off words ("earth." → "earth ."), unless the text has it apart already.' },
  // No default: unset, the dataset decides (a .txt file gives n-grams, a folder of train.txt,
  // valid.txt and test.txt token streams), as the CLI's --task does.
  task: { default: undefined, choices: ['ngram', 'stream'], description: 'Text corpora: what the text becomes: n-grams within lines (ngram), or token streams (stream: each line\'s words and <eos>, read in windows of bptt tokens, the state carried; rnn and lstm only). Unset: n-grams for a .txt file, streams for a folder of train.txt, valid.txt and test.txt.' },
} as const;

export const CORPUS_DEFAULTS = {
  vocabSize: CORPUS_SETTINGS.vocabSize.default,
  minCount: CORPUS_SETTINGS.minCount.default,
  context: CORPUS_SETTINGS.context.default,
  lowercase: CORPUS_SETTINGS.lowercase.default,
  splitPunctuation: CORPUS_SETTINGS.splitPunctuation.default,
  seed: 1,
};

/** More than this fraction of control or undecodable characters means binary data. */
const MAX_BAD_FRACTION = 0.05;

export function readCorpus(file: string, opts: CorpusOptions = {}, progress?: LoadProgress): Dataset {
  // Not fatal: undecodable bytes become U+FFFD, which parseCorpus reports with their offset.
  // A byte order mark is kept (as U+FEFF, whitespace to the tokenizer) so offsets count from byte 0.
  progress?.(0, STAGES, 'reading the text');
  return parseCorpus(new TextDecoder('utf-8', { ignoreBOM: true }).decode(readInputFile(file)), file, opts, progress);
}

/** The stages parseCorpus reports, after reading: checking, words, vocabulary, ids, n-grams. */
const STAGES = 5;

export function parseCorpus(text: string, file: string, opts: CorpusOptions = {}, progress?: LoadProgress): Dataset {
  const o = { ...CORPUS_DEFAULTS, ...definedOnly(opts) };
  for (const key of ['vocabSize', 'minCount', 'context'] as const) {
    const { min: lo, max: hi } = CORPUS_SETTINGS[key];
    if (!Number.isInteger(o[key]) || o[key] < lo || o[key] > hi) throw new RangeError(`${key} must be a whole number from ${lo} to ${hi}, got ${o[key]}`);
  }

  if (text.length === 0) throw new InputError(file, 'is empty');
  progress?.(1, STAGES, 'checking the text');
  // Offsets are exact: the text before the first bad character is valid UTF-8.
  const byteAt = (i: number) => Buffer.byteLength(text.slice(0, i), 'utf8');
  const binary = binaryAt(text);
  if (binary >= 0) throw new InputError(file, `does not look like a text corpus (binary data at byte ${byteAt(binary)})`);
  // Undecodable bytes in what is otherwise text mean another encoding (e.g. Latin-1): say so
  // rather than mangle the words that hold them.
  const undecodable = text.indexOf('\uFFFD');
  if (undecodable >= 0) throw new InputError(file, `is not valid UTF-8 text (byte ${byteAt(undecodable)}); save it as UTF-8`);
  progress?.(2, STAGES, 'splitting it into words');
  // Each sentence as ids into the distinct words (first occurrence first) as it is read: no string
  // per word of the text is kept.
  const firstIds = new Map<string, number>();
  const counts: number[] = [];
  const sentences: Int32Array[] = [];
  const idOf = (w: string): number => {
    let id = firstIds.get(w);
    if (id === undefined) firstIds.set(w, (id = counts.push(0) - 1));
    counts[id]++;
    return id;
  };
  const punctuation = forEachSentence(text, o, (words) => sentences.push(Int32Array.from(words, idOf)));
  if (sentences.length === 0) throw new InputError(file, 'has no words');

  progress?.(3, STAGES, 'choosing the vocabulary');
  const vocab = rankVocabulary(new Map(Array.from(firstIds.keys(), (w, i) => [w, counts[i]])), { maxSize: o.vocabSize, minCount: o.minCount });
  const ids = new Map(vocab.map((w, i) => [w, i]));
  const unk = ids.get(UNK) ?? -1;
  const vocabId = Int32Array.from(firstIds.keys(), (w) => ids.get(w) ?? unk);
  const stats: CorpusStats = { tokens: 0, distinct: firstIds.size, unkTokens: 0, punctuation };
  for (const s of sentences) {
    for (let i = 0; i < s.length; i++) {
      s[i] = vocabId[s[i]];
      if (s[i] === unk) stats.unkTokens++;
    }
    stats.tokens += s.length;
  }
  progress?.(4, STAGES, `making ${o.context + 1}-grams`);
  const ds = ngramDataset({ name: path.basename(file), source: file, vocab, sentences }, o.context, o.seed);
  if (ds.train.n + ds.valid.n + ds.test.n === 0) {
    throw new InputError(file, `has no sentence of ${o.context + 1} or more words, so no ${o.context + 1}-grams`);
  }
  return { ...ds, corpus: stats };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
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
