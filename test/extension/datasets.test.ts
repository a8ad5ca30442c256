/// <reference types="mocha" />
// NLM: Train's dataset picker lists the datasets of the workspace: CMPE 597 folders (vocab.npy
// beside the split files), .mat files and .txt corpora.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { workspaceDatasets } from '../../src/extension/commands/datasetPicker';

suite('NLM dataset picker', () => {
  test('finds CMPE 597 folders, .mat files and .txt corpora in the workspace', async function () {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!folder) this.skip();
    const root = fs.mkdtempSync(path.join(folder!, 'datasets-'));
    const write = (file: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), '');
    };
    try {
      ['course/vocab.npy', 'course/train_inputs.npy', 'lonely/vocab.npy', 'csc321/data.mat', 'raw/sentences.txt'].forEach(write);
      const found = (await workspaceDatasets()).filter((d) => d.path?.startsWith(root));
      assert.deepEqual(
        found.map((d) => [path.relative(root, d.path!), d.description]),
        [
          ['course', 'CMPE 597 NumPy folder'],
          ['csc321/data.mat', 'MATLAB data.mat'],
          ['raw/sentences.txt', 'text corpus, one sentence per line'],
        ],
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
