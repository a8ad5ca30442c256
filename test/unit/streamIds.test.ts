// A token-stream corpus is read into ids line by line (no string per word kept): its vocabulary,
// streams and statistics are those of the plain route — every file's lines of words (tokenize),
// the vocabulary from the training lines (chooseVocabulary), each word looked up — whatever the
// options, for one file cut 80/10/10 and for a folder of train/valid/test.txt; and the KJV text at
// V = 8000 gives the streams it gave before the change, to the bit.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { CorpusOptions } from '../../src/engine/data/corpusOptions';
import { SplitName, SPLITS } from '../../src/engine/data/dataset';
import { EOS, readStreamCorpus } from '../../src/engine/data/stream';
import { CORPUS_DEFAULTS } from '../../src/engine/data/text';
import { tokenize } from '../../src/engine/data/tokenize';
import { chooseVocabulary, UNK } from '../../src/engine/data/vocabulary';
import { Rng } from '../../src/engine/rng';
import { realDataSkip, requireRealData } from './fixtures';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-stream-ids-'));

/** Lines with ties, repeated words, punctuation attached and apart, capitals, a literal <unk> and
 *  <eos>, blank lines; `extra` words appear only in this text (words unknown to training). */
function text(seed: number, lines: number, extra: string[] = []): string {
  const words = ['The', 'cat', 'sat', 'on', 'a', 'mat', 'dog', 'ran', 'far', 'away', 'home', 'again', '<unk>', 'well-known', "don't", '3.5', '<eos>', ...extra];
  const rng = new Rng(seed);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const n = 1 + rng.int(12);
    const line = Array.from({ length: n }, () => words[Math.floor(words.length * rng.uniform() ** 2)] + (rng.uniform() < 0.15 ? ',' : ''));
    out.push(line.join(rng.uniform() < 0.1 ? '  \t' : ' ') + (rng.uniform() < 0.7 ? '.' : ''));
    if (i % 37 === 0) out.push('   ');
  }
  return out.join(seed % 2 === 1 ? '\r\n' : '\n');
}

/** The loader as it was before reading into ids: lines of word strings, then the vocabulary. */
function plainRoute(texts: string | Record<SplitName, string>, opts: CorpusOptions) {
  const o = { ...CORPUS_DEFAULTS, ...opts };
  let lines: Record<SplitName, string[][]>;
  let punctuation;
  if (typeof texts === 'string') {
    const all = tokenize(texts, o);
    const n = all.sentences.length;
    const [a, b] = [Math.round(n * 0.8), Math.round(n * 0.9)];
    lines = { train: all.sentences.slice(0, a), valid: all.sentences.slice(a, b), test: all.sentences.slice(b) };
    punctuation = all.punctuation;
  } else {
    const read = SPLITS.map((s) => tokenize(texts[s], o));
    lines = { train: read[0].sentences, valid: read[1].sentences, test: read[2].sentences };
    punctuation = read[0].punctuation;
  }
  const words = chooseVocabulary(
    lines.train.map((l) => l.filter((w) => w !== EOS)),
    { maxSize: o.vocabSize - 1, minCount: o.minCount },
  );
  let vocab = [EOS, ...words.filter((w) => w !== UNK)];
  const known = new Set(vocab);
  if (SPLITS.some((s) => lines[s].some((l) => l.some((w) => !known.has(w))))) {
    if (vocab.length >= o.vocabSize) vocab.pop();
    vocab = [...vocab, UNK];
  }
  const ids = new Map(vocab.map((w, i) => [w, i]));
  const unk = ids.get(UNK) ?? -1;
  const stream = (split: SplitName) => Int32Array.from(lines[split].flatMap((l) => [...l.map((w) => ids.get(w) ?? unk), ids.get(EOS)!]));
  const all = SPLITS.flatMap((s) => lines[s].flat());
  return {
    vocab,
    stream: { train: stream('train'), valid: stream('valid'), test: stream('test') },
    corpus: {
      tokens: all.length + SPLITS.reduce((sum, s) => sum + lines[s].length, 0),
      distinct: new Set(all).size,
      unkTokens: all.filter((w) => (ids.get(w) ?? unk) === unk).length,
      punctuation,
    },
  };
}

function assertSameAsPlainRoute(source: string, texts: string | Record<SplitName, string>, opts: CorpusOptions): void {
  const ds = readStreamCorpus(source, opts);
  const expected = plainRoute(texts, opts);
  assert.deepEqual(ds.vocab, expected.vocab);
  assert.deepEqual(ds.stream, expected.stream);
  assert.deepEqual(ds.corpus, expected.corpus);
  for (const split of SPLITS) {
    const s = expected.stream[split];
    assert.deepEqual(ds[split].inputs, s.subarray(0, s.length - 1), split);
    assert.deepEqual(ds[split].targets, s.subarray(1), split);
  }
}

const OPTIONS: CorpusOptions[] = [
  {},
  { vocabSize: 8 },
  { vocabSize: 12, minCount: 5 },
  { vocabSize: 30, minCount: 40 },
  { lowercase: false, splitPunctuation: false },
  { vocabSize: 6, lowercase: false },
  { vocabSize: 2 },
];

for (const [k, opts] of OPTIONS.entries()) {
  test(`stream ids as the plain route gives them, one file cut 80/10/10: options ${JSON.stringify(opts)}`, () => {
    // The words added at the end occur in valid and test only.
    const t = text(k + 1, 300) + '\n' + text(k + 11, 60, ['zebra', 'Yak,']);
    const file = path.join(tmp, `one${k}.txt`);
    fs.writeFileSync(file, t);
    assertSameAsPlainRoute(file, t, opts);
  });

  test(`stream ids as the plain route gives them, a folder of train/valid/test.txt: options ${JSON.stringify(opts)}`, () => {
    const texts = { train: text(k + 21, 200), valid: text(k + 31, 40, ['zebra', 'Yak.']), test: text(k + 41, 40, ['<unk>', 'ox']) };
    const dir = path.join(tmp, `folder${k}`);
    fs.mkdirSync(dir);
    for (const s of SPLITS) fs.writeFileSync(path.join(dir, `${s}.txt`), texts[s]);
    assertSameAsPlainRoute(dir, texts, opts);
  });
}

test('stream ids: punctuation already apart in the training file, every word known, blank files refused', () => {
  const texts = { train: 'the cat , sat .\n\n the dog sat .\n', valid: 'the cat sat .\n', test: ' dog , cat \n' };
  const dir = path.join(tmp, 'apart');
  fs.mkdirSync(dir);
  for (const s of SPLITS) fs.writeFileSync(path.join(dir, `${s}.txt`), texts[s]);
  assertSameAsPlainRoute(dir, texts, {});
  assert.equal(readStreamCorpus(dir).corpus?.punctuation, 'already separate');
  assert.ok(!readStreamCorpus(dir).vocab.includes(UNK), 'no <unk> when every word is a training word');
  fs.writeFileSync(path.join(dir, 'valid.txt'), ' \n\n');
  assert.throws(() => readStreamCorpus(dir), /valid\.txt: has no words/);
  const few = path.join(tmp, 'few.txt');
  fs.writeFileSync(few, 'a b\n\nc d\n');
  assert.throws(() => readStreamCorpus(few), /few\.txt: has 2 lines: too few/);
});

test('real text (kjv.txt) as token streams at V = 8000: the same streams, vocabulary and statistics as the loader gave before reading into ids', { skip: realDataSkip() }, () => {
  const file = path.join(requireRealData(), '..', 'kjv', 'kjv.txt');
  const ds = readStreamCorpus(file, { task: 'stream', vocabSize: 8000 });
  const s = ds.stream!;
  const hash = createHash('sha256');
  for (const split of SPLITS) hash.update(new Uint8Array(s[split].buffer, s[split].byteOffset, s[split].byteLength));
  // Recorded from the string-per-word loader (commit b1fb407).
  assert.deepEqual([s.train.length, s.valid.length, s.test.length], [773503, 85853, 85119]);
  assert.equal(hash.digest('hex'), '626308bc98d95681b10e6433d073fc31a0b5935555523c50bb5fe3d09e47c5c9');
  assert.equal(createHash('sha256').update(JSON.stringify(ds.vocab)).digest('hex'), '19fb210a461b1a5046c21340c1bcfa91abfa2a6520a251d1bec375987d13569f');
  assert.deepEqual(ds.corpus, { tokens: 944475, distinct: 12842, unkTokens: 7851, punctuation: 'split' });
});
