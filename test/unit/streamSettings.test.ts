// The stream task as VS Code configures it: `task` in the launch configuration (and nlm.task, which
// reaches the worker the same way) reads a .txt file as token streams for rnn and lstm, the dataset
// picker's figures count tokens and windows, an MLP on streams and a bad task are clear errors, and
// the evaluation report of a stream model is the engine's per-token evaluation.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { loadDataset } from '../../src/engine/data/load';
import { Evaluator } from '../../src/engine/evaluate';
import { jsKernels } from '../../src/engine/kernels';
import { batchify } from '../../src/engine/streamBatches';
import { describeSummary } from '../../src/extension/commands/datasetSummaryText';
import { renderEvaluationReport } from '../../src/extension/commands/evaluationReport';
import { loadRequest, NlmLaunchArguments } from '../../src/extension/debug/debugConfig';
import { SessionCore } from '../../src/extension/worker/sessionCore';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-stream-settings-'));
const corpus = path.join(dir, 'tale.txt');
fs.writeFileSync(corpus, Array.from({ length: 80 }, (_, i) => `the ${['king', 'queen', 'knight'][i % 3]} rode to the ${['castle', 'forest', 'sea', 'hill'][i % 4]}`).join('\n') + '\n');

// Slices run at once: an evaluation's windows follow each other without a message queue.
const core = () => new SessionCore(() => undefined, () => jsKernels, (fn) => fn());
const launch = (over: Partial<NlmLaunchArguments>): NlmLaunchArguments => ({ dataset: corpus, ...over });
const small = { bptt: 4, batchSize: 3, embeddingDim: 6, hiddenUnits: 8, epochs: 1 };

test('task "stream" in the launch configuration reads a .txt file as token streams for an RNN; the preview counts tokens and windows', async () => {
  const request = loadRequest(launch({ model: 'rnn', task: 'stream', ...small }));
  assert.deepEqual(request.dataset, { path: corpus, corpus: { task: 'stream' } });
  const c = core();
  const summary = await c.handle({ kind: 'previewDataset', dataset: request.dataset });
  // "the king rode to the castle" + <eos>: 7 tokens a line, cut by lines 80/10/10.
  assert.deepEqual(summary.streamTokens, { train: 64 * 7, valid: 8 * 7, test: 8 * 7 });
  assert.equal(summary.corpus!.tokens, 80 * 7);
  const info = c.handle(request);
  assert.equal(c.currentTrainer!.shape.task, 'stream');
  // The picker's windows are the trainer's iterations per epoch.
  const text = describeSummary(summary, { streams: 3, window: 4 });
  assert.match(text, new RegExp(`^560 tokens, 10 distinct · 0\\.00 % <unk> · 448 train / 56 valid / 56 test tokens as 3 streams: ${info.batchesPerEpoch} windows of 4 tokens an epoch · punctuation already separate$`));
  assert.equal(info.batchesPerEpoch, batchify(c.currentTrainer!.dataset.stream!.train, 3, 4, corpus).windows);
  // Without the task the same file is read as 4-grams, and says so.
  const grams = await c.handle({ kind: 'previewDataset', dataset: loadRequest(launch({ model: 'rnn' })).dataset });
  assert.equal(grams.streamTokens, undefined);
  assert.match(describeSummary(grams), / test 4-grams · /);
});

test('an MLP on token streams, and a task that is not ngram or stream, are clear errors naming what is wrong', () => {
  assert.throws(() => core().handle(loadRequest(launch({ model: 'mlp', task: 'stream', ...small }))), (e: Error) => e.message.includes(corpus) && /token streams.*rnn or lstm.*not the mlp/.test(e.message));
  assert.throws(() => core().handle(loadRequest(launch({ model: 'rnn', task: 'streams' as 'stream' }))), /task must be ngram or stream \(got "streams"\)/);
});

test('the evaluation report of a stream model is the engine per-token evaluation, the text read as streams without being told', async () => {
  const c = core();
  c.handle(loadRequest(launch({ model: 'rnn', task: 'stream', ...small })));
  c.handle({ kind: 'run' });
  // The dataset named without a task: the worker reads it as the model's task, as `nlm eval` does.
  const report = await c.handle({ kind: 'evaluateDataset', dataset: { path: corpus, corpus: {} }, split: 'test' }, 1);
  const t = c.currentTrainer!;
  const headline = new Evaluator(t.shape, t.params, jsKernels).evaluateSplit(loadDataset(corpus, { task: 'stream' }), 'test');
  assert.deepEqual({ n: report.n, ce: report.ce, acc: report.acc, top5: report.top5, perplexity: report.perplexity }, headline);
  assert.equal(report.unit, 'tokens');
  // 56 test tokens as 10 streams of 5: one window of 4 positions each.
  assert.equal(report.n, 40);
  assert.equal(report.perWord.reduce((sum, w) => sum + w.count, 0), report.n);
  assert.ok(report.samples.length > 0 && report.samples.every((s) => s.context.split(' ').length <= 6));
  assert.match(renderEvaluationReport(report, 'the loaded model'), /^\| tokens \| cross-entropy per token \| accuracy \| top-5 \| perplexity \|$/m);
});
