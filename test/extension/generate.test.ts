/// <reference types="mocha" />
// NLM: Generate Text: start words in, several continuations out, in a read-only document; the
// dashboard's Generate… button runs the same command.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { problemOf, SMALL, train, waitFor } from './helpers';

suite('NLM: Generate Text', () => {
  test('continues the start words (greedy and sampled) and shows the samples in a document', async () => {
    await train({ dataset: 'demo', config: SMALL, paused: true, noDashboard: true });
    const greedy = await vscode.commands.executeCommand<string[][]>('nlm.generateText', { text: 'we went to', words: 4, temperature: 0 });
    assert.equal(greedy.length, 1);
    assert.equal(greedy[0].length, 4);
    const predicted = await vscode.commands.executeCommand<{ word: string }[]>('nlm.predictNextWord', 'we went to');
    assert.equal(greedy[0][0], predicted[0].word, 'greedy starts with the most probable next word');

    const sampled = await vscode.commands.executeCommand<string[][]>('nlm.generateText', { text: 'they will see', words: 6, temperature: 1, samples: 5, seed: 4 });
    assert.equal(sampled.length, 5);
    // The document of the first call is refreshed with the new text.
    const doc = await waitFor('the samples in generated.txt', () => {
      const d = vscode.window.activeTextEditor?.document;
      return d?.uri.path === '/generated.txt' && d.getText().includes('they will see') && d;
    });
    const lines = doc.getText().trim().split('\n');
    assert.match(lines[0], /^# demo: "they will see" continued by 6 words, sampled at temperature 1, seed 4$/);
    assert.deepEqual(lines.slice(2), sampled.map((s, i) => `${i + 1}. they will see ${s.join(' ')}`));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('a word outside the vocabulary is a clear error', async () => {
    const problem = await problemOf(() => vscode.commands.executeCommand('nlm.generateText', { text: 'we went zorblax', words: 3, temperature: 0 }));
    assert.match(problem, /"zorblax" is not one of the model's \d+ words/);
  });
});
