// Turns tokenised sentences into a Dataset: 4-grams within each sentence, split 80/10/10 by
// sentence in a seeded order, so the same corpus and seed always give the same splits.
import { Rng } from '../rng';
import { Dataset, makeSplit, Split } from './dataset';

export interface SentenceCorpus {
  name: string;
  source: string;
  vocab: readonly string[];
  /** Each sentence as word ids. */
  sentences: readonly Int32Array[];
  wordClasses?: readonly string[];
}

export function ngramDataset(corpus: SentenceCorpus, context: number, seed: number): Dataset {
  const order = Int32Array.from(corpus.sentences.keys());
  new Rng(seed).shuffle(order);
  const n = order.length;
  const trainEnd = Math.round(n * 0.8);
  const validEnd = Math.round(n * 0.9);
  const split = (from: number, to: number): Split => {
    let count = 0;
    for (let i = from; i < to; i++) count += Math.max(0, corpus.sentences[order[i]].length - context);
    const inputs = new Int32Array(count * context);
    const targets = new Int32Array(count);
    let row = 0;
    for (let i = from; i < to; i++) {
      const s = corpus.sentences[order[i]];
      for (let start = 0; start + context < s.length; start++, row++) {
        inputs.set(s.subarray(start, start + context), row * context);
        targets[row] = s[start + context];
      }
    }
    return makeSplit(inputs, targets, context);
  };
  return {
    name: corpus.name,
    source: corpus.source,
    vocab: corpus.vocab,
    context,
    train: split(0, trainEnd),
    valid: split(trainEnd, validEnd),
    test: split(validEnd, n),
    wordClasses: corpus.wordClasses,
  };
}
