// The in-memory form every loader produces: 0-based word ids, `context` inputs per example.
import { InputError } from '../errors';

export interface Split {
  /** n × context word ids, row-major. */
  readonly inputs: Int32Array;
  /** n target word ids. */
  readonly targets: Int32Array;
  readonly n: number;
}

export type SplitName = 'train' | 'valid' | 'test';
export const SPLITS: readonly SplitName[] = ['train', 'valid', 'test'];

export interface Dataset {
  /** Short label for UIs and model provenance, e.g. "demo" or "ngram4/npy". */
  readonly name: string;
  /** The file or folder it was read from ("demo" for the built-in corpus). */
  readonly source: string;
  readonly vocab: readonly string[];
  readonly context: number;
  readonly train: Split;
  readonly valid: Split;
  readonly test: Split;
  /** Word class of each vocabulary entry, when known (the demo corpus knows them). */
  readonly wordClasses?: readonly string[];
  /** How a text corpus became words, when the dataset was read from one. */
  readonly corpus?: CorpusStats;
  /** A token-stream corpus (stream.ts): each split's token ids in order. Its splits are then
   *  the (token → next token) pairs, context 1: what views count as examples. */
  readonly stream?: StreamSplits;
}

/** The token ids of each split, lines in order, each line ending with <eos>. */
export type StreamSplits = Readonly<Record<SplitName, Int32Array>>;

export interface CorpusStats {
  /** Words in the text after tokenising, and how many distinct ones. */
  tokens: number;
  distinct: number;
  /** Tokens outside the vocabulary, each now <unk>. */
  unkTokens: number;
  punctuation: 'split' | 'already separate' | 'kept';
}

export function makeSplit(inputs: Int32Array, targets: Int32Array, context: number): Split {
  if (inputs.length !== targets.length * context) {
    throw new Error(`split has ${inputs.length} input ids for ${targets.length} targets (context ${context})`);
  }
  return { inputs, targets, n: targets.length };
}

/** Checks that every id of every split indexes the vocabulary; names the file and split otherwise. */
export function validateIds(ds: Dataset, file: string): void {
  const v = ds.vocab.length;
  for (const name of SPLITS) {
    const s = ds[name];
    for (const [what, arr] of [['inputs', s.inputs], ['targets', s.targets]] as const) {
      for (let i = 0; i < arr.length; i++) {
        if (arr[i] < 0 || arr[i] >= v) {
          throw new InputError(file, `${name} ${what}[${i}] = ${arr[i]} is outside the vocabulary (0..${v - 1})`);
        }
      }
    }
  }
}
