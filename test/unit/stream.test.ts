// The stream task of the recurrent models (PyTorch's word-language-model recipe): text read as
// token streams with <eos> and <unk>, cut into B parallel streams and windows of K tokens, the
// state carried from window to window and detached, the gradient check of a window, training that
// learns, model files, evaluation and prediction of a stream model, and the KJV text.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { DEFAULT_CONFIG, TrainConfig } from '../../src/engine/config';
import { Dataset, makeSplit } from '../../src/engine/data/dataset';
import { loadDataset } from '../../src/engine/data/load';
import { EOS, readStreamCorpus, streamVocabulary } from '../../src/engine/data/stream';
import { UNK } from '../../src/engine/data/vocabulary';
import { InputError } from '../../src/engine/errors';
import { Evaluator } from '../../src/engine/evaluate';
import { gradientCheck } from '../../src/engine/gradcheck';
import { Predictor } from '../../src/engine/inference';
import { jsKernels } from '../../src/engine/kernels';
import { decodeModel, encodeModel, savedShape } from '../../src/engine/modelfile/modelFile';
import { runModelFile } from '../../src/engine/modelfile/runModelFile';
import { batchify } from '../../src/engine/streamBatches';
import { Trainer } from '../../src/engine/trainer';
import { createWasmKernels } from '../../src/engine/wasmKernels';
import { realDataSkip, requireRealData } from './fixtures';

const RECURRENT = ['rnn', 'lstm'] as const;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-stream-'));

/** A dataset of token streams made in code (ids only). */
function streamDataset(train: number[], valid: number[], vocabSize: number): Dataset {
  const pairs = (s: Int32Array) => makeSplit(s.subarray(0, s.length - 1), s.subarray(1), 1);
  const stream = { train: Int32Array.from(train), valid: Int32Array.from(valid), test: Int32Array.from(valid) };
  return {
    name: 'streams',
    source: 'streams',
    vocab: Array.from({ length: vocabSize }, (_, i) => (i === 0 ? EOS : `w${i}`)),
    context: 1,
    train: pairs(stream.train),
    valid: pairs(stream.valid),
    test: pairs(stream.test),
    stream,
  };
}

/** A small language of lines of a repeating pattern: the subject decides the verb. */
function writeCorpus(file: string, lines: number): void {
  const subjects = ['the cat', 'a dog', 'the bird', 'my friend'];
  const verbs = ['sat on', 'looked at', 'ran to'];
  const objects = ['the mat', 'a tree', 'the house'];
  const text = Array.from({ length: lines }, (_, i) => `${subjects[i % 4]} ${verbs[(i % 4) % 3]} ${objects[i % 3]} .`).join('\n');
  fs.writeFileSync(file, text + '\n');
}

const config = (over: Partial<TrainConfig>): TrainConfig => ({ ...DEFAULT_CONFIG, embeddingDim: 8, hiddenUnits: 16, batchSize: 4, bptt: 5, epochs: 1, ...over });

test('batchify: B parallel streams of L/B tokens, windows of K tokens with the next tokens as targets', () => {
  const tokens = Int32Array.from({ length: 23 }, (_, i) => i);
  const b = batchify(tokens, 3, 2, 'toy');
  // 23 tokens → 3 streams of 7 (the last 2 tokens dropped); (7 − 1) / 2 = 3 whole windows.
  assert.deepEqual([b.streams, b.length, b.windows], [3, 7, 3]);
  const inputs = new Int32Array(6);
  const targets = new Int32Array(6);
  b.fill(0, inputs, targets);
  assert.deepEqual([...inputs], [0, 1, 7, 8, 14, 15]);
  assert.deepEqual([...targets], [1, 2, 8, 9, 15, 16]);
  b.fill(2, inputs, targets);
  assert.deepEqual([...inputs], [4, 5, 11, 12, 18, 19]);
  assert.deepEqual([...targets], [5, 6, 12, 13, 19, 20]);
  // (8 − 1) / 2 = 3 windows leave one token per stream unread: only whole windows are read.
  assert.equal(batchify(Int32Array.from({ length: 24 }), 3, 2, 'toy').windows, 3);
  assert.throws(() => batchify(Int32Array.from({ length: 8 }), 3, 2, 'toy.txt'), (e: unknown) => e instanceof InputError && /toy\.txt: has 8 tokens/.test(e.message));
});

test('vocabulary: <eos> first, the most frequent training words, <unk> only when a word is left out; V in all', () => {
  const lines = { train: [['a', 'b', 'a'], ['c', 'a']], valid: [['b']], test: [['a']] };
  assert.deepEqual(streamVocabulary(lines, 10, 1), [EOS, 'a', 'b', 'c']);
  assert.deepEqual(streamVocabulary(lines, 3, 1), [EOS, 'a', UNK]);
  // A valid word never seen in training needs <unk> even when every training word fits.
  assert.deepEqual(streamVocabulary({ ...lines, valid: [['z']] }, 10, 1), [EOS, 'a', 'b', 'c', UNK]);
  assert.deepEqual(streamVocabulary({ ...lines, valid: [['z']] }, 4, 1), [EOS, 'a', 'b', UNK]);
  // Penn Treebank writes <unk> in its text: it is the <unk> entry, not a word beside it.
  assert.deepEqual(streamVocabulary({ train: [['a', UNK, UNK, UNK]], valid: [['a']], test: [['a']] }, 10, 1), [EOS, 'a', UNK]);
});

test('a folder of train.txt, valid.txt, test.txt is read as token streams, splits as given, each line ending with <eos>', () => {
  const dir = path.join(tmp, 'ptb');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'train.txt'), ' the cat sat \n the dog sat \n');
  fs.writeFileSync(path.join(dir, 'valid.txt'), ' the bird sat \n');
  fs.writeFileSync(path.join(dir, 'test.txt'), ' a cat \n');
  const ds = loadDataset(dir);
  assert.ok(ds.stream);
  assert.deepEqual(ds.vocab, [EOS, 'the', 'sat', 'cat', 'dog', UNK]);
  const words = (ids: Int32Array) => [...ids].map((i) => ds.vocab[i]).join(' ');
  assert.equal(words(ds.stream.train), 'the cat sat <eos> the dog sat <eos>');
  assert.equal(words(ds.stream.valid), 'the <unk> sat <eos>');
  assert.equal(words(ds.stream.test), '<unk> cat <eos>');
  assert.equal(ds.train.n, 7, 'the predictions of a stream: one per token after the first');
  assert.equal(ds.corpus?.unkTokens, 2);
  fs.rmSync(path.join(dir, 'test.txt'));
  assert.throws(() => loadDataset(dir), /test\.txt: is missing/);
});

test('one text file with --task stream is cut by lines in order: 80 % train, 10 % valid, 10 % test', () => {
  const file = path.join(tmp, 'ten.txt');
  fs.writeFileSync(file, Array.from({ length: 10 }, (_, i) => `line ${i}`).join('\n'));
  const ds = readStreamCorpus(file, { vocabSize: 100 });
  const words = (ids: Int32Array) => [...ids].map((i) => ds.vocab[i]).join(' ');
  // "8" and "9" are not training words.
  assert.equal(words(ds.stream!.valid), 'line <unk> <eos>');
  assert.equal(words(ds.stream!.test), 'line <unk> <eos>');
  assert.equal(ds.stream!.train.length, 8 * 3);
  assert.throws(() => loadDataset(file, { task: 'stream', vocabSize: 1 }), /vocabSize must be/);
  assert.throws(() => loadDataset('demo', { task: 'stream' }), /demo: is a set of n-grams/);
  assert.throws(() => new Trainer(loadDataset(file, { task: 'stream' }), config({ model: 'mlp' }), jsKernels), /recurrent models train on/);
});

for (const kind of RECURRENT) {
  for (const fresh of [false, true]) {
    test(`${kind}: float64 gradient check < 1e-6 of a stream window (loss at every position), ${fresh ? 'from a zero state' : 'its state carried in and held constant'}`, () => {
      const r = gradientCheck({ kind, task: 'stream', fresh });
      for (const [name, p] of Object.entries(r.params)) assert.ok(p.maxRelError < 1e-6, `${name}: ${p.maxRelError}`);
    });
  }

  test(`${kind}: the state is carried from window to window, detached, and starts at zero each epoch`, () => {
    // Window 1 of both streams reads words 1–3 only, window 2 words 4–6: after window 2's backward
    // pass, the embedding rows of words 1–3 have no gradient, though window 2 started from their state.
    const train = [1, 2, 3, 1, 4, 5, 6, 4, 6, 2, 3, 2, 1, 5, 4, 6, 5, 4];
    const ds = streamDataset(train, [...train, ...train, ...train], 8);
    const t = new Trainer(ds, config({ model: kind, batchSize: 2, bptt: 4, optimizer: 'sgd', lr: 0.5, epochs: 2 }), jsKernels);
    assert.equal(t.batchesPerEpoch, 2);
    const buffers = t.model.buffers;
    const state = kind === 'lstm' ? ['H', 'C'] : ['H'];
    const carry = t.phases[0].subSteps[0];
    assert.ok(carry.constant, 'the carried state is a constant to the backward pass');
    assert.match(t.phases[0].math, /carried from the previous window/);
    assert.match(t.phases.find((p) => p.name === 'loss')!.math, /over the 4·N positions/);
    t.step();
    for (const s of state) assert.ok(buffers[`${s}0`].every((v) => v === 0), `${s}0 starts at zero`);
    const last = state.map((s) => buffers[`${s}4`].slice(0, 2 * 16));
    assert.ok(last[0].some((v) => v !== 0));
    t.stepSub(); // the carry sub-step of window 2
    state.forEach((s, i) => assert.deepEqual(buffers[`${s}0`].slice(0, 32), last[i], `${s}0 = ${s}4 of window 1`));
    t.step();
    const dW1 = t.model.grads.W1.data;
    for (const word of [1, 2, 3]) assert.ok(dW1.subarray(word * 8, word * 8 + 8).every((v) => v === 0), `no gradient flows into window 1's word ${word}`);
    assert.ok(dW1.subarray(4 * 8, 5 * 8).some((v) => v !== 0));
    t.stepSub(); // epoch 2, window 1: the state starts again from zero
    for (const s of state) assert.ok(buffers[`${s}0`].every((v) => v === 0));
  });

  test(`${kind}: time travel on token streams: a state saved before the first window, or between windows, replays to the same weights`, () => {
    const train = Array.from({ length: 60 }, (_, i) => (i * 5) % 7);
    const make = () => new Trainer(streamDataset(train, train, 8), config({ model: kind, batchSize: 2, bptt: 4, optimizer: 'sgd', lr: 0.5, epochs: 3 }), jsKernels);
    const t = make();
    const start = t.saveState();
    t.step();
    t.step();
    const between = t.saveState();
    for (let i = 0; i < 6; i++) t.step();
    const expected = Float32Array.from(t.params.Whh.data);
    for (const state of [start, between]) {
      t.restoreState(state);
      while (t.steps < 8) t.step();
      assert.deepEqual(Float32Array.from(t.params.Whh.data), expected, 'replayed from a saved state');
    }
  });
}

test('a small corpus: an LSTM and an RNN on token streams learn it, and a saved stream model evaluates, predicts and generates', () => {
  const file = path.join(tmp, 'pattern.txt');
  writeCorpus(file, 400);
  const ds = loadDataset(file, { task: 'stream' });
  for (const kind of RECURRENT) {
    const t = new Trainer(ds, config({ model: kind, embeddingDim: 16, hiddenUnits: 32, batchSize: 10, bptt: 8, optimizer: 'adam', lr: 0.01, epochs: 6, init: 'xavier' }), createWasmKernels());
    const epochs = t.run();
    const last = epochs[epochs.length - 1];
    // 17 words: uniform is ln 17 ≈ 2.83; the lines' cycle makes almost every word predictable.
    assert.ok(last.valid.ce < 0.6, `${kind}: valid CE ${last.valid.ce}`);
    assert.ok(last.valid.ce < epochs[0].valid.ce);
    assert.equal(last.valid.n, 10 * 8 * Math.floor((Math.floor(ds.stream!.valid.length / 10) - 1) / 8), 'every position of every whole window counts');

    const saved = decodeModel(encodeModel(runModelFile(t)), 'stream.safetensors');
    assert.equal(saved.meta.task, 'stream');
    const shape = savedShape(saved.meta);
    assert.deepEqual([shape.task, shape.context], ['stream', 8]);
    const again = new Evaluator(shape, saved.params, createWasmKernels()).evaluateSplit(ds, 'valid');
    assert.ok(Math.abs(again.ce - last.valid.ce) < 1e-6, 'the model file evaluates as training did');
    const p = new Predictor(shape, saved.params, saved.meta.vocab);
    // The prompt is read through the recurrence, any length: "the cat" → "sat".
    assert.equal(p.topK('the cat', 1)[0].word, 'sat');
    assert.equal(p.topK('the bird', 1)[0].word, 'ran');
    assert.deepEqual(p.generate('a dog looked', 1), ['at']);
  }
});

test('real text (kjv.txt) as token streams at V = 8000: the split, <eos> and <unk>, and a few hundred iterations that learn', { skip: realDataSkip() }, () => {
  const file = path.join(requireRealData(), '..', 'kjv', 'kjv.txt');
  const ds = loadDataset(file, { task: 'stream', vocabSize: 8000 });
  const s = ds.stream!;
  assert.equal(ds.vocab.length, 8000);
  assert.deepEqual([ds.vocab[0], ds.vocab[7999]], [EOS, UNK]);
  // 913,373 words (PROVENANCE.md) and one <eos> per verse (31,102).
  assert.equal(s.train.length + s.valid.length + s.test.length, 913373 + 31102);
  assert.equal(s.train.length, 773503, 'the first 24,882 verses and their <eos>');
  const t = new Trainer(ds, config({ model: 'lstm', embeddingDim: 32, hiddenUnits: 32, batchSize: 10, bptt: 10, optimizer: 'sgd', lr: 20, clip: 0.25, init: 'xavier' }), createWasmKernels());
  let first = 0;
  let sum = 0;
  const t0 = performance.now();
  for (let i = 0; i < 250; i++) {
    const loss = t.step().iteration!.loss;
    if (i < 20) first += loss / 20;
    if (i >= 230) sum += loss / 20;
  }
  console.log(`# 250 windows of 10×10 tokens at V = 8000: ${((performance.now() - t0) / 1000).toFixed(1)} s; first 20 ${first.toFixed(3)}, last 20 ${sum.toFixed(3)}`);
  assert.ok(first > 6.5, `starts near ln 8000 = 8.99: ${first}`);
  assert.ok(sum < 5.8, `the last 20 windows' mean loss ${sum}`);
  const valid = new Evaluator(t.shape, t.params, createWasmKernels()).evaluateStream(s.valid.subarray(0, 5000));
  assert.equal(valid.n, 10 * 10 * 49);
  assert.ok(valid.perplexity < 600, `valid perplexity ${valid.perplexity}`);
});
