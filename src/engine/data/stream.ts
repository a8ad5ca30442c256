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
import { forEachSentence, PunctuationHandling } from './tokenize';
import { EOS, rankVocabulary, UNK } from './vocabulary';

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
  // Each word as an id into the distinct words of every file (first occurrence first), read line
  // by line: no string per word of the text is kept (KJV's 0.9 M words as strings grew the loading
  // thread's heap to 173 MiB, whose pages stay in the extension host after the thread ends).
  const firstIds = new Map<string, number>();
  const idOf = (w: string): number => {
    let id = firstIds.get(w);
    if (id === undefined) firstIds.set(w, (id = firstIds.size));
    return id;
  };
  const read = (file: string) => {
    const text = new TextDecoder('utf-8').decode(readInputFile(file));
    const ids = new IdList();
    let lines = 0;
    const punctuation = forEachSentence(text, o, (words) => {
      for (const w of words) ids.push(idOf(w));
      ids.push(LINE_END);
      lines++;
    });
    if (lines === 0) throw new InputError(file, 'has no words');
    return { ids, lines, punctuation };
  };
  let splits: Record<SplitName, Int32Array>;
  let punctuation: PunctuationHandling;
  if (fs.statSync(source).isDirectory()) {
    const files = SPLITS.map((split) => {
      const file = path.join(source, `${split}.txt`);
      if (!fs.existsSync(file)) throw new InputError(file, 'is missing: a token-stream folder holds train.txt, valid.txt and test.txt');
      return read(file);
    });
    splits = { train: files[0].ids.slice(), valid: files[1].ids.slice(), test: files[2].ids.slice() };
    punctuation = files[0].punctuation;
  } else {
    const all = read(source);
    const n = all.lines;
    const [a, b] = [Math.round(n * TRAIN_SHARE), Math.round(n * VALID_END)];
    if (a === 0 || b === a || b === n) throw new InputError(source, `has ${n} lines: too few to split 80/10/10 into train, valid and test`);
    const [ia, ib] = [all.ids.afterLine(a), all.ids.afterLine(b)];
    splits = { train: all.ids.slice(0, ia), valid: all.ids.slice(ia, ib), test: all.ids.slice(ib) };
    punctuation = all.punctuation;
  }
  // The training words' counts, in order of first occurrence: the training text is read first.
  const counts = new Int32Array(firstIds.size);
  for (const id of splits.train) if (id !== LINE_END) counts[id]++;
  const trainCounts = new Map<string, number>();
  for (const [w, id] of firstIds) if (counts[id] > 0) trainCounts.set(w, counts[id]);
  const vocab = vocabularyFrom(trainCounts, firstIds.keys(), o.vocabSize, o.minCount);
  const ids = new Map(vocab.map((w, i) => [w, i]));
  const unk = ids.get(UNK) ?? -1;
  const eos = ids.get(EOS)!;
  const vocabId = Int32Array.from(firstIds.keys(), (w) => ids.get(w) ?? unk);
  const stats: CorpusStats = { tokens: 0, distinct: firstIds.size, unkTokens: 0, punctuation };
  for (const split of SPLITS) {
    const s = splits[split];
    for (let i = 0; i < s.length; i++) {
      s[i] = s[i] === LINE_END ? eos : vocabId[s[i]];
      if (s[i] === unk) stats.unkTokens++;
    }
    stats.tokens += s.length;
  }
  // Each split also as (previous token → next token) pairs: its predictions, counted by every view
  // that counts examples; the stream task reads `stream`.
  const pairs = (s: Int32Array) => makeSplit(s.subarray(0, Math.max(0, s.length - 1)), s.subarray(1), 1);
  return {
    name: path.basename(source),
    source,
    vocab,
    context: 1,
    train: pairs(splits.train),
    valid: pairs(splits.valid),
    test: pairs(splits.test),
    stream: splits,
    corpus: stats,
  };
}

/** <eos> and the training text's most frequent words (chooseVocabulary), V in all; <unk> takes
 *  the last place when a word of any split is left out. */
export function streamVocabulary(lines: Readonly<Record<SplitName, readonly (readonly string[])[]>>, maxSize: number, minCount: number): string[] {
  const counts = new Map<string, number>();
  for (const l of lines.train) for (const w of l) counts.set(w, (counts.get(w) ?? 0) + 1);
  return vocabularyFrom(counts, SPLITS.flatMap((s) => lines[s].flat()), maxSize, minCount);
}

/** streamVocabulary from each training word's count (in order of first occurrence) and every
 *  distinct word of every split. */
function vocabularyFrom(trainCounts: ReadonlyMap<string, number>, words: Iterable<string>, maxSize: number, minCount: number): string[] {
  const counts = new Map([...trainCounts].filter(([w]) => w !== EOS));
  const vocab = [EOS, ...rankVocabulary(counts, { maxSize: maxSize - 1, minCount }).filter((w) => w !== UNK)];
  const known = new Set(vocab);
  let outside = false;
  for (const w of words) {
    if (!known.has(w)) {
      outside = true;
      break;
    }
  }
  if (!outside) return vocab;
  if (vocab.length >= maxSize) vocab.pop();
  return [...vocab, UNK];
}

/** Marks a line's end among a file's word ids (word ids are never negative). */
const LINE_END = -1;

/** A growing list of ids, 4 bytes each. */
class IdList {
  private data = new Int32Array(1 << 16);
  private length = 0;

  push(id: number): void {
    if (this.length === this.data.length) {
      const more = new Int32Array(this.data.length * 2);
      more.set(this.data);
      this.data = more;
    }
    this.data[this.length++] = id;
  }

  /** Where the line after the first `lines` lines starts. */
  afterLine(lines: number): number {
    let seen = 0;
    for (let i = 0; i < this.length; i++) if (this.data[i] === LINE_END && ++seen === lines) return i + 1;
    return this.length;
  }

  slice(from = 0, to = this.length): Int32Array {
    return this.data.slice(from, to);
  }
}
