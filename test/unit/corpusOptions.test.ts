// How a text corpus becomes words and a vocabulary: lowercasing, punctuation split off words (and
// left alone where it already stands apart), a vocabulary size and a minimum count, the context
// size; and the same on real text, against the figures of ../shared/data/kjv/PROVENANCE.md.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadDataset } from '../../src/engine/data/load';
import { parseCorpus, UNK } from '../../src/engine/data/text';
import { tokenize } from '../../src/engine/data/tokenize';
import { realDataSkip, requireRealData } from './fixtures';

const F = 'corpus.txt';
const ON = { lowercase: true, splitPunctuation: true };

test('punctuation is split off words; apostrophes, hyphens and numbers stay whole', () => {
  const t = tokenize('In the beginning God created the heaven and the earth.\n(Selah,) he said: "don\'t"; well-known; 3.5 or 1,000!', ON);
  assert.equal(t.punctuation, 'split');
  assert.deepEqual(t.sentences, [
    ['in', 'the', 'beginning', 'god', 'created', 'the', 'heaven', 'and', 'the', 'earth', '.'],
    ['(', 'selah', ',', ')', 'he', 'said', ':', '"', "don't", '"', ';', 'well-known', ';', '3.5', 'or', '1,000', '!'],
  ]);
});

test('text whose punctuation already stands apart is left as it is ("mr." keeps its period)', () => {
  const text = 'mr. smith said , no .\nit is , he says , good .\nwhere are you ?\n';
  const t = tokenize(text, ON);
  assert.equal(t.punctuation, 'already separate');
  assert.deepEqual(t.sentences[0], ['mr.', 'smith', 'said', ',', 'no', '.']);
});

test('case and punctuation can be kept as written', () => {
  const t = tokenize('The Earth.\n', { lowercase: false, splitPunctuation: false });
  assert.equal(t.punctuation, 'kept');
  assert.deepEqual(t.sentences, [['The', 'Earth.']]);
  assert.deepEqual(tokenize('The Earth.\n', { lowercase: false, splitPunctuation: true }).sentences, [['The', 'Earth', '.']]);
});

test('vocabulary size and minimum count: the rest becomes <unk>, and the corpus figures count it', () => {
  const text = 'a a a b b c d\na a b c e\nb a f g h\n';
  const all = parseCorpus(text, F);
  assert.deepEqual(all.vocab, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  assert.deepEqual(all.corpus, { tokens: 17, distinct: 8, unkTokens: 0, punctuation: 'already separate' });
  const frequent = parseCorpus(text, F, { minCount: 2 });
  assert.deepEqual(frequent.vocab, ['a', 'b', 'c', UNK]);
  assert.equal(frequent.corpus!.unkTokens, 5, 'd, e, f, g, h');
  const small = parseCorpus(text, F, { vocabSize: 3 });
  assert.deepEqual(small.vocab, ['a', 'b', UNK]);
  assert.equal(small.corpus!.unkTokens, 7);
});

test('context size: 1 to 10 context words make (n+1)-grams; outside that range is an error naming the option', () => {
  const text = 'w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12\n';
  for (const context of [1, 3, 10]) {
    const ds = parseCorpus(text, F, { context });
    assert.equal(ds.context, context);
    assert.equal(ds.train.n + ds.valid.n + ds.test.n, 12 - context);
  }
  assert.throws(() => parseCorpus(text, F, { context: 11 }), { message: 'context must be a whole number from 1 to 10, got 11' });
  assert.throws(() => parseCorpus(text, F, { vocabSize: 1 }), { message: 'vocabSize must be a whole number from 2 to 100000, got 1' });
  assert.throws(() => parseCorpus(text, F, { minCount: 0 }), { message: 'minCount must be a whole number from 1 to 1000000, got 0' });
});

test('real text (kjv.txt): the PROVENANCE figures, and an 8,000-word vocabulary', { skip: realDataSkip() }, () => {
  const file = path.join(requireRealData(), '..', 'kjv', 'kjv.txt');
  const ds = loadDataset(file, { vocabSize: 8000 });
  // 913,373 tokens and 12,842 distinct ones after lowercasing and splitting off . , ; : ! ? ( );
  // the 7,999 most frequent cover 99.4 % of them.
  assert.equal(ds.vocab.length, 8000);
  assert.equal(ds.vocab.at(-1), UNK);
  assert.deepEqual(ds.corpus, { tokens: 913373, distinct: 12842, unkTokens: 5603, punctuation: 'split' });
  assert.deepEqual(ds.vocab.slice(0, 5), [',', 'the', 'and', 'of', '.']);
  // One 4-gram per position after the third word of each verse.
  assert.equal(ds.train.n + ds.valid.n + ds.test.n, 820067);
  // Every word of a small vocabulary by default: raw_sentences.txt keeps its 250 (tested in load.test.ts).
  assert.equal(loadDataset(file).vocab.length, 10000);
});
