// The worker reads a text corpus with the options the host sends: a preview for the dataset picker
// (no run is loaded), a run, and an evaluation all see the same words, vocabulary and context.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { jsKernels } from '../../src/engine/kernels';
import { SessionCore } from '../../src/extension/worker/sessionCore';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-preview-'));
const corpus = path.join(dir, 'tale.txt');
fs.writeFileSync(corpus, Array.from({ length: 60 }, (_, i) => `Once, the ${['king', 'queen', 'knight'][i % 3]} rode to the ${['castle', 'forest', 'sea', 'hill'][i % 4]} at dawn.`).join('\n') + '\n');

// Slices run at once: an evaluation's chunks follow each other without a message queue.
const core = () => new SessionCore(() => undefined, () => jsKernels, (fn) => fn());

test('a preview reads the corpus with the options given, without loading a run', () => {
  const c = core();
  const all = c.handle({ kind: 'previewDataset', dataset: { path: corpus } });
  // "once , the king rode to the castle at dawn ." → 11 tokens a line; 15 distinct words.
  assert.deepEqual([all.vocabSize, all.context, all.corpus], [15, 3, { tokens: 660, distinct: 15, unkTokens: 0, punctuation: 'split' }]);
  assert.equal(all.train + all.valid + all.test, 60 * (11 - 3));
  const small = c.handle({ kind: 'previewDataset', dataset: { path: corpus, corpus: { vocabSize: 8, context: 2, splitPunctuation: false } } });
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
