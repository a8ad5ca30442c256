/// <reference types="mocha" />
// The UI test (test/ui/train.ui.mjs: the palette, the dashboard, the NLM view) inside this VS
// Code session, when the harness was given it with --ui-script (and --settings
// test/ui/settings.json); otherwise it is skipped.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { api, harness, waitFor } from './helpers';

suite('NLM in the workbench UI', () => {
  test('Train from the Command Palette, pause, step, inspect, resume', async function () {
    if (!process.env.VSCODE_HARNESS_URL) this.skip();
    this.timeout(180000);
    const { run } = await api();
    // A clean window: no run going, no editors (the script starts from the palette).
    if (run.state === 'running' || run.state === 'paused') await run.request({ kind: 'stop' });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const result = (await harness('/ui-script', {})) as { ok?: boolean; error?: string };
    if (result.ok === undefined) {
      console.log(`      skipped: ${result.error}`);
      this.skip();
    }
    assert.ok(result.ok, result.error);
    await waitFor('a run on the demo corpus', () => run.info?.dataset.name === 'demo');
  });
});
