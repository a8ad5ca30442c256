/// <reference types="mocha" />
// In a real VS Code extension host: debugging an LSTM iteration. A breakpoint on the line of the
// backward time loop with the condition `t == 2` stops before time step 2 of backpropagation
// through time (after 300 iterations, `step >= 300`); the stack has a frame for the time step;
// Variables hold each step's gates, cell and hidden state; the dashboard's Gate saturation card
// shows the gates the LSTM declares.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { api, harness, openIteration, SMALL, stopSession, train, waitFor } from './helpers';

const LAUNCH: vscode.DebugConfiguration = {
  type: 'nlm',
  request: 'launch',
  name: 'NLM extension test (LSTM)',
  dataset: 'demo',
  stopOnEntry: true,
  model: 'lstm',
  embeddingDim: 8,
  hiddenUnits: 16,
  batchSize: 50,
  epochs: 1,
  // Adam at 10× the default saturates the gates within a few hundred iterations: a card with something to show.
  lr: 0.05,
};

suite('NLM debugger, LSTM', () => {
  test('a `t == 2` breakpoint on the backward time loop stops at time step 2; the gate-saturation card renders', async function () {
    this.timeout(120000);
    const seen: DebugProtocol.StoppedEvent[] = [];
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory('nlm', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (m: DebugProtocol.ProtocolMessage) => {
          const e = m as DebugProtocol.StoppedEvent;
          if (e.type === 'event' && e.event === 'stopped') seen.push(e);
        },
      }),
    });
    const next = (reason: string) => waitFor(`a "${reason}" stop`, () => seen.find((e) => e.body.reason === reason));
    let breakpoint: vscode.SourceBreakpoint | undefined;
    try {
      await api();
      // A launch asks in a modal dialog before it drops a run's unsaved iterations: start from a
      // fresh, untrained run, and leave one behind for the suites after (this one trains).
      await train({ dataset: 'demo', config: SMALL, paused: true });
      assert.ok(await vscode.debug.startDebugging(undefined, LAUNCH), 'the nlm debug session starts');
      const entry = await next('entry');
      const session = vscode.debug.activeDebugSession;
      assert.ok(session && session.type === 'nlm');

      const doc = await openIteration();
      await waitFor('the LSTM iteration document', () => /bptt2/.test(doc.getText()));
      const loop = [...Array(doc.lineCount).keys()].find((i) => /^for t = 3…1, backward through time:/.test(doc.lineAt(i).text));
      assert.ok(loop !== undefined, doc.getText());
      breakpoint = new vscode.SourceBreakpoint(new vscode.Location(doc.uri, new vscode.Position(loop, 0)), true, 't == 2 && step >= 300');
      vscode.debug.addBreakpoints([breakpoint]);
      await new Promise((r) => setTimeout(r, 500));
      await session.customRequest('continue', { threadId: entry.body.threadId });
      const stop = await next('breakpoint');

      const { stackFrames } = (await session.customRequest('stackTrace', { threadId: stop.body.threadId })) as DebugProtocol.StackTraceResponse['body'];
      assert.deepStrictEqual(
        stackFrames.slice(0, 2).map((f) => [f.name, f.line]),
        [
          ['bptt2', loop + 3],
          ['time step t = 2 of 3 · backward through time', loop + 1],
        ],
      );
      const watch = async (expression: string) =>
        ((await session.customRequest('evaluate', { expression, context: 'watch', frameId: stackFrames[0].id })) as DebugProtocol.EvaluateResponse['body']).result;
      assert.strictEqual(await watch('t'), '2');
      assert.strictEqual(await watch('step'), '300');
      // The watch: the gradient at time step 1 (dH1), by its time step.
      assert.strictEqual(await watch('norm(dh[1])'), await watch('norm(dH1)'));
      assert.ok(Number(await watch('norm(dH[t])')) > 0, 'dH2 is computed before bptt2 runs');

      const { scopes } = (await session.customRequest('scopes', { frameId: stackFrames[0].id })) as DebugProtocol.ScopesResponse['body'];
      const activations = scopes.find((s) => s.name === 'Activations')!;
      const { variables } = (await session.customRequest('variables', { variablesReference: activations.variablesReference })) as DebugProtocol.VariablesResponse['body'];
      for (const t of [1, 2, 3]) {
        for (const n of ['I', 'F', 'G', 'O', 'C', 'H']) {
          const v = variables.find((x) => x.name === `${n}${t}`);
          assert.ok(v, `${n}${t} in ${variables.map((x) => x.name).join(', ')}`);
          assert.match(v.value, /^\[50×16\] μ=/);
        }
      }
      await harness('/screenshot', { name: 'debug-lstm-t2' });

      if (process.env.VSCODE_HARNESS_URL) {
        await vscode.commands.executeCommand('workbench.action.closePanel');
        await vscode.commands.executeCommand('nlm.showDashboard');
        // innerText leaves out hidden cards: the caption shows only when the card does.
        await harness('/webviews', { waitForText: 'Saturated means input gate I, forget gate F, output gate O: below 0.01 or above 0.99', timeoutMs: 30000 });
        await harness('/screenshot', { name: 'debug-lstm-gate-saturation', scrollTo: 'Gate saturation' });
      }
      await stopSession(session);
      await train({ dataset: 'demo', config: SMALL, paused: true });
    } finally {
      tracker.dispose();
      if (breakpoint) vscode.debug.removeBreakpoints([breakpoint]);
    }
  });
});
