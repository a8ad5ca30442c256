/// <reference types="mocha" />
// A text corpus in VS Code: NLM: Train on a .txt picked by hand shows what the corpus options make
// of it (V, tokens, <unk> share, examples) before training, and the nlm.* corpus settings and
// the command's arguments decide how it is read.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunInfo } from '../../src/extension/protocol';
import { api, harness, train } from './helpers';

/** 60 sentences of a little story: 15 distinct words once punctuation is split off. */
function writeCorpus(file: string): void {
  const lines = Array.from({ length: 60 }, (_, i) => `Once, the ${['king', 'queen', 'knight'][i % 3]} rode to the ${['castle', 'forest', 'sea', 'hill'][i % 4]} at dawn.`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

suite('NLM on a text corpus', () => {
  let corpus: string;

  suiteSetup(function () {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!folder) this.skip();
    corpus = path.join(fs.mkdtempSync(path.join(folder!, 'corpus-')), 'tale.txt');
    writeCorpus(corpus);
  });

  teardown(async () => {
    await vscode.workspace.getConfiguration('nlm').update('vocabSize', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  test('the nlm.* corpus settings decide how a corpus is read; a command argument overrides them', async () => {
    await vscode.workspace.getConfiguration('nlm').update('vocabSize', 9, vscode.ConfigurationTarget.Global);
    const set = await train({ dataset: corpus, config: { epochs: 1, hiddenUnits: 8 }, paused: true, noDashboard: true });
    assert.deepEqual([set.vocab.length, set.vocab.at(-1), set.dataset.context], [9, '<unk>', 3]);
    const given = await train({ dataset: corpus, corpus: { vocabSize: 12, context: 2 }, config: { epochs: 1, hiddenUnits: 8 }, paused: true, noDashboard: true });
    assert.deepEqual([given.vocab.length, given.dataset.context], [12, 2]);
    assert.deepEqual(given.dataset.corpus, { tokens: 660, distinct: 15, unkTokens: 60, punctuation: 'split' });
  });

  test('Train on a corpus picked by hand previews its figures; an option switched there is used', async () => {
    const { run } = await api();
    const before = run.info;
    const loaded = new Promise<RunInfo>((resolve) => run.once('run', resolve));
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const next = (times: number) => Array.from({ length: times }).reduce<Promise<unknown>>((p) => p.then(() => vscode.commands.executeCommand('workbench.action.quickOpenSelectNext')), Promise.resolve());
    const accept = () => vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    void vscode.commands.executeCommand('nlm.train', { paused: true, noDashboard: true });
    // The dataset picker: the demo corpus first, then the workspace's datasets (only this one).
    await pause(1500);
    await next(1);
    await accept();
    // The options: "Train with V = 15", then vocabulary size, minimum count, context, lowercase, punctuation.
    await pause(2500);
    await harness('/screenshot', { name: 'corpus-options' });
    assert.equal(run.info, before, 'nothing loads while the options are shown');
    await next(5);
    await accept();
    // Punctuation kept: "once," and "dawn." are words of their own, 13 in all.
    await pause(2500);
    await harness('/screenshot', { name: 'corpus-options-punctuation-kept' });
    await accept();
    const info = await loaded;
    assert.deepEqual([info.dataset.source, info.vocab.length, info.dataset.corpus?.punctuation], [corpus, 13, 'kept']);
  });
});
