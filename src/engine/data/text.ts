// A raw corpus, one sentence per line (raw_sentences.txt): lowercased whitespace tokens, the V
// most frequent words as the vocabulary (+ <unk> only when some token falls outside), 4-grams
// within sentences, split 80/10/10 by sentence with a seed.
import * as fs from 'fs';
import { InputError } from '../errors';
import { Dataset } from './dataset';
import { ngramDataset } from './ngrams';

export interface CorpusOptions {
  vocabSize?: number;
  seed?: number;
  context?: number;
}

export const UNK = '<unk>';

export function readCorpus(file: string, opts: CorpusOptions = {}): Dataset {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new InputError(file, `could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseCorpus(bytes, file, opts);
}

export function parseCorpus(bytes: Uint8Array, file: string, opts: CorpusOptions = {}): Dataset {
  if (bytes.length === 0) throw new InputError(file, 'is empty');
  const binaryAt = findBinary(bytes);
  if (binaryAt >= 0) throw new InputError(file, `does not look like a text corpus (binary data at byte ${binaryAt})`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(file, 'is not valid UTF-8 text');
  }
  const context = opts.context ?? 3;
  const vocabSize = opts.vocabSize ?? 250;
  const lines = text.split(/\r?\n/).map((l) => l.toLowerCase().split(/\s+/).filter(Boolean)).filter((t) => t.length > 0);
  const counts = new Map<string, number>();
  for (const line of lines) for (const w of line) counts.set(w, (counts.get(w) ?? 0) + 1);
  // Most frequent first; ties by first occurrence (Map keeps insertion order, sort is stable).
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w);
  const vocab = ranked.length <= vocabSize ? ranked : [...ranked.slice(0, vocabSize - 1), UNK];
  const ids = new Map(vocab.map((w, i) => [w, i]));
  const unk = ids.get(UNK) ?? -1;
  const sentences = lines.map((line) => Int32Array.from(line, (w) => ids.get(w) ?? unk));
  const ds = ngramDataset({ name: file.split(/[\\/]/).pop() ?? file, source: file, vocab, sentences }, context, opts.seed ?? 1);
  if (ds.train.n + ds.valid.n + ds.test.n === 0) throw new InputError(file, `has no sentence of ${context + 1} or more words, so no ${context + 1}-grams`);
  return ds;
}

/** Index of the first byte that no text file has (NUL or a C0 control other than tab/CR/LF/FF), or -1. */
function findBinary(bytes: Uint8Array): number {
  const n = Math.min(bytes.length, 1 << 20);
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b < 0x20 && b !== 9 && b !== 10 && b !== 13 && b !== 12) return i;
  }
  return -1;
}
