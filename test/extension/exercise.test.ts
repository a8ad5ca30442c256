/// <reference types="mocha" />
// Exercise mode in the editor: NLM: New Exercise writes and opens a .nlmx file; NLM: Check Exercise
// checks it on the loaded run and puts the verdicts on its lines (Problems view), again on every
// save; hovers and completion know the model's names.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { Bucket, bucketMean } from '../../src/extension/bucketSeries';
import type { ExerciseReport } from '../../src/extension/protocol';
import { LOSS } from '../../src/extension/runHistory';
import { api, harness, problemOf, SMALL, tempDir, train, waitFor } from './helpers';

const SOURCE = 'nlm exercise';

function exerciseDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

function lineOf(doc: vscode.TextDocument, name: string): number {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.startsWith(`${name} =`)) return i;
  throw new Error(`no line for ${name}`);
}

async function replaceLine(doc: vscode.TextDocument, name: string, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, doc.lineAt(lineOf(doc, name)).range, text);
  assert.ok(await vscode.workspace.applyEdit(edit));
}

suite('Exercise mode', () => {
  const folder = tempDir();

  suiteSetup(async () => {
    await train({ dataset: 'demo', config: { ...SMALL, activation: 'sigmoid' }, paused: true, noDashboard: true });
  });

  // The suites after this one get no exercise editor (each stop would check it) and an ordinary run.
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await train({ dataset: 'demo', config: SMALL, paused: true, noDashboard: true });
  });

  test('NLM: New Exercise saves the model’s exercise in the folder and opens it, the backward lines blank', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('nlm.newExercise', { blank: 'backward', folder });
    assert.equal(path.dirname(uri.fsPath), folder);
    assert.equal(path.basename(uri.fsPath), 'mlp-sigmoid-backward.nlmx');
    const text = fs.readFileSync(uri.fsPath, 'utf8');
    assert.match(text, /^# nlm exercise: model mlp, activation sigmoid\n/);
    assert.match(text, /^Z1 = E @ W2 \+ b1$/m, 'the forward lines are filled in');
    assert.match(text, /^dW3 = $/m, 'the backward lines are blank');
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, uri.fsPath);
    assert.equal(editor?.document.languageId, 'nlmx');
    // A second one never overwrites the first.
    const again = await vscode.commands.executeCommand<vscode.Uri>('nlm.newExercise', { blank: 'backward', folder });
    assert.equal(path.basename(again.fsPath), 'mlp-sigmoid-backward-2.nlmx');
  });

  test('NLM: Check Exercise: a correct file has no errors; a transposed answer and a syntax error are errors on their lines with the hint, again after a save', async function () {
    this.timeout(120000);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('nlm.newExercise', { blank: 'none', folder });
    const doc = await vscode.workspace.openTextDocument(uri);
    const report = await vscode.commands.executeCommand<ExerciseReport>('nlm.checkExercise', uri);
    assert.match(report.at, /of the loaded run$/);
    assert.ok(report.verdicts.length >= 15 && report.verdicts.every((v) => v.verdict === 'correct'), JSON.stringify(report.verdicts.filter((v) => v.verdict !== 'correct')));
    assert.deepEqual(exerciseDiagnostics(uri), []);
    const summary = await waitFor('the summary beside the file', () => vscode.workspace.textDocuments.find((d) => d.uri.path.endsWith('check.txt') && d.getText().includes(path.basename(uri.fsPath))));
    assert.match(summary.getText(), /15 of 15 lines correct/);

    await vscode.window.showTextDocument(doc);
    await replaceLine(doc, 'dW3', 'dW3 = dZ2.T @ H');
    await replaceLine(doc, 'dH', 'dH = dZ2 @ (W3.T');
    await replaceLine(doc, 'dZ2', 'dZ2 = (onehot(y, V) - P) / N');
    assert.ok(await doc.save());
    // The save checks the file again.
    const diagnostics = await waitFor('diagnostics after the save', () => {
      const d = exerciseDiagnostics(uri);
      return d.length === 3 && d;
    });
    const on = (name: string) => diagnostics.find((d) => d.range.start.line === lineOf(doc, name));
    const dW3 = on('dW3');
    assert.ok(dW3, 'a diagnostic on the dW3 line');
    assert.equal(dW3.severity, vscode.DiagnosticSeverity.Error);
    assert.match(dW3.message, /^dW3: error — wrong shape: got \d+×32, expected 32×\d+\nhint: got \d+×32, expected 32×\d+ — transposed\?$/);
    const dH = on('dH');
    assert.ok(dH, 'a diagnostic on the dH line');
    assert.match(dH.message, /expected "\)"/);
    assert.equal(doc.getText(dH.range), 'dH = dZ2 @ (W3.T', 'an error at the end of the line (no token there) marks the line');
    const dW3Text = doc.getText(dW3.range);
    assert.equal(dW3Text, 'dZ2', 'the shape error points at the first token of the expression');
    const dZ2 = on('dZ2');
    assert.ok(dZ2, 'a diagnostic on the dZ2 line');
    assert.match(dZ2.message, /^dZ2: wrong — differs by up to [\d.e-]+ \(relative [\d.e-]+\) in .*\nhint: wrong sign/);
    assert.equal(doc.getText(dZ2.range), '(onehot(y, V) - P) / N');
    await waitFor('the summary with the heatmap', () => /## line \d+ · dZ2: wrong[\s\S]*\|got − expected\|/.test(summary.getText()));

    const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    editor.revealRange(new vscode.Range(lineOf(doc, 'dZ2') - 3, 0, lineOf(doc, 'dH'), 0), vscode.TextEditorRevealType.AtTop);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    const shot = (await harness('/screenshot', { name: 'exercise-problems' })) as { path?: string } | undefined;
    if (shot?.path) console.log(`      screenshot: ${shot.path}`);
  });

  test('hovers give a tensor’s shape and statistics from the run; completion offers tensors, sizes and functions', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('nlm.newExercise', { blank: 'backward', folder });
    const doc = await vscode.workspace.openTextDocument(uri);
    const z1 = lineOf(doc, 'Z1');
    const at = doc.lineAt(z1).text.indexOf('W2');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(z1, at + 1));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\*\*W2\*\*/);
    assert.match(text, /at the current stop: \*\*48×32\*\*/);
    assert.match(text, /W2 \[48×32\] μ=\S+ σ=/);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(lineOf(doc, 'dW3'), 6));
    const labels = new Set(list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label)));
    for (const name of ['W1', 'dZ2', 'x1', 'y', 'N', 'V', 'scatter_add', 'onehot', 'softmax']) assert.ok(labels.has(name), name);
  });

  test('Train with My Backward: a run whose backward phases compute the file’s lines; a file with errors is refused', async () => {
    const { run } = await api();
    const uri = await vscode.commands.executeCommand<vscode.Uri>('nlm.newExercise', { blank: 'none', folder });
    const replaced = await vscode.commands.executeCommand<string[]>('nlm.trainWithExercise', uri, { paused: true, noDashboard: true });
    assert.deepEqual(replaced, ['dZ2', 'dW3', 'dH', 'dZ1', 'dW2', 'dE', 'dW1']);
    const before = run.snapshot?.cursor.steps ?? 0;
    await vscode.commands.executeCommand('nlm.stepMiniBatch');
    const snapshot = await waitFor('a step trained on the file’s gradients', () => run.snapshot && run.snapshot.cursor.steps > before && run.snapshot);
    assert.ok(snapshot.grads.every((g) => Number.isFinite(g.norm) && g.norm > 0), JSON.stringify(snapshot.grads));

    const broken = await vscode.commands.executeCommand<vscode.Uri>('nlm.newExercise', { blank: 'backward', folder });
    const problem = await problemOf(() => vscode.commands.executeCommand('nlm.trainWithExercise', broken, { paused: true, noDashboard: true }));
    assert.match(problem, /fix the lines with errors first \(line \d+, line \d+/);
  });

  test('Train with My Backward: a wrong sign fails to learn beside the correct run, both live on the dashboard', async function () {
    this.timeout(180000);
    const { run } = await api();
    const uri = await vscode.commands.executeCommand<vscode.Uri>('nlm.newExercise', { blank: 'none', folder });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await replaceLine(doc, 'dZ2', 'dZ2 = (onehot(y, V) - P) / N');
    assert.ok(await doc.save());
    await vscode.commands.executeCommand('nlm.trainWithExercise', uri);
    await waitFor('both runs trained 300 steps', () => run.history.correct.length > 0 && (run.snapshot?.cursor.steps ?? 0) >= 300, 120000);
    await vscode.commands.executeCommand('nlm.pause');
    await waitFor('paused', () => run.state === 'paused');
    const steps = run.history.steps.buckets;
    const correct = run.history.correct.buckets;
    const last = (buckets: readonly Bucket[]) => bucketMean(buckets[buckets.length - 1], LOSS);
    assert.ok(correct.length >= steps.length - 1 && correct[0].from === steps[0].from, 'the correct run has the same steps');
    assert.ok(last(correct) < bucketMean(correct[0], LOSS) - 0.5, `the correct run learns: ${bucketMean(correct[0], LOSS)} → ${last(correct)}`);
    assert.ok(last(steps) > last(correct) + 1, `the wrong sign's loss ${last(steps)} stays far above the correct run's ${last(correct)}`);
    if (process.env.VSCODE_HARNESS_URL) {
      // The dashboard alone, wide enough for the loss chart's legend.
      await vscode.commands.executeCommand('workbench.action.closePanel');
      await vscode.commands.executeCommand('workbench.action.closeSidebar');
      await vscode.commands.executeCommand('nlm.showDashboard');
      await vscode.commands.executeCommand('workbench.action.closeEditorsInOtherGroups');
      const shown = (await harness('/webviews', { waitForText: 'correct backward, smoothed', timeoutMs: 30000 })) as { frames?: { text: string }[]; error?: string };
      assert.ok(shown.frames?.some((f) => /yours, smoothed/.test(f.text) && /your backward ≈ [\d.]+ · correct backward/.test(f.text)), `both runs on the loss chart (${shown.error ?? 'not in one frame'})`);
      const shot = (await harness('/screenshot', { name: 'exercise-beside-correct' })) as { path?: string } | undefined;
      if (shot?.path) console.log(`      screenshot: ${shot.path}`);
    }
  });

  test('an RNN run: NLM: New Exercise writes backpropagation through time; Check Exercise passes its answers; Train with My Backward replaces each time step', async function () {
    this.timeout(180000);
    const { run } = await api();
    await train({ dataset: 'demo', config: { ...SMALL, model: 'rnn' }, paused: true, noDashboard: true });
    const uri = await vscode.commands.executeCommand<vscode.Uri>('nlm.newExercise', { blank: 'backward', folder });
    assert.equal(path.basename(uri.fsPath), 'rnn-backward.nlmx');
    const text = fs.readFileSync(uri.fsPath, 'utf8');
    assert.match(text, /^# nlm exercise: model rnn\n/);
    assert.match(text, /^A3 = X3 @ Wxh \+ H2 @ Whh \+ bh$/m);
    assert.equal(text.match(/^dWxh = $/gm)?.length, 3, 'the sum over time has a line in each backward step');
    const solved = await vscode.commands.executeCommand<vscode.Uri>('nlm.newExercise', { blank: 'none', folder });
    const report = await vscode.commands.executeCommand<ExerciseReport>('nlm.checkExercise', solved);
    assert.equal(report.verdicts.length, 34);
    assert.ok(report.verdicts.every((v) => v.verdict === 'correct'), JSON.stringify(report.verdicts.filter((v) => v.verdict !== 'correct')));
    // Forgetting the recurrent term: wrong, with the hint on its line. (A missing tanh' factor
    // hides in a fresh run's first iteration, where the small weights keep tanh' within 1e-5 of 1.)
    const doc = await vscode.workspace.openTextDocument(solved);
    await vscode.window.showTextDocument(doc);
    await replaceLine(doc, 'dH1', 'dH1 = 0 * dA2');
    assert.ok(await doc.save());
    const diagnostic = await waitFor('the dH1 diagnostic', () => exerciseDiagnostics(solved).find((d) => d.range.start.line === lineOf(doc, 'dH1')));
    assert.match(diagnostic.message, /^dH1: wrong — .*\nhint: missing the recurrent term: H1 feeds A2, so dH1 = dA2·Whhᵀ$/);
    const replaced = await vscode.commands.executeCommand<string[]>('nlm.trainWithExercise', solved, { paused: true, noDashboard: true });
    assert.deepEqual(replaced, ['dZ', 'dWhy', 'dH', 'bptt3', 'bptt2', 'bptt1', 'dW1']);
    assert.equal(run.info?.modelKind, 'rnn');
    const before = run.snapshot?.cursor.steps ?? 0;
    await vscode.commands.executeCommand('nlm.stepMiniBatch');
    const snapshot = await waitFor('a step trained on the file’s gradients', () => run.snapshot && run.snapshot.cursor.steps > before && run.snapshot);
    assert.ok(snapshot.grads.every((g) => Number.isFinite(g.norm)), JSON.stringify(snapshot.grads));
  });
});
