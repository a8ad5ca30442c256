/// <reference types="mocha" />
// The extension in a real VS Code: commands, training in the worker, pause/step/resume, model
// files, evaluation agreeing with the CLI, and surviving a worker crash.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { EvaluationReport, RunInfo, TensorData } from '../../src/extension/protocol';
import { api, harness, waitFor } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-ext-'));
const SMALL = { hiddenUnits: 32, batchSize: 50, epochs: 2 };

suite('NLM extension', () => {
  test('every command is registered; activation is cheap', async () => {
    const { activationMs } = await api();
    console.log(`      activate() took ${activationMs.toFixed(1)} ms`);
    assert.ok(activationMs < 200, `activation took ${activationMs} ms`);
    const all = await vscode.commands.getCommands(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    for (const c of manifest.contributes.commands as { command: string }[]) assert.ok(all.includes(c.command), c.command);
  });

  test('Train on the demo corpus reaches a lower loss; the dashboard shows curves', async () => {
    const { run, statusBar } = await api();
    const info = (await vscode.commands.executeCommand('nlm.train', { dataset: 'demo', config: SMALL })) as RunInfo;
    assert.equal(info.dataset.name, 'demo');
    await waitFor('training to finish', () => run.state === 'finished', 120000);
    assert.equal(run.epochs.length, 2);
    const first = run.steps[0].loss;
    const last = run.epochs[1].trainCe;
    assert.ok(last < first - 1, `loss ${first} → ${last}`);
    assert.match(statusBar.text, /NLM finished · epoch 2\/2/);
    if (process.env.VSCODE_HARNESS_URL) {
      const r = (await harness('/webviews', { waitForText: 'Loss', timeoutMs: 30000 })) as { frames: { text: string }[] };
      assert.ok(r.frames.some((f) => f.text.includes('Gradient norms')), 'dashboard rendered');
      await harness('/screenshot', { name: 'extension-dashboard' });
    }
  });

  test('Pause, Step Mini-batch and Resume change the state as expected', async () => {
    const { run } = await api();
    await vscode.commands.executeCommand('nlm.train', { dataset: 'demo', config: { ...SMALL, epochs: 50 }, noDashboard: true });
    await waitFor('running', () => run.state === 'running');
    await vscode.commands.executeCommand('nlm.pause');
    await waitFor('paused', () => run.state === 'paused');
    const before = run.snapshot!.cursor.steps;
    await vscode.commands.executeCommand('nlm.stepMiniBatch');
    await waitFor('one more iteration', () => run.state === 'paused' && run.snapshot!.cursor.steps === before + 1);
    assert.equal(run.snapshot!.cursor.phase, 0, 'stopped at an iteration boundary');
    await vscode.commands.executeCommand('nlm.resume');
    await waitFor('running again', () => run.state === 'running' && run.snapshot!.cursor.steps > before + 1);
    await vscode.commands.executeCommand('nlm.stop');
    await waitFor('stopped', () => run.state === 'finished');
  });

  test('Save Model → Load Model round-trips the weights', async () => {
    const { run } = await api();
    await vscode.commands.executeCommand('nlm.train', { dataset: 'demo', config: { ...SMALL, epochs: 1 }, noDashboard: true });
    await waitFor('training to finish', () => run.state === 'finished', 120000);
    const file = path.join(tmp, 'roundtrip.safetensors');
    await vscode.commands.executeCommand('nlm.saveModel', file);
    const before: TensorData[] = [];
    for (const name of ['W1', 'W2', 'b1', 'W3', 'b2']) before.push(await run.request({ kind: 'tensor', name }));
    await vscode.commands.executeCommand('nlm.loadModel', { model: file, dataset: 'demo' });
    for (const t of before) {
      const after = await run.request({ kind: 'tensor', name: t.name });
      assert.deepEqual(after.values, t.values, t.name);
    }
  });

  test('Evaluate Model on Dataset returns the numbers of the CLI', async () => {
    const model = path.join(tmp, 'roundtrip.safetensors');
    const corpus = path.join(tmp, 'demo-sentences.txt');
    // A corpus file the model's vocabulary does not match is a clear error…
    fs.writeFileSync(corpus, 'the cat sat on the mat .\n'.repeat(50));
    await assert.rejects(
      Promise.resolve(
        (async () => {
          const { run } = await api();
          await run.request({ kind: 'evaluateDataset', dataset: { path: corpus }, split: 'test', modelFile: model });
        })(),
      ),
      /vocabulary/,
    );
    // …and on the demo data the report agrees with `nlm eval`.
    const report = (await vscode.commands.executeCommand('nlm.evaluateDataset', 'demo', { model, split: 'test', noReport: true })) as EvaluationReport;
    const cli = JSON.parse(execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'eval', '--model', model, '--data', 'demo', '--split', 'test', '--json'], { encoding: 'utf8' }));
    assert.equal(report.n, cli.n);
    for (const k of ['ce', 'acc', 'top5', 'perplexity'] as const) assert.ok(Math.abs(report[k] - cli[k]) < 1e-9, `${k}: ${report[k]} vs ${cli[k]}`);
    assert.ok(report.topErrors.length > 0 && report.perWord.length > 0 && report.samples.length > 0);
  });

  test('a crashed worker leaves the extension usable', async () => {
    const { run } = await api();
    await vscode.commands.executeCommand('nlm.train', { dataset: 'demo', config: SMALL, paused: true, noDashboard: true });
    const crashed = new Promise<string>((resolve) => run.once('crashed', resolve));
    // End the worker thread from outside, as an abort inside it would.
    const session = (run as unknown as { session: { worker: { terminate(): Promise<number> } } }).session;
    await session.worker.terminate();
    assert.match(await crashed, /the training worker exited/);
    assert.equal(run.state, 'idle');
    const info = (await vscode.commands.executeCommand('nlm.train', { dataset: 'demo', config: SMALL, paused: true, noDashboard: true })) as RunInfo;
    assert.equal(info.dataset.name, 'demo', 'a new worker started');
    const top = (await vscode.commands.executeCommand('nlm.predictNextWord', 'we went to')) as { word: string }[];
    assert.equal(top.length, 10);
  });
});
