/// <reference types="mocha" />
// In a real VS Code extension host: the debug toolbar's Reverse Continue and Step Back (their
// commands, as the buttons run them) take the `nlm` session back to iteration 1's dW3 line with
// the values it showed there, VS Code shows the thread stopped afterwards, and NLM: Rewind to Step
// and NLM: Back to the Present move the shared run.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Cursor } from '../../src/extension/protocol';
import { harness, lineOf, openIteration, SMALL, stopSession, train, waitFor } from './helpers';

const LAUNCH: vscode.DebugConfiguration = {
  type: 'nlm',
  request: 'launch',
  name: 'NLM time travel test',
  dataset: 'demo',
  stopOnEntry: false,
  hiddenUnits: 32,
  batchSize: 50,
  epochs: 1,
};

/** The DAP `stopped` events the adapter sends (a tracker attaches to sessions that start after it
 *  is registered, so it is registered before the session starts). */
function stopEvents(): { after(action: () => Thenable<unknown>): Promise<DebugProtocol.StoppedEvent>; dispose(): void } {
  let waiting: ((e: DebugProtocol.StoppedEvent) => void) | undefined;
  const registration = vscode.debug.registerDebugAdapterTrackerFactory('nlm', {
    createDebugAdapterTracker: () => ({
      onDidSendMessage: (m: DebugProtocol.ProtocolMessage) => {
        const e = m as DebugProtocol.StoppedEvent;
        if (e.type === 'event' && e.event === 'stopped') waiting?.(e);
      },
    }),
  });
  return {
    /** Resolves with the next stop after `action` starts. */
    async after(action) {
      const stopped = new Promise<DebugProtocol.StoppedEvent>((resolve) => (waiting = resolve));
      await action();
      return stopped;
    },
    dispose: () => registration.dispose(),
  };
}

async function look(session: vscode.DebugSession) {
  const { stackFrames } = (await session.customRequest('stackTrace', { threadId: 1 })) as DebugProtocol.StackTraceResponse['body'];
  const evaluate = async (expression: string) =>
    ((await session.customRequest('evaluate', { expression, context: 'watch', frameId: stackFrames[0].id })) as DebugProtocol.EvaluateResponse['body']).result;
  return { frame: [stackFrames[0].name, stackFrames[0].line], normdW3: await evaluate('norm(dW3)'), W3: await evaluate('W3'), step: await evaluate('step') };
}

/** VS Code shows the training thread stopped at a frame of the iteration document (the Call Stack's selection). */
function shownStopped(): Promise<vscode.DebugStackFrame> {
  return waitFor('VS Code to show the thread stopped', () => {
    const item = vscode.debug.activeStackItem;
    return item instanceof vscode.DebugStackFrame ? item : undefined;
  }, 10000);
}

suite('NLM time travel', () => {
  test('Reverse Continue and Step Back from the toolbar: back to iteration 1 exactly; Rewind to Step and Back to the Present', async function () {
    this.timeout(90000);
    // A fresh, untrained run: the suites before may leave one with unsaved iterations, which a
    // launch would first ask about in a modal dialog.
    await train({ dataset: 'demo', config: SMALL, paused: true });
    const doc = await openIteration();
    const line = lineOf(doc, 'dW3');
    const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(doc.uri, new vscode.Position(line, 0)));
    vscode.debug.addBreakpoints([breakpoint]);
    const stops = stopEvents();
    const stopAfter = (action: () => Thenable<unknown>) => stops.after(action);
    try {
      const first = await stopAfter(() => vscode.debug.startDebugging(undefined, LAUNCH));
      assert.strictEqual(first.body.reason, 'breakpoint');
      const session = vscode.debug.activeDebugSession!;
      assert.strictEqual(session.type, 'nlm');
      await shownStopped();
      const iteration1 = await look(session);
      assert.deepStrictEqual([iteration1.frame, iteration1.step], [['dW3', line + 1], '0']);

      await stopAfter(() => vscode.commands.executeCommand('workbench.action.debug.continue'));
      const iteration2 = await look(session);
      assert.strictEqual(iteration2.step, '1');
      assert.notStrictEqual(iteration2.W3, iteration1.W3);

      const reverse = await stopAfter(() => vscode.commands.executeCommand('workbench.action.debug.reverseContinue'));
      assert.strictEqual(reverse.body.reason, 'breakpoint');
      const shown = await shownStopped();
      assert.strictEqual(shown.session.id, session.id);
      assert.deepStrictEqual(await look(session), iteration1, 'iteration 1’s dW3 line, exactly as it was');

      const back = await stopAfter(() => vscode.commands.executeCommand('workbench.action.debug.stepBack'));
      assert.strictEqual(back.body.reason, 'step');
      await shownStopped();
      const dZ2 = await look(session);
      assert.deepStrictEqual(dZ2.frame, ['dZ2', lineOf(doc, 'dZ2') + 1]);
      await harness('/screenshot', { name: 'debug-step-back-dZ2' });

      await stopAfter(() => vscode.commands.executeCommand('workbench.action.debug.continue'));
      assert.deepStrictEqual(await look(session), iteration1, 'forward again: iteration 1’s dW3 line');
      await stopAfter(() => vscode.commands.executeCommand('workbench.action.debug.continue'));
      assert.deepStrictEqual(await look(session), iteration2, 'iteration 2 again: the values of the first time');

      // The command with an argument (as the dashboard's curve clicks run it), then back.
      const rewound = await stopAfter(() => vscode.commands.executeCommand<Cursor>('nlm.rewindToStep', 1));
      assert.strictEqual(rewound.body.reason, 'step');
      assert.strictEqual((await look(session)).step, '1');
      await stopAfter(() => vscode.commands.executeCommand('nlm.backToPresent'));
      assert.deepStrictEqual(await look(session), iteration2, 'back at the present');

      await stopSession(session);
    } finally {
      stops.dispose();
      vscode.debug.removeBreakpoints([breakpoint]);
    }
  });
});
