// A text corpus is read into ids sentence by sentence (no string per word kept): the dataset and
// its statistics are those of the plain route — every sentence's words (tokenize), the vocabulary
// from them (chooseVocabulary), each word looked up — whatever the options.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ngramDataset } from '../../src/engine/data/ngrams';
import { CORPUS_DEFAULTS, parseCorpus, UNK } from '../../src/engine/data/text';
import { tokenize } from '../../src/engine/data/tokenize';
import { chooseVocabulary } from '../../src/engine/data/vocabulary';
import { Rng } from '../../src/engine/rng';

/** A text with ties, repeated words, punctuation attached and apart, capitals and a literal <unk>. */
function text(seed: number): string {
  const words = ['The', 'cat', 'sat', 'on', 'a', 'mat', 'dog', 'ran', 'far', 'away', 'home', 'again', '<unk>', 'well-known', "don't", '3.5'];
  const rng = new Rng(seed);
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) {
    const n = 1 + rng.int(12);
    const line = Array.from({ length: n }, () => words[Math.floor(words.length * rng.uniform() ** 2)] + (rng.uniform() < 0.15 ? ',' : ''));
    lines.push(line.join(rng.uniform() < 0.1 ? '  \t' : ' ') + (rng.uniform() < 0.7 ? '.' : ''));
    if (i % 37 === 0) lines.push('   ');
  }
  return lines.join(seed % 2 === 1 ? '\r\n' : '\n');
}

const OPTIONS = [
  {},
  { vocabSize: 8 },
  { vocabSize: 12, minCount: 5 },
  { lowercase: false, splitPunctuation: false, context: 2 },
  { vocabSize: 6, lowercase: false, context: 1, seed: 4 },
];

for (const [k, opts] of OPTIONS.entries()) {
  test(`corpus ids as the plain route gives them: options ${JSON.stringify(opts)}`, () => {
    const t = text(k + 1);
    const ds = parseCorpus(t, 'corpus.txt', opts);
    const o = { ...CORPUS_DEFAULTS, ...opts };
    const { sentences, punctuation } = tokenize(t, o);
    const vocab = chooseVocabulary(sentences, { maxSize: o.vocabSize, minCount: o.minCount });
    const ids = new Map(vocab.map((w, j) => [w, j]));
    const unk = ids.get(UNK) ?? -1;
    const idSentences = sentences.map((s) => Int32Array.from(s, (w) => ids.get(w) ?? unk));
    const expected = ngramDataset({ name: 'corpus.txt', source: 'corpus.txt', vocab, sentences: idSentences }, o.context, o.seed);
    assert.deepEqual(ds.vocab, vocab);
    for (const split of ['train', 'valid', 'test'] as const) {
      assert.deepEqual(ds[split].inputs, expected[split].inputs, split);
      assert.deepEqual(ds[split].targets, expected[split].targets, split);
    }
    const words = sentences.flat();
    assert.deepEqual(ds.corpus, {
      tokens: words.length,
      distinct: new Set(words).size,
      unkTokens: words.filter((w) => (ids.get(w) ?? unk) === unk).length,
      punctuation,
    });
  });
}
