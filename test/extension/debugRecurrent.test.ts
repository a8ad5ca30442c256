/// <reference types="mocha" />
// In a real VS Code extension host: debugging an RNN iteration. A launch with `model: "rnn"` and
// `bptt: 2` stops on entry; the iteration document shows the unrolled time loop with its
// truncation; a gutter breakpoint on a BPTT time step stops there, the stack names the time step,
// Variables hold the hidden state of every step and a watch reads one of them.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { api, harness, lineOf, openIteration, stopSession, waitFor } from './helpers';

const LAUNCH: vscode.DebugConfiguration = {
  type: 'nlm',
  request: 'launch',
  name: 'NLM extension test (RNN)',
  dataset: 'demo',
  stopOnEntry: true,
  model: 'rnn',
  bptt: 2,
  embeddingDim: 8,
  hiddenUnits: 16,
  batchSize: 50,
  epochs: 1,
};

/** Resolves with the DAP `stopped` events as they come. */
function stops(): { next(reason: string): Promise<DebugProtocol.StoppedEvent>; dispose(): void } {
  const seen: DebugProtocol.StoppedEvent[] = [];
  const registration = vscode.debug.registerDebugAdapterTrackerFactory('nlm', {
    createDebugAdapterTracker: () => ({
      onDidSendMessage: (m: DebugProtocol.ProtocolMessage) => {
        const e = m as DebugProtocol.StoppedEvent;
        if (e.type === 'event' && e.event === 'stopped') seen.push(e);
      },
    }),
  });
  return {
    next: (reason) => waitFor(`a "${reason}" stop`, () => seen.find((e) => e.body.reason === reason)),
    dispose: () => registration.dispose(),
  };
}

suite('NLM debugger, recurrent model', () => {
  test('an RNN iteration: the unrolled document, a breakpoint on bptt2, the time step in the stack, H_t in Variables', async function () {
    this.timeout(90000);
    const events = stops();
    let breakpoint: vscode.SourceBreakpoint | undefined;
    try {
      await api(); // the debug adapter is the extension's: activate it first
      assert.ok(await vscode.debug.startDebugging(undefined, LAUNCH), 'the nlm debug session starts');
      const entry = await events.next('entry');
      const session = vscode.debug.activeDebugSession;
      assert.ok(session && session.type === 'nlm');

      const doc = await openIteration();
      const text = await waitFor('the RNN iteration document', () => /bptt2/.test(doc.getText()) && doc.getText());
      assert.match(text, /X1 = W1\[x1\] ; H1 = tanh\(X1·Wxh \+ bh\) {3}— before the BPTT window \(--bptt 2\)/);
      assert.match(text, /H1 held constant \(truncated BPTT\)/);
      assert.doesNotMatch(text, /# bptt1/, 'no backward step before the window');

      const line = lineOf(doc, 'bptt2');
      breakpoint = new vscode.SourceBreakpoint(new vscode.Location(doc.uri, new vscode.Position(line, 0)));
      vscode.debug.addBreakpoints([breakpoint]);
      // Let the adapter take the breakpoint before continuing.
      await new Promise((r) => setTimeout(r, 500));
      await session.customRequest('continue', { threadId: entry.body.threadId });
      const stop = await events.next('breakpoint');

      const { stackFrames } = (await session.customRequest('stackTrace', { threadId: stop.body.threadId })) as DebugProtocol.StackTraceResponse['body'];
      assert.strictEqual(stackFrames[0].name, 'bptt2');
      assert.strictEqual(stackFrames[0].line, line + 1);

      const { scopes } = (await session.customRequest('scopes', { frameId: stackFrames[0].id })) as DebugProtocol.ScopesResponse['body'];
      const activations = scopes.find((s) => s.name === 'Activations')!;
      const { variables } = (await session.customRequest('variables', { variablesReference: activations.variablesReference })) as DebugProtocol.VariablesResponse['body'];
      const names = variables.map((v) => v.name);
      for (const n of ['H1', 'H2', 'H3', 'A2', 'X3', 'Z', 'P']) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
      assert.match(variables.find((v) => v.name === 'H2')!.value, /^\[50×16\] μ=/);

      const gradients = scopes.find((s) => s.name === 'Gradients')!;
      const grads = (await session.customRequest('variables', { variablesReference: gradients.variablesReference })) as DebugProtocol.VariablesResponse['body'];
      const dA2 = grads.variables.find((v) => v.name === 'dA2');
      assert.ok(dA2, grads.variables.map((v) => v.name).join(', '));
      assert.match(dA2.value, /^not computed yet in this iteration \(bptt2 has not run\)/);

      const watch = (await session.customRequest('evaluate', { expression: 'norm(dH2)', context: 'watch', frameId: stackFrames[0].id })) as DebugProtocol.EvaluateResponse['body'];
      assert.ok(Number(watch.result) > 0, watch.result);

      await harness('/screenshot', { name: 'debug-rnn-bptt2' });

      await stopSession(session);
    } finally {
      events.dispose();
      if (breakpoint) vscode.debug.removeBreakpoints([breakpoint]);
    }
  });
});
