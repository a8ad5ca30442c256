/// <reference types="mocha" />
// The stream task in VS Code: with nlm.model rnn and nlm.task stream, NLM: Train reads a folder of
// train.txt, valid.txt, test.txt (or a .txt file) as token streams, steps a few windows, pauses, and
// NLM: Evaluate Model on Dataset reports the per-token figures of `nlm eval`; an MLP on streams is a
// clear error.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { EvaluationReport } from '../../src/extension/protocol';
import { api, cli, problemOf, tempDir, train, waitFor } from './helpers';

const SETTINGS = { model: 'rnn', task: 'stream', bptt: 5, batchSize: 4, embeddingDim: 8, hiddenUnits: 16, epochs: 1 } as const;

/** Two sentences over and over: a stream an RNN learns something of in a few windows. */
function lines(n: number): string {
  return Array.from({ length: n }, (_, i) => ['the cat sat on the mat .', 'a dog ran to the house .'][i % 2]).join('\n') + '\n';
}

suite('NLM token streams', () => {
  let folder: string;
  const settings = () => vscode.workspace.getConfiguration('nlm');

  suiteSetup(async () => {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? tempDir();
    folder = fs.mkdtempSync(path.join(root, 'stream-'));
    fs.writeFileSync(path.join(folder, 'train.txt'), lines(80));
    fs.writeFileSync(path.join(folder, 'valid.txt'), lines(20));
    fs.writeFileSync(path.join(folder, 'test.txt'), lines(20));
    fs.writeFileSync(path.join(folder, 'tale.txt'), lines(100));
    for (const [key, value] of Object.entries(SETTINGS)) await settings().update(key, value, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    for (const key of Object.keys(SETTINGS)) await settings().update(key, undefined, vscode.ConfigurationTarget.Global);
  });

  test('an RNN trains on the streams a few windows, pauses, and evaluates per token as `nlm eval` does', async function () {
    this.timeout(60000);
    const { run } = await api();
    const info = await train({ dataset: folder, paused: true });
    assert.deepEqual(info.dataset.streamTokens, { train: 80 * 8, valid: 20 * 8, test: 20 * 8 }, 'each line: 7 words and <eos>');
    assert.deepEqual(info.timeSteps, [1, 2, 3, 4, 5], 'windows of nlm.bptt tokens');
    // 640 tokens as 4 streams of 160: 31 whole windows of 5.
    assert.equal(info.batchesPerEpoch, 31);
    for (let i = 0; i < 3; i++) await run.request({ kind: 'step', unit: 'iteration' });
    await waitFor('three windows', () => run.snapshot?.cursor.steps === 3);
    const status = await run.request({ kind: 'status' });
    assert.deepEqual([status.state, status.cursor.steps], ['paused', 3]);

    const model = path.join(folder, 'rnn.safetensors');
    await vscode.commands.executeCommand('nlm.saveModel', model);
    const report = await vscode.commands.executeCommand<EvaluationReport>('nlm.evaluateDataset', folder, { model: '', split: 'test', noReport: true });
    const expected = cli(['eval', '--model', model, '--data', folder, '--split', 'test', '--json']) as Record<string, number>;
    // 160 test tokens as 10 streams of 16: 3 windows of 5 positions each.
    assert.deepEqual([report.unit, report.n, expected.n], ['tokens', 150, 150]);
    for (const k of ['ce', 'acc', 'top5', 'perplexity'] as const) assert.ok(Math.abs(report[k] - expected[k]) < 1e-9, `${k}: ${report[k]} vs CLI ${expected[k]}`);
    assert.ok(report.perWord.length > 0 && report.samples.length > 0, 'per-word accuracy and samples');
  });

  test('nlm.task stream reads a .txt file as streams; an MLP on streams is a clear error naming the file; unset, a .txt gives n-grams', async function () {
    this.timeout(60000);
    const tale = path.join(folder, 'tale.txt');
    const info = await train({ dataset: tale, paused: true });
    // Cut by lines in order: 80 / 10 / 10 lines of 8 tokens.
    assert.deepEqual(info.dataset.streamTokens, { train: 640, valid: 80, test: 80 });
    const problem = await problemOf(() => vscode.commands.executeCommand('nlm.train', { dataset: tale, config: { model: 'mlp' }, paused: true, noDashboard: true }));
    assert.ok(problem.includes(tale) && /token streams.*rnn or lstm.*not the mlp/.test(problem), problem);
    // Unset (VS Code reads it as ""), the file decides: a .txt gives n-grams.
    await settings().update('task', undefined, vscode.ConfigurationTarget.Global);
    try {
      const grams = await train({ dataset: tale, paused: true });
      assert.deepEqual([grams.dataset.streamTokens, grams.dataset.context], [undefined, 3]);
    } finally {
      await settings().update('task', SETTINGS.task, vscode.ConfigurationTarget.Global);
    }
  });
});
