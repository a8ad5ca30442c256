/// <reference types="mocha" />
// Working with the model's weights: Save Model → Load Model round-trips them, Predict Next Word,
// and Inspect Weights (heatmaps in the dashboard, bias vectors as text).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ReplyResult, RunInfo, TensorData } from '../../src/extension/protocol';
import { api, harness, nextProblem, SMALL, tempDir, train, waitFor } from './helpers';

const PARAMS = ['W1', 'W2', 'b1', 'W3', 'b2'];

suite('NLM model', () => {
  const dir = tempDir();

  test('Save Model → Load Model round-trips the weights; .npz exports for NumPy', async () => {
    const { run } = await api();
    await train({ dataset: 'demo', config: { ...SMALL, epochs: 1 } });
    await waitFor('training to finish', () => run.state === 'finished', 120000);
    const file = path.join(dir, 'roundtrip.safetensors');
    const saved = await vscode.commands.executeCommand<ReplyResult['save']>('nlm.saveModel', file);
    assert.equal(saved.path, file);
    assert.ok(fs.statSync(file).size === saved.bytes);
    const before: TensorData[] = [];
    for (const name of PARAMS) before.push(await run.request({ kind: 'tensor', name }));

    await train({ dataset: 'demo', config: { ...SMALL, seed: 7 }, paused: true });
    const fresh = await run.request({ kind: 'tensor', name: 'W1' });
    assert.notDeepEqual(fresh.values, before[0].values, 'another seed, other weights');

    const info = await vscode.commands.executeCommand<RunInfo>('nlm.loadModel', { model: file, dataset: 'demo' });
    assert.equal(info.config.hiddenUnits, 32, 'sizes come from the model file');
    for (const t of before) {
      const after = await run.request({ kind: 'tensor', name: t.name });
      assert.deepEqual(after.values, t.values, t.name);
    }
    const npz = await vscode.commands.executeCommand<ReplyResult['save']>('nlm.saveModel', vscode.Uri.file(path.join(dir, 'model.npz')));
    assert.equal(fs.readFileSync(npz.path).subarray(0, 2).toString(), 'PK', 'a zip archive');
  });

  test('Load Model takes the model kind from the file: an RNN file loads with nlm.model left at mlp', async () => {
    await train({ dataset: 'demo', config: { ...SMALL, model: 'rnn', hiddenUnits: 8 }, paused: true });
    const file = path.join(dir, 'rnn.safetensors');
    await vscode.commands.executeCommand<ReplyResult['save']>('nlm.saveModel', file);
    assert.equal(vscode.workspace.getConfiguration('nlm').get('model'), 'mlp', 'the setting is the default');
    const info = await vscode.commands.executeCommand<RunInfo>('nlm.loadModel', { model: file, dataset: 'demo' });
    assert.equal(info.modelKind, 'rnn');
  });

  test('Predict Next Word gives the ten most likely words; an unknown word is a clear error', async () => {
    await train({ dataset: 'demo', config: SMALL, paused: true });
    const top = await vscode.commands.executeCommand<ReplyResult['predict']>('nlm.predictNextWord', 'we went to');
    assert.equal(top.length, 10);
    const total = top.reduce((s, t) => s + t.score, 0);
    assert.ok(total > 0 && total <= 1 + 1e-9, `probabilities sum to ${total}`);
    const problem = nextProblem();
    assert.equal(await vscode.commands.executeCommand('nlm.predictNextWord', 'we went zorblax'), undefined);
    assert.match(await problem, /"zorblax" is not one of the model's \d+ words/);
  });

  test('Inspect Weights opens W1 in the dashboard and b2 as text with its words', async () => {
    const { run } = await api();
    await train({ dataset: 'demo', config: SMALL, paused: true });
    assert.equal(await vscode.commands.executeCommand('nlm.inspectWeights', 'W1'), 'W1');
    await waitFor('the dashboard', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'NLM Lab Dashboard'));
    if (process.env.VSCODE_HARNESS_URL) {
      // The dashboard really shows W1: its description, and its shape in the heatmap's statistics.
      const w1 = run.info!.params.find((p) => p.name === 'W1')!;
      // The description renders first; the statistics with the shape follow when the tensor's values arrive.
      const shape = `${w1.shape[0]}×${w1.shape[1]}`;
      const shown = (await harness('/webviews', { waitForText: shape, timeoutMs: 30000 })) as { frames?: { text: string }[]; error?: string };
      assert.ok(shown.frames?.some((f) => f.text.includes(w1.description) && f.text.includes(shape)), `W1 and its shape on the Weights tab (${shown.error ?? 'not in one frame'})`);
    }
    await vscode.commands.executeCommand('nlm.inspectWeights', 'b2');
    const doc = await waitFor('the b2 document', () => vscode.window.activeTextEditor?.document);
    assert.equal(doc.uri.path, '/b2.txt');
    const lines = doc.getText().split('\n');
    assert.match(lines[0], /^b2 of demo after 0 iterations/);
    assert.match(lines[1], /^b2 \[\d+\] μ=/);
    assert.equal(lines.filter((l) => /^\d+ \S+ +\S+$/.test(l)).length, run.info!.vocab.length, 'one line per word');
    assert.match(lines[3], new RegExp(`^0 ${run.info!.vocab[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
