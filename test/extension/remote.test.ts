/// <reference types="mocha" />
// Files of a remote or virtual file system (a URI that is not file:) are refused with a message
// naming the file system, never read through a meaningless fsPath.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { problemOf } from './helpers';

suite('NLM on files that are not on the local disk', () => {
  test('Evaluate Model on Dataset from a virtual file system says why it cannot', async () => {
    const remote = vscode.Uri.parse('vscode-vfs://github/someone/corpus/data.txt');
    let report: unknown = 'not run';
    const problem = await problemOf(async () => {
      report = await vscode.commands.executeCommand('nlm.evaluateDataset', remote, { model: '', split: 'test', noReport: true });
    });
    assert.equal(report, undefined);
    assert.equal(
      problem,
      'vscode-vfs://github/someone/corpus/data.txt: the dataset is on a "vscode-vfs" file system: NLM Lab reads and writes files on this machine\'s disk only (open a local folder, or use the built-in demo corpus)',
    );
  });

  test('Save Model to a virtual file system says why it cannot', async () => {
    const problem = await problemOf(() => vscode.commands.executeCommand('nlm.saveModel', vscode.Uri.parse('vscode-vfs://github/someone/models/m.safetensors')));
    assert.match(problem, /^vscode-vfs:\/\/github\/someone\/models\/m\.safetensors: the model file is on a "vscode-vfs" file system/);
  });
});
