// A text corpus as token streams, the PyTorch word-language-model layout: each line's words (the
// tokenizer of n-gram corpora, tokenize.ts) followed by <eos>, one stream of ids per split. A
// folder holding train.txt, valid.txt and test.txt (Penn Treebank, WikiText) is used as split;
// one text file is cut by lines, in order: the first 80 % train, the next 10 % valid, the last
// 10 % test (contiguous, so each split is continuous text and no verse leaks between them). The
// vocabulary is <eos>, <unk> when a word falls outside it, and the training text's most frequent
// words, V in all.
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import type { CorpusOptions } from './corpusOptions';
import { CorpusStats, Dataset, makeSplit, SplitName, SPLITS } from './dataset';
import { readInputFile } from './inputFile';
import { CORPUS_DEFAULTS, CORPUS_SETTINGS } from './text';
import { PunctuationHandling, tokenize } from './tokenize';
import { chooseVocabulary, EOS, UNK } from './vocabulary';

export { EOS };

/** Shares of a single corpus's lines for train and train + valid. */
const TRAIN_SHARE = 0.8;
const VALID_END = 0.9;

/** Whether `folder` holds a stream corpus's split files. */
export function isStreamFolder(folder: string): boolean {
  return fs.existsSync(path.join(folder, 'train.txt'));
}

export function readStreamCorpus(source: string, opts: CorpusOptions = {}): Dataset {
  const o = { ...CORPUS_DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) };
  const { min, max } = CORPUS_SETTINGS.vocabSize;
  if (!Number.isInteger(o.vocabSize) || o.vocabSize < min || o.vocabSize > max) throw new RangeError(`vocabSize must be a whole number from ${min} to ${max}, got ${o.vocabSize}`);
  const words = (file: string) => {
    const text = new TextDecoder('utf-8').decode(readInputFile(file));
    const t = tokenize(text, o);
    if (t.sentences.length === 0) throw new InputError(file, 'has no words');
    return t;
  };
  let lines: Record<SplitName, string[][]>;
  let punctuation: PunctuationHandling;
  if (fs.statSync(source).isDirectory()) {
    const read = SPLITS.map((split) => {
      const file = path.join(source, `${split}.txt`);
      if (!fs.existsSync(file)) throw new InputError(file, 'is missing: a token-stream folder holds train.txt, valid.txt and test.txt');
      return words(file);
    });
    lines = { train: read[0].sentences, valid: read[1].sentences, test: read[2].sentences };
    punctuation = read[0].punctuation;
  } else {
    const all = words(source);
    const n = all.sentences.length;
    const [a, b] = [Math.round(n * TRAIN_SHARE), Math.round(n * VALID_END)];
    if (a === 0 || b === a || b === n) throw new InputError(source, `has ${n} lines: too few to split 80/10/10 into train, valid and test`);
    lines = { train: all.sentences.slice(0, a), valid: all.sentences.slice(a, b), test: all.sentences.slice(b) };
    punctuation = all.punctuation;
  }
  const vocab = streamVocabulary(lines, o.vocabSize, o.minCount);
  const ids = new Map(vocab.map((w, i) => [w, i]));
  const unk = ids.get(UNK) ?? -1;
  const eos = ids.get(EOS)!;
  const stats: CorpusStats = { tokens: 0, distinct: 0, unkTokens: 0, punctuation };
  const seen = new Set<string>();
  const stream = (split: SplitName): Int32Array => {
    const out = new Int32Array(lines[split].reduce((sum, line) => sum + line.length + 1, 0));
    let i = 0;
    for (const line of lines[split]) {
      for (const w of line) {
        const id = ids.get(w) ?? unk;
        if (id === unk) stats.unkTokens++;
        seen.add(w);
        out[i++] = id;
      }
      out[i++] = eos;
    }
    stats.tokens += out.length;
    return out;
  };
  const streams = { train: stream('train'), valid: stream('valid'), test: stream('test') };
  stats.distinct = seen.size;
  // Each split also as (previous token → next token) pairs: its predictions, counted by every view
  // that counts examples; the stream task reads `stream`.
  const pairs = (s: Int32Array) => makeSplit(s.subarray(0, Math.max(0, s.length - 1)), s.subarray(1), 1);
  return {
    name: path.basename(source),
    source,
    vocab,
    context: 1,
    train: pairs(streams.train),
    valid: pairs(streams.valid),
    test: pairs(streams.test),
    stream: streams,
    corpus: stats,
  };
}

/** <eos> and the training text's most frequent words (chooseVocabulary), V in all; <unk> takes
 *  the last place when a word of any split is left out. */
export function streamVocabulary(lines: Readonly<Record<SplitName, readonly (readonly string[])[]>>, maxSize: number, minCount: number): string[] {
  const train = lines.train.filter((l) => l.length > 0);
  const words = chooseVocabulary(
    train.map((l) => l.filter((w) => w !== EOS)),
    { maxSize: maxSize - 1, minCount },
  );
  const vocab = [EOS, ...words.filter((w) => w !== UNK)];
  const known = new Set(vocab);
  const outside = SPLITS.some((s) => lines[s].some((l) => l.some((w) => !known.has(w))));
  if (!outside) return vocab;
  if (vocab.length >= maxSize) vocab.pop();
  return [...vocab, UNK];
}
