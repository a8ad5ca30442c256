/// <reference types="mocha" />
// In a real VS Code extension host (the code-server harness): an `nlm` debug session started
// through the VS Code API stops on a gutter breakpoint of the iteration document, and its stack
// and variables are read back through the same API a user's Debug views use.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { harness, lineOf, openIteration, stopSession } from './helpers';

const LAUNCH: vscode.DebugConfiguration = {
  type: 'nlm',
  request: 'launch',
  name: 'NLM extension test',
  dataset: 'demo',
  stopOnEntry: false,
  hiddenUnits: 32,
  batchSize: 50,
  epochs: 1,
};

/** Resolves with the first DAP `stopped` event whose reason is `reason`. */
function nextStop(reason: string): { stopped: Promise<DebugProtocol.StoppedEvent>; dispose(): void } {
  let resolve!: (e: DebugProtocol.StoppedEvent) => void;
  const stopped = new Promise<DebugProtocol.StoppedEvent>((r) => (resolve = r));
  const registration = vscode.debug.registerDebugAdapterTrackerFactory('nlm', {
    createDebugAdapterTracker: () => ({
      onDidSendMessage: (m: DebugProtocol.ProtocolMessage) => {
        const e = m as DebugProtocol.StoppedEvent;
        if (e.type === 'event' && e.event === 'stopped' && e.body.reason === reason) resolve(e);
      },
    }),
  });
  return { stopped, dispose: () => registration.dispose() };
}


suite('NLM debugger', () => {
  test('NLM: Open Iteration shows the read-only iteration document', async () => {
    const doc = await openIteration();
    assert.strictEqual(vscode.window.activeTextEditor?.document, doc, 'shown in the active editor');
    assert.strictEqual(doc.languageId, 'nlm-iteration');
    assert.match(doc.getText(), /Z1 = E·W2 \+ b1/);
    assert.match(doc.getText(), /dW3 = Hᵀ·dZ2 ; db2 = Σ dZ2/);
  });

  test('a breakpoint on the dW3 line stops there; stack, variables and hovers read through the API', async function () {
    this.timeout(60000);
    const doc = await openIteration();
    const line = lineOf(doc, 'dW3');
    const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(doc.uri, new vscode.Position(line, 0)));
    vscode.debug.addBreakpoints([breakpoint]);
    const hit = nextStop('breakpoint');
    try {
      assert.ok(await vscode.debug.startDebugging(undefined, LAUNCH), 'the nlm debug session starts');
      const stop = await hit.stopped;
      const session = vscode.debug.activeDebugSession;
      assert.ok(session && session.type === 'nlm');

      const { stackFrames } = (await session.customRequest('stackTrace', { threadId: stop.body.threadId })) as DebugProtocol.StackTraceResponse['body'];
      assert.deepStrictEqual(
        stackFrames.map((f) => f.name),
        ['dW3', stackFrames[1].name, 'epoch 1 of 1'],
      );
      assert.strictEqual(stackFrames[0].source?.path, doc.uri.toString(), 'frames point at the iteration document');
      assert.strictEqual(stackFrames[0].line, line + 1);

      const { scopes } = (await session.customRequest('scopes', { frameId: stackFrames[0].id })) as DebugProtocol.ScopesResponse['body'];
      assert.deepStrictEqual(
        scopes.map((s) => s.name),
        ['Batch', 'Parameters', 'Activations', 'Gradients', 'Metrics'],
      );
      const gradients = scopes.find((s) => s.name === 'Gradients')!;
      const { variables } = (await session.customRequest('variables', { variablesReference: gradients.variablesReference })) as DebugProtocol.VariablesResponse['body'];
      const dW3 = variables.find((v) => v.name === 'dW3');
      assert.ok(dW3, variables.map((v) => v.name).join(', '));
      // The first iteration has not computed dW3 yet: its zeros are labelled, not taken for a vanishing gradient.
      assert.match(dW3.value, /^not computed yet in this iteration \(dW3 has not run\) — zeros, no iteration has run yet · \[32×\d+\] μ=0 σ=0 min=0 max=0 ‖·‖=0 nan=0$/);
      const rows = (await session.customRequest('variables', { variablesReference: dW3.variablesReference, filter: 'indexed', start: 0, count: 2 })) as DebugProtocol.VariablesResponse['body'];
      assert.strictEqual(rows.variables.length, 2);

      // For a look at the stopped editor (gutter breakpoint, current line, Variables view) in the harness artifacts.
      await harness('/screenshot', { name: 'debug-stopped-dW3' });

      const evaluated = (await session.customRequest('evaluate', { expression: 'loss', context: 'watch', frameId: stackFrames[0].id })) as DebugProtocol.EvaluateResponse['body'];
      assert.ok(Number(evaluated.result) > 0, evaluated.result);

      // The inline adapter drives the extension's shared run, so hovers in the document see it too.
      const hiddenLine = lineOf(doc, 'hidden');
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        doc.uri,
        new vscode.Position(hiddenLine, doc.lineAt(hiddenLine).text.indexOf('W2') + 1),
      );
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      assert.match(text, /W2 \[48×32\] μ=/);
      assert.match(text, /│█/, 'a histogram');
      // At this stop dW3 is not computed yet: its hover says so.
      const dW3Hover = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 1));
      const dW3Text = dW3Hover.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      assert.match(dW3Text, /not computed yet in this iteration \(dW3 has not run\) — zeros, no iteration has run yet/);

      await stopSession(session);
    } finally {
      hit.dispose();
      vscode.debug.removeBreakpoints([breakpoint]);
    }
  });
});
