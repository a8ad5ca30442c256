/// <reference types="mocha" />
// NLM: New Sweep File and NLM: Run Sweep in real VS Code: a template from the settings that `nlm
// sweep` reads, a tiny sweep of the demo corpus cancelled (NLM: Stop) and resumed without training
// its finished point again, each point's run `nlm train`'s to the last bit, and the results table
// (Compare Runs, with the gradient norms) filled in.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { resolveConfig } from '../../src/engine/config';
import { loadModel } from '../../src/engine/modelfile/modelFile';
import { readRun } from '../../src/engine/runs/listRuns';
import { readSweepFile, sweepPoints } from '../../src/engine/runs/sweep';
import type { RunSweepResult } from '../../src/extension/commands/sweepCommands';
import { configuredHyperParameters } from '../../src/extension/settings';
import { api, cli, harness, problemOf, tempDir, waitFor } from './helpers';

const FIXED = { embeddingDim: 8, batchSize: 50, epochs: 1, seed: 5 };

function runsDir(): string {
  return path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.nlm', 'runs');
}

suite('NLM sweeps', () => {
  test('New Sweep File writes the current settings as a sweep file that nlm sweep reads', async () => {
    const folder = tempDir();
    const file = await vscode.commands.executeCommand<string>('nlm.newSweepFile', folder);
    assert.equal(file, path.join(folder, 'sweep.json'));
    const again = await vscode.commands.executeCommand<string>('nlm.newSweepFile', folder);
    assert.equal(again, path.join(folder, 'sweep-2.json'), 'an existing file is never overwritten');
    const settings = resolveConfig(configuredHyperParameters());
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(json.grid, { embeddingDim: [settings.embeddingDim, 2 * settings.embeddingDim], hiddenUnits: [settings.hiddenUnits, 2 * settings.hiddenUnits] });
    // The sweep's first point is the current settings exactly; the others change only the axes.
    const points = sweepPoints(readSweepFile(file));
    assert.equal(points.length, 4);
    assert.deepEqual(points[0].config, settings);
    assert.deepEqual({ ...points[3].config, embeddingDim: settings.embeddingDim, hiddenUnits: settings.hiddenUnits }, settings);
    assert.ok(vscode.window.activeTextEditor?.document.fileName.endsWith('sweep-2.json'), 'opened for editing');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Run Sweep trains the points in the worker, stops when cancelled and resumes without training a finished point again', async () => {
    const { run, runs } = await api();
    const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'tiny-sweep.json');
    fs.writeFileSync(file, JSON.stringify({ data: 'demo', grid: { hiddenUnits: [16, 128] }, fixed: FIXED }));

    // Cancelled (NLM: Stop) as soon as the second point's run has recorded a step.
    const first = vscode.commands.executeCommand<RunSweepResult>('nlm.runSweep', { file });
    const second = await waitFor('the second point training', () => run.record?.status === 'running' && readRun(runsDir(), run.record.id).config?.config.hiddenUnits === 128 && run.record, 120000);
    await vscode.commands.executeCommand('nlm.stop');
    const stopped = await first;
    assert.equal(stopped.status, 'stopped');
    assert.equal(stopped.finished, 1);
    assert.equal(stopped.runs.length, 1);
    assert.equal(readRun(runsDir(), second.id).summary?.status, 'stopped', 'the cancelled point keeps its run, stopped');
    await waitFor('the Runs view to list both', () => runs.getChildren().some((r) => r.id === second.id) && runs.getChildren().some((r) => r.id === stopped.runs[0]));
    // The results table opened at the start and shows what finished.
    await waitFor('the results table', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'NLM: Compare Runs'));

    const resuming = vscode.commands.executeCommand<RunSweepResult>('nlm.runSweep', { file });
    if (process.env.VSCODE_HARNESS_URL) {
      // The notification while the second point trains: the point, then the time left.
      await waitFor('the second point training again', () => run.record?.status === 'running' && run.record.id !== second.id && run.record);
      await new Promise((resolve) => setTimeout(resolve, 700));
      console.log('      screenshot:', ((await harness('/screenshot', { name: 'sweep-progress' })) as { path: string }).path);
    }
    const resumed = await resuming;
    assert.equal(resumed.status, 'finished');
    assert.equal(resumed.id, stopped.id, 'the same sweep');
    assert.deepEqual([resumed.finished, resumed.total], [2, 2]);
    assert.equal(resumed.runs[0], stopped.runs[0], 'the finished point was not trained again');
    const entries = resumed.runs.map((id) => readRun(runsDir(), id));
    assert.deepEqual(entries.map((e) => [e.summary?.status, e.config?.config.hiddenUnits, e.config?.sweep?.id]), [
      ['finished', 16, resumed.id],
      ['finished', 128, resumed.id],
    ]);

    // Each point is the run nlm train makes with the same settings, to the last bit.
    for (const entry of entries) {
      const out = path.join(tempDir(), 'single.safetensors');
      const hidden = String(entry.config!.config.hiddenUnits);
      const single = cli(['train', '--data', 'demo', '--embed', '8', '--hidden', hidden, '--batch', '50', '--epochs', '1', '--seed', '5', '--json', '--no-record', '--out', out]) as Record<string, number>;
      assert.equal(entry.summary!.final!.trainCe, single.train_ce, `hidden=${hidden}: train CE`);
      assert.equal(entry.summary!.final!.validCe, single.valid_ce, `hidden=${hidden}: valid CE`);
      const [swept, alone] = [loadModel(path.join(entry.dir, 'model.safetensors')).params, loadModel(out).params];
      for (const name of Object.keys(alone)) assert.deepEqual(swept[name].data, alone[name].data, `hidden=${hidden}: ${name}`);
    }

    if (process.env.VSCODE_HARNESS_URL) {
      const r = (await harness('/webviews', { waitForText: 'hidden=128', timeoutMs: 30000 })) as { frames: { text: string }[] };
      const text = r.frames.map((f) => f.text).join('\n');
      for (const want of ['Gradient norm', 'Validation accuracy', 'Results', 'hidden=16', 'hidden=128']) assert.ok(text.includes(want), `the page shows "${want}"`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      console.log('      screenshot:', ((await harness('/screenshot', { name: 'sweep-results' })) as { path: string }).path);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a sweep file with a bad grid is refused naming the file, before anything trains', async () => {
    const { runs } = await api();
    const file = path.join(tempDir(), 'bad-sweep.json');
    fs.writeFileSync(file, JSON.stringify({ data: 'demo', grid: { hiddenUnits: [16, 'many'] } }));
    const before = runs.getChildren().length;
    let result: unknown = 'not run';
    const problem = await problemOf(async () => (result = await vscode.commands.executeCommand('nlm.runSweep', { file })));
    assert.equal(result, undefined);
    assert.match(problem, /bad-sweep\.json: hiddenUnits must be a number \(got "many"\)/);
    assert.equal(runs.getChildren().length, before);
  });
});
