/// <reference types="mocha" />
// Runs recorded from VS Code and the Runs view: NLM: Train leaves the CLI's run files in the
// workspace's .nlm/runs, a stopped run says so, and the view's commands (rename, train again with
// the same numbers, load model, delete) work on the files.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunEntry } from '../../src/engine/runs/listRuns';
import { loadModel } from '../../src/engine/modelfile/modelFile';
import { readMetrics } from '../../src/engine/runs/readMetrics';
import type { EpochLine, RunConfig } from '../../src/engine/runs/runFiles';
import type { Comparison, RunInfo } from '../../src/extension/protocol';
import { api, harness, SMALL, train, waitFor } from './helpers';

const CONFIG = { ...SMALL, embeddingDim: 8, seed: 5 };

function runsDir(): string {
  return path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.nlm', 'runs');
}

/** The epoch lines without their wall times: what the same seed must reproduce. */
function epochNumbers(dir: string) {
  return readMetrics(dir)
    .filter((m): m is EpochLine => m.type === 'epoch')
    .map(({ seconds: _seconds, ...rest }) => rest);
}

/** Trains to the end; returns the run the Runs view lists first (the newest). */
async function trainedRun(args: Parameters<typeof train>[0]): Promise<RunEntry> {
  const { run, runs } = await api();
  await train(args);
  await waitFor('the run to finish and be recorded', () => run.state === 'finished' && run.record?.status === 'finished', 120000);
  const dir = run.record!.dir;
  return waitFor('the Runs view to list it', () => runs.getChildren().find((r) => r.dir === dir));
}

suite('NLM runs', () => {
  test('NLM: Train records the run in the workspace, as nlm train does; the Runs view lists it first', async () => {
    const entry = await trainedRun({ dataset: 'demo', config: CONFIG });
    assert.equal(path.dirname(entry.dir), runsDir());
    for (const f of ['config.json', 'metrics.jsonl', 'model.safetensors', 'summary.json']) assert.ok(fs.existsSync(path.join(entry.dir, f)), f);
    assert.equal(entry.summary!.status, 'finished');
    assert.equal(entry.summary!.epochs, 2);
    assert.equal(entry.config!.dataset.path, 'demo');
    assert.equal(epochNumbers(entry.dir).length, 2);
    const { runs } = await api();
    assert.equal(runs.getChildren()[0].dir, entry.dir, 'newest first');
    const item = runs.getTreeItem(entry);
    assert.match(String(item.description), /^acc 0\.\d{4} · embed=8 hidden=32 batch=50 epochs=2 seed=5$/);
  });

  test('a stopped run keeps what it had and says stopped', async () => {
    const { run } = await api();
    await train({ dataset: 'demo', config: { ...CONFIG, epochs: 200 } });
    await waitFor('an epoch recorded', () => run.epochs.length >= 1 && run.record?.status === 'running', 120000);
    await vscode.commands.executeCommand('nlm.stop');
    await waitFor('the record to end', () => run.record?.status === 'stopped');
    const dir = run.record!.dir;
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    assert.equal(summary.status, 'stopped');
    assert.ok(summary.epochs >= 1 && summary.epochs < 200);
    assert.ok(fs.existsSync(path.join(dir, 'model.safetensors')));
  });

  test('Train Again with these settings reproduces the run to the last bit; Rename, Load Model, Delete', async () => {
    const { run, runs } = await api();
    const first = await trainedRun({ dataset: 'demo', config: { ...CONFIG, seed: 9, schedule: 'cosine', warmupSteps: 5 } });
    // Settings now differ from the run's: train again must use the run's own.
    await vscode.workspace.getConfiguration('nlm').update('hiddenUnits', 24, vscode.ConfigurationTarget.Workspace);
    try {
      const info = await vscode.commands.executeCommand<RunInfo>('nlm.runs.trainAgain', first, [first], true);
      assert.equal(info.config.hiddenUnits, 32);
      await waitFor('the second run to finish', () => run.state === 'finished' && run.record?.status === 'finished' && run.record.dir !== first.dir, 120000);
    } finally {
      await vscode.workspace.getConfiguration('nlm').update('hiddenUnits', undefined, vscode.ConfigurationTarget.Workspace);
    }
    const again = run.record!.dir;
    assert.deepEqual(epochNumbers(again), epochNumbers(first.dir), 'same epochs, to the bit');
    const weights = (dir: string) => loadModel(path.join(dir, 'model.safetensors')).params;
    const [w, w0] = [weights(again), weights(first.dir)];
    for (const name of Object.keys(w0)) assert.deepEqual(w[name].data, w0[name].data, `${name}: same weights`);

    await vscode.commands.executeCommand('nlm.runs.rename', first, [first], 'cosine, warm-up');
    const config = JSON.parse(fs.readFileSync(path.join(first.dir, 'config.json'), 'utf8')) as RunConfig;
    assert.equal(config.name, 'cosine, warm-up');
    const renamed = await waitFor('the new name', () => runs.getChildren().find((r) => r.dir === first.dir && r.config?.name === 'cosine, warm-up'));
    assert.equal(runs.getTreeItem(renamed).label, 'cosine, warm-up');

    const loaded = await vscode.commands.executeCommand<RunInfo>('nlm.runs.loadModel', renamed, [renamed]);
    assert.equal(loaded.config.schedule, 'cosine');
    const w1 = await run.request({ kind: 'tensor', name: 'W1' });
    assert.equal(w1.stats.norm > 0, true);
    const listed = runs.getChildren().length;

    await vscode.commands.executeCommand('nlm.runs.delete', renamed, [renamed], true);
    assert.ok(!fs.existsSync(first.dir), 'the folder is gone');
    assert.equal(runs.getChildren().length, listed - 1, 'loading a model recorded no run; deleting removed one');
  });

  test('Compare Runs overlays the selected runs with a legend of what differs and their results table (screenshots)', async () => {
    const { runs } = await api();
    const small = await trainedRun({ dataset: 'demo', config: { ...CONFIG, hiddenUnits: 16, epochs: 3 } });
    const large = await trainedRun({ dataset: 'demo', config: { ...CONFIG, hiddenUnits: 48, epochs: 3 } });
    const comparison = await vscode.commands.executeCommand<Comparison>('nlm.runs.compare', large, [small, large]);
    assert.deepEqual(comparison.runs.map((r) => r.label), ['hidden=16', 'hidden=48']);
    assert.deepEqual(comparison.table.columns[0].label, 'hidden');
    assert.deepEqual(comparison.table.rows.map((r) => r[0]), [16, 48]);
    assert.equal(comparison.runs[1].epochs.length, 3);
    await waitFor('the compare panel', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'NLM: Compare Runs'));
    if (process.env.VSCODE_HARNESS_URL) {
      const r = (await harness('/webviews', { waitForText: 'hidden=48', timeoutMs: 30000 })) as { frames: { text: string }[] };
      const text = r.frames.map((f) => f.text).join('\n');
      for (const want of ['Training loss', 'Validation accuracy', 'Results', 'best valid acc', 'hidden=16']) assert.ok(text.includes(want), `the page shows "${want}"`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      console.log('      screenshot:', ((await harness('/screenshot', { name: 'compare-runs' })) as { path: string }).path);
      await vscode.commands.executeCommand('workbench.view.extension.nlm');
      await vscode.commands.executeCommand('nlm.runs.focus');
      await waitFor('the runs listed', () => runs.getChildren().length >= 2);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      console.log('      screenshot:', ((await harness('/screenshot', { name: 'runs-view' })) as { path: string }).path);
    }
  });
});
