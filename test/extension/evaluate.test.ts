/// <reference types="mocha" />
// NLM: Evaluate Model on Dataset gives the numbers of `nlm eval` (the CLI) on dataset files: a
// .txt corpus this test writes, and the course's CMPE 597 folder when ../shared/data has it.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { EvaluationReport, ReplyResult } from '../../src/extension/protocol';
import { api, cli, harness, nextProblem, ROOT, SMALL, tempDir, train, waitFor } from './helpers';

const COURSE_DATA = path.resolve(ROOT, '..', 'shared', 'data', 'ngram4', 'npy');

/** Every subject × verb × place, twice: a corpus with a few hundred sentences and ~30 words. */
function writeCorpus(file: string): void {
  const subjects = ['the cat', 'a dog', 'my friend', 'the teacher', 'our neighbour', 'his sister'];
  const verbs = ['sat on', 'looked at', 'walked to', 'talked about', 'ran past'];
  const places = ['the mat', 'a house', 'the park', 'my car', 'the river', 'a school'];
  const lines: string[] = [];
  for (let round = 0; round < 2; round++) for (const s of subjects) for (const v of verbs) for (const p of places) lines.push(`${s} ${v} ${p} .`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

async function saveModel(file: string): Promise<void> {
  await vscode.commands.executeCommand<ReplyResult['save']>('nlm.saveModel', file);
}

/** The command's report against `nlm eval --json` on the same model, data and split. */
function assertSameAsCli(report: EvaluationReport, model: string, data: string, split: string): void {
  const expected = cli(['eval', '--model', model, '--data', data, '--split', split, '--json']) as Record<string, number>;
  assert.equal(report.n, expected.n, 'n');
  for (const k of ['ce', 'acc', 'top5', 'perplexity'] as const) assert.ok(Math.abs(report[k] - expected[k]) < 1e-9, `${k}: ${report[k]} vs CLI ${expected[k]}`);
  assert.ok(report.topErrors.length > 0 && report.perWord.length > 0 && report.samples.length > 0, 'errors, per-word accuracy and samples');
}

suite('NLM evaluate', () => {
  const dir = tempDir();
  const corpus = path.join(dir, 'corpus.txt');
  const model = path.join(dir, 'corpus.safetensors');

  test('on a .txt corpus: a model trained on it agrees with the CLI; the report opens', async function () {
    this.timeout(120000);
    const { run } = await api();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    writeCorpus(corpus);
    const info = await train({ dataset: corpus, config: { ...SMALL, batchSize: 20, epochs: 3 } });
    assert.equal(info.dataset.name, `${path.basename(dir)}/corpus.txt`);
    await waitFor('training to finish', () => run.state === 'finished', 60000);
    await saveModel(model);
    const report = await vscode.commands.executeCommand<EvaluationReport>('nlm.evaluateDataset', vscode.Uri.file(corpus), { model, split: 'test' });
    assertSameAsCli(report, model, corpus, 'test');
    assert.ok(report.acc > 0.2, `a trained model beats chance (acc ${report.acc})`);

    const preview = await waitFor('the report preview', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.includes('Evaluation of')),
    );
    assert.ok(preview, 'a Markdown preview of the report');
    if (process.env.VSCODE_HARNESS_URL) {
      await vscode.commands.executeCommand('workbench.action.closePanel');
      await vscode.commands.executeCommand('workbench.view.extension.nlm');
      await harness('/webviews', { waitForText: 'Most frequent errors', timeoutMs: 20000 });
      await harness('/screenshot', { name: 'evaluation-report' });
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the loaded model on the valid split agrees with the CLI', async () => {
    const report = await vscode.commands.executeCommand<EvaluationReport>('nlm.evaluateDataset', corpus, { model: '', split: 'valid', noReport: true });
    assertSameAsCli(report, model, corpus, 'valid');
  });

  test('a vocabulary mismatch between model and data is a clear error', async () => {
    await train({ dataset: 'demo', config: SMALL, paused: true });
    const demoModel = path.join(dir, 'demo.safetensors');
    await saveModel(demoModel);
    const problem = nextProblem();
    const report = await vscode.commands.executeCommand('nlm.evaluateDataset', corpus, { model: demoModel, split: 'test', noReport: true });
    assert.equal(report, undefined);
    assert.match(await problem, /demo\.safetensors: the model has a vocabulary of \d+ words but .*corpus\.txt has \d+/);
  });

  test('on the CMPE 597 course folder, given one of its .npy files, agrees with the CLI', async function () {
    if (!fs.existsSync(COURSE_DATA)) {
      // CI always has ../shared beside the clone: there the missing data is a failure, never a skip.
      if (process.env.CI === 'true') throw new Error(`CI=true but there is no course data at ${COURSE_DATA}`);
      console.log(`      skipped: no course data at ${COURSE_DATA}`);
      this.skip();
    }
    this.timeout(180000);
    const { run } = await api();
    await train({ dataset: COURSE_DATA, config: { hiddenUnits: 32, batchSize: 500, epochs: 1 } });
    await waitFor('some training', () => (run.snapshot?.cursor.steps ?? 0) >= 50, 120000);
    await vscode.commands.executeCommand('nlm.stop');
    const courseModel = path.join(dir, 'ngram4.safetensors');
    await saveModel(courseModel);
    const npyFile = vscode.Uri.file(path.join(COURSE_DATA, 'test_inputs.npy'));
    const report = await vscode.commands.executeCommand<EvaluationReport>('nlm.evaluateDataset', npyFile, { model: courseModel, split: 'test', noReport: true });
    assert.equal(report.dataset, 'ngram4/npy', 'the folder of the .npy file');
    assertSameAsCli(report, courseModel, COURSE_DATA, 'test');
  });
});
