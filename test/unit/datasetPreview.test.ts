// The worker reads a text corpus with the options the host sends: a preview for the dataset picker
// (no run is loaded), a run, and an evaluation all see the same words, vocabulary and context.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { InputError } from '../../src/engine/errors';
import { loadDataset } from '../../src/engine/data/load';
import { loadDatasetInThread } from '../../src/engine/data/loadInThread';
import { jsKernels } from '../../src/engine/kernels';
import type { WorkerEvent } from '../../src/extension/protocol';
import { SessionCore } from '../../src/extension/worker/sessionCore';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-preview-'));
const corpus = path.join(dir, 'tale.txt');
fs.writeFileSync(corpus, Array.from({ length: 60 }, (_, i) => `Once, the ${['king', 'queen', 'knight'][i % 3]} rode to the ${['castle', 'forest', 'sea', 'hill'][i % 4]} at dawn.`).join('\n') + '\n');

// Slices run at once: an evaluation's chunks follow each other without a message queue.
const core = () => new SessionCore(() => undefined, () => jsKernels, (fn) => fn());

test('a preview reads the corpus with the options given, without loading a run', async () => {
  const c = core();
  const all = await c.handle({ kind: 'previewDataset', dataset: { path: corpus } });
  // "once , the king rode to the castle at dawn ." → 11 tokens a line; 15 distinct words.
  assert.deepEqual([all.vocabSize, all.context, all.corpus], [15, 3, { tokens: 660, distinct: 15, unkTokens: 0, punctuation: 'split' }]);
  assert.equal(all.train + all.valid + all.test, 60 * (11 - 3));
  const small = await c.handle({ kind: 'previewDataset', dataset: { path: corpus, corpus: { vocabSize: 8, context: 2, splitPunctuation: false } } });
  // Without the split: "once," and "dawn." are words of their own; 13 distinct, 7 kept + <unk>.
  assert.deepEqual([small.vocabSize, small.context, small.corpus!.distinct, small.corpus!.punctuation], [8, 2, 13, 'kept']);
  assert.equal(small.train + small.valid + small.test, 60 * (9 - 2));
  assert.throws(() => c.handle({ kind: 'tensor', name: 'W1' }), /no training run is loaded/);
});

test('a run and an evaluation use the corpus options of their request', async () => {
  const c = core();
  const info = c.handle({ kind: 'load', dataset: { path: corpus, corpus: { vocabSize: 10, context: 2 } }, config: { epochs: 1, hiddenUnits: 8 } });
  assert.deepEqual([info.vocab.length, info.dataset.context, info.dataset.vocabSize], [10, 2, 10]);
  assert.equal(info.vocab.at(-1), '<unk>');
  // The 9 most frequent of 15 words stay (the ×120, seven words ×60, king ×20): queen, knight
  // (×20 each) and the four places (×15 each) become <unk>.
  assert.equal(info.dataset.corpus!.unkTokens, 100);
  const report = await c.handle({ kind: 'evaluateDataset', dataset: { path: corpus, corpus: { vocabSize: 10, context: 2 } }, split: 'test' });
  assert.ok(report.n > 0 && Number.isFinite(report.ce));
  // Other options give another vocabulary, which the loaded model refuses by name.
  await assert.rejects(c.handle({ kind: 'evaluateDataset', dataset: { path: corpus }, split: 'test' }), /vocabulary of 10 words but .*tale\.txt has 15/);
});

test('reading a corpus on its thread: the stages as progress, the same dataset, kept for the load that follows', async () => {
  const events: WorkerEvent[] = [];
  const c = new SessionCore((e) => events.push(e), () => jsKernels, (fn) => fn());
  const summary = await c.handle({ kind: 'previewDataset', dataset: { path: corpus, corpus: { context: 2 } } }, 7);
  const stages = events.flatMap((e) => (e.kind === 'progress' && e.request === 7 ? [`${e.done}/${e.total} ${e.stage}`] : []));
  assert.deepEqual(stages, ['0/5 reading the text', '1/5 checking the text', '2/5 splitting it into words', '3/5 choosing the vocabulary', '4/5 making 3-grams']);
  const inProcess = loadDataset(corpus, { context: 2 });
  assert.deepEqual([summary.train, summary.valid, summary.test], [inProcess.train.n, inProcess.valid.n, inProcess.test.n]);
  // The load that names the same file and options takes the dataset read on the thread: the file
  // may even be unreadable now (a chmod would not stop root, so its content is swapped in place,
  // keeping size and time, which a real edit would change).
  const stat = fs.statSync(corpus);
  const original = fs.readFileSync(corpus);
  fs.writeFileSync(corpus, Buffer.alloc(original.length, 0));
  fs.utimesSync(corpus, stat.atimeMs / 1000, stat.mtimeMs / 1000);
  try {
    const info = c.handle({ kind: 'load', dataset: { path: corpus, corpus: { context: 2 } }, config: { epochs: 1, hiddenUnits: 8 } });
    assert.equal(info.dataset.train, inProcess.train.n);
  } finally {
    fs.writeFileSync(corpus, original);
  }
  // Other options are another dataset: read again.
  const other = c.handle({ kind: 'load', dataset: { path: corpus, corpus: { context: 3 } }, config: { epochs: 1, hiddenUnits: 8 } });
  assert.equal(other.dataset.context, 3);
});

test('a cancelled read ends its thread at once with a clear error; a bad corpus names its file', async () => {
  const big = path.join(dir, 'big.txt');
  fs.writeFileSync(big, 'the quick brown fox jumps over the lazy dog\n'.repeat(200_000));
  const abort = new AbortController();
  const reading = loadDatasetInThread(big, {}, () => abort.abort(), abort.signal);
  await assert.rejects(reading, { message: `reading ${big} was cancelled` });
  const binary = path.join(dir, 'binary.txt');
  fs.writeFileSync(binary, Buffer.from([0x41, 0x00, 0x42]));
  await assert.rejects(loadDatasetInThread(binary, {}), (e: unknown) => e instanceof InputError && e.file === binary && /binary data at byte 1/.test(e.problem));
});
