/// <reference types="mocha" />
// The extension in a real VS Code: its commands, training in the worker, the controls and the
// context keys that enable them, the status bar (a diverged run's warning too) and the NLM view,
// and surviving a worker crash.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { LOSS } from '../../src/extension/runHistory';
import { DESCRIPTION_BUDGET } from '../../src/extension/views/runTreeText';
import { api, harness, nextProblem, ROOT, SMALL, train, waitFor } from './helpers';

suite('NLM extension', () => {
  test('every command is registered; activation is cheap', async () => {
    const { activationMs } = await api();
    console.log(`      activate() took ${activationMs.toFixed(1)} ms`);
    // Measured ~7 ms; generous for a busy machine, it catches activation that reads or trains.
    assert.ok(activationMs < 1000, `activation took ${activationMs} ms`);
    const all = await vscode.commands.getCommands(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    for (const c of manifest.contributes.commands as { command: string }[]) assert.ok(all.includes(c.command), c.command);
  });

  test('Train on the demo corpus reaches a lower loss; status bar, NLM view and dashboard follow', async () => {
    const { run, statusBar, tree, contextKeys } = await api();
    const info = await train({ dataset: 'demo', config: SMALL, noDashboard: false });
    assert.equal(info.dataset.name, 'demo');
    assert.equal(info.config.hiddenUnits, 32, 'the arguments override the settings');
    assert.equal(info.config.lr, 0.005, 'the rest comes from the nlm.* settings');
    // The worker runs the relaxed-SIMD kernels wherever this runtime can (code-server's Node 24 can).
    const relaxed = WebAssembly.validate(fs.readFileSync(path.join(ROOT, 'dist', 'kernels-relaxed.wasm')));
    assert.equal(info.kernels, relaxed ? 'wasm relaxed-simd' : 'wasm');
    await waitFor('training to finish', () => run.state === 'finished', 120000);
    assert.deepEqual(contextKeys.values, { state: 'finished', hasRun: true });
    assert.equal(run.epochs.length, 2);
    // The history starts at the first mini-batch, whatever the run's length.
    const firstBucket = run.history.steps.buckets[0];
    assert.equal(firstBucket.from, 1);
    const first = firstBucket.first[LOSS];
    const last = run.epochs[1].trainCe;
    assert.ok(last < first - 1, `loss ${first} → ${last}`);
    assert.match(statusBar.text, /NLM finished · epoch 2\/2 · batch \d+\/\d+ · loss \d\.\d{3}$/);

    const [runSection, , parameters] = tree.getChildren();
    const facts = tree.getChildren(runSection).map((n) => tree.getTreeItem(n));
    assert.ok(facts.some((f) => f.label === 'state' && f.description === 'finished'));
    const params = tree.getChildren(parameters).map((n) => tree.getTreeItem(n));
    assert.deepEqual(params.map((p) => p.label), ['W1', 'W2', 'b1', 'W3', 'b2']);
    // Norm and mean fit beside the name; VS Code would cut anything longer with "…".
    for (const item of [...facts, ...params]) assert.ok(String(item.description).length <= DESCRIPTION_BUDGET, `${String(item.label)}: ${String(item.description)}`);
    assert.match(String(params[0].description), /^‖·‖ \S+ · μ \S+$/);
    assert.match(String(params[0].tooltip), /^W1 \[\d+×16\]\n‖·‖₂ = \S+\nmean μ = \S+\nstd σ = \S+\nmin = \S+\nmax = \S+\nNaN = 0, Inf = 0/);
    assert.deepEqual(params[0].command?.arguments, ['W1'], 'a click inspects the parameter');

    if (process.env.VSCODE_HARNESS_URL) {
      await vscode.commands.executeCommand('workbench.action.closePanel');
      await vscode.commands.executeCommand('workbench.view.extension.nlm');
      const r = (await harness('/webviews', { waitForText: 'Loss', timeoutMs: 30000 })) as { frames: { text: string }[] };
      assert.ok(r.frames.some((f) => f.text.includes('Gradient norms')), 'dashboard rendered');
      await harness('/screenshot', { name: 'extension-dashboard' });
    }
  });

  test('Pause, Step Mini-batch and Resume change the state and the context keys', async () => {
    const { run, contextKeys, statusBar } = await api();
    await train({ dataset: 'demo', config: { ...SMALL, epochs: 50 } });
    await waitFor('running', () => run.state === 'running' && contextKeys.values?.state === 'running');
    await vscode.commands.executeCommand('nlm.pause');
    await waitFor('paused', () => run.state === 'paused');
    assert.deepEqual(contextKeys.values, { state: 'paused', hasRun: true });
    const before = run.snapshot!.cursor.steps;
    await vscode.commands.executeCommand('nlm.stepMiniBatch');
    await waitFor('one more iteration', () => run.state === 'paused' && run.snapshot!.cursor.steps === before + 1);
    assert.equal(run.snapshot!.cursor.phase, 0, 'stopped at an iteration boundary');
    assert.equal(contextKeys.values?.state, 'paused');
    await vscode.commands.executeCommand('nlm.resume');
    await waitFor('running again', () => run.state === 'running' && run.snapshot!.cursor.steps > before + 1);
    assert.equal(contextKeys.values?.state, 'running');
    await vscode.commands.executeCommand('nlm.stop');
    await waitFor('stopped', () => run.state === 'finished');
    assert.deepEqual(contextKeys.values, { state: 'finished', hasRun: true });
    await waitFor('the status bar to say stopped', () => /^\$\(check\) NLM stopped · epoch \d+\/50/.test(statusBar.text));
  });

  test('a diverging run (lr 100) turns the status bar into a warning', async () => {
    const { run, statusBar } = await api();
    await train({ dataset: 'demo', config: { ...SMALL, lr: 100, epochs: 50 } });
    await waitFor('the status bar to say diverged', () => /^\$\(warning\) NLM training · diverged · epoch \d+\/50/.test(statusBar.text), 60000);
    assert.ok(run.snapshot?.divergence, 'the snapshot carries the divergence');
    await vscode.commands.executeCommand('nlm.stop');
    await waitFor('stopped', () => run.state === 'finished');
    assert.match(statusBar.text, /^\$\(warning\) NLM stopped · diverged/, 'a stopped diverged run still says so');
  });

  test('a bad setting is a clear error, not a crash', async () => {
    const problem = nextProblem();
    const info = await vscode.commands.executeCommand('nlm.train', { dataset: 'demo', config: { hiddenUnits: 0 }, noDashboard: true });
    assert.equal(info, undefined);
    assert.match(await problem, /hiddenUnits must be between 1 and 4096 \(got 0\)/);
  });

  test('a crashed worker is reported and leaves the extension usable', async () => {
    const { run, contextKeys } = await api();
    await train({ dataset: 'demo', config: SMALL, paused: true });
    const problem = nextProblem();
    // End the worker thread from outside, as an abort inside it would.
    const session = (run as unknown as { session: { worker: { terminate(): Promise<number> } } }).session;
    await session.worker.terminate();
    assert.match(await problem, /the training worker exited .*Run NLM: Train to start again/);
    assert.equal(run.state, 'idle');
    assert.deepEqual(contextKeys.values, { state: 'idle', hasRun: false });
    const info = await train({ dataset: 'demo', config: SMALL, paused: true });
    assert.equal(info.dataset.name, 'demo', 'a new worker started');
    assert.deepEqual(contextKeys.values, { state: 'paused', hasRun: true });
  });
});
