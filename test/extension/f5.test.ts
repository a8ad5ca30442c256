/// <reference types="mocha" />
// F5 (workbench.action.debug.start) in a workspace without a launch.json, as a student presses it
// on the iteration document: it debugs the run NLM: Train left (attach: same model, data, settings
// and cursor), runs straight to a breakpoint, and with no run loaded starts one from the nlm.*
// settings on the dataset last chosen. A launch configuration replaces a saved run without asking.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ReplyResult, RunInfo } from '../../src/extension/protocol';
import { api, harness, lineOf, openIteration, SMALL, tempDir, stopSession, train, waitFor } from './helpers';

/** Every `stopped` event the nlm adapter sends while this is registered, in order. */
function recordStops(): { reasons: string[]; next(): Promise<DebugProtocol.StoppedEvent>; dispose(): void } {
  const reasons: string[] = [];
  const waiting: ((e: DebugProtocol.StoppedEvent) => void)[] = [];
  const registration = vscode.debug.registerDebugAdapterTrackerFactory('nlm', {
    createDebugAdapterTracker: () => ({
      onDidSendMessage: (m: DebugProtocol.ProtocolMessage) => {
        const e = m as DebugProtocol.StoppedEvent;
        if (e.type !== 'event' || e.event !== 'stopped') return;
        reasons.push(e.body.reason);
        waiting.shift()?.(e);
      },
    }),
  });
  return { reasons, next: () => new Promise((resolve) => waiting.push(resolve)), dispose: () => registration.dispose() };
}


/** F5: the command the key runs, with the iteration document active and no launch.json. */
async function pressF5(): Promise<vscode.DebugSession> {
  const started = new Promise<vscode.DebugSession>((resolve) => {
    const d = vscode.debug.onDidStartDebugSession((s) => {
      d.dispose();
      resolve(s);
    });
  });
  await vscode.commands.executeCommand('workbench.action.debug.start');
  return started;
}

async function evaluate(session: vscode.DebugSession, expression: string, context = 'watch'): Promise<DebugProtocol.EvaluateResponse['body']> {
  return session.customRequest('evaluate', { expression, context });
}

/** A small raw-text corpus (one sentence per line), so the remembered dataset is not the demo. */
function writeCorpus(dir: string): string {
  const subjects = ['the cat', 'a dog', 'my friend', 'the teacher', 'our neighbour'];
  const verbs = ['saw', 'liked', 'found', 'painted'];
  const objects = ['the house', 'a red car', 'the old tree', 'my book', 'their garden'];
  const lines: string[] = [];
  for (const s of subjects) for (const v of verbs) for (const o of objects) lines.push(`${s} ${v} ${o} today .`);
  const file = path.join(dir, 'sentences.txt');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

suite('F5 without a launch.json', () => {
  const dir = tempDir();

  test('after NLM: Train, F5 debugs that run: same steps and cursor, straight to the dW3 breakpoint, Run and Debug shown', async function () {
    this.timeout(120000);
    const { run } = await api();
    const info = await train({ dataset: 'demo', config: { ...SMALL, epochs: 50 } });
    await waitFor('some training', () => run.state === 'running' && (run.snapshot?.cursor.steps ?? 0) > 20);
    await vscode.commands.executeCommand('nlm.pause');
    await waitFor('paused', () => run.state === 'paused');
    const paused = (await run.request({ kind: 'status' })).cursor;
    // The breakpoint is hit in this iteration, or the next one when the pause came after dW3.
    const steps = paused.phase <= info.phases.findIndex((p) => p.name === 'dW3') ? paused.steps : paused.steps + 1;
    const W1 = await run.request({ kind: 'tensor', name: 'W1' });
    const doc = await openIteration();
    const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(doc.uri, new vscode.Position(lineOf(doc, 'dW3'), 0)));
    vscode.debug.addBreakpoints([breakpoint]);
    const stops = recordStops();
    try {
      const hit = stops.next();
      const session = await pressF5();
      assert.strictEqual(session.configuration.request, 'attach');
      const stop = await hit;
      assert.deepStrictEqual(stops.reasons, ['breakpoint'], 'no stop on entry before the breakpoint');
      const { stackFrames } = (await session.customRequest('stackTrace', { threadId: stop.body.threadId })) as DebugProtocol.StackTraceResponse['body'];
      assert.strictEqual(stackFrames[0].name, 'dW3');
      assert.strictEqual(run.info, info, 'the run was not reloaded');
      assert.strictEqual((await evaluate(session, 'step')).result, String(steps), 'on from where it was paused: not reset');
      assert.ok(steps > 20);
      const W1now = await run.request({ kind: 'tensor', name: 'W1' });
      assert.deepStrictEqual(W1now.values, W1.values, 'the trained weights');

      // dW3 still holds the previous iteration's gradient, and says so.
      const dW3 = await evaluate(session, 'dW3', 'hover');
      assert.match(dW3.result, new RegExp(`^dW3 not computed yet in this iteration \\(dW3 has not run\\) — value of iteration ${steps} · \\[32×\\d+\\] μ=`));
      // The debug hover carries the statistics and the histogram as children.
      const children = (await session.customRequest('variables', { variablesReference: dW3.variablesReference, filter: 'named' })) as DebugProtocol.VariablesResponse['body'];
      assert.deepStrictEqual(
        children.variables.map((v) => v.name),
        ['⚠ this iteration', 'shape', 'μ mean', 'σ std', 'min', 'max', '‖·‖ L2 norm', 'histogram'],
      );

      if (process.env.VSCODE_HARNESS_URL) {
        // The dashboard's heatmap caption says the same.
        await vscode.commands.executeCommand('nlm.inspectWeights', 'dW3');
        const shown = (await harness('/webviews', { waitForText: 'not computed yet in this iteration', timeoutMs: 30000 })) as { frames?: { text: string }[] };
        assert.ok(shown.frames?.some((f) => f.text.includes(`(dW3 has not run) — value of iteration ${steps}`)), JSON.stringify(shown).slice(0, 500));
        await harness('/screenshot', { name: 'debug-f5-heatmap-dW3' });
      }
      await harness('/screenshot', { name: 'debug-f5-attached' });
      await stopSession(session);
      assert.strictEqual(run.info, info, 'stopping the debugger leaves the run loaded');
      assert.strictEqual(run.state, 'paused');
    } finally {
      stops.dispose();
      vscode.debug.removeBreakpoints([breakpoint]);
    }
  });

  test('with no run loaded, F5 starts one from the nlm.* settings on the dataset last chosen in NLM: Train', async function () {
    this.timeout(120000);
    const { run } = await api();
    const corpus = writeCorpus(dir);
    await train({ dataset: corpus, config: SMALL, paused: true });
    // No run loaded: the worker is gone (as after a crash), the chosen dataset is remembered.
    const crashed = new Promise((resolve) => run.once('crashed', resolve));
    await (run as unknown as { session: { worker: { terminate(): Promise<number> } } }).session.worker.terminate();
    await crashed;
    assert.strictEqual(run.info, undefined);
    const settings = vscode.workspace.getConfiguration('nlm');
    await settings.update('epochs', 3, vscode.ConfigurationTarget.Workspace);
    await settings.update('hiddenUnits', 24, vscode.ConfigurationTarget.Workspace);
    const stops = recordStops();
    try {
      await openIteration();
      const entry = stops.next();
      const session = await pressF5();
      assert.strictEqual(session.configuration.request, 'launch');
      assert.strictEqual((await entry).body.reason, 'entry', 'no breakpoint set: stops at once');
      const info = run.info as RunInfo | undefined;
      assert.ok(info);
      assert.strictEqual(info.dataset.source, corpus);
      assert.strictEqual(info.config.epochs, 3, 'nlm.epochs');
      assert.strictEqual(info.config.hiddenUnits, 24, 'nlm.hiddenUnits');
      await stopSession(session);
    } finally {
      stops.dispose();
      await settings.update('epochs', undefined, vscode.ConfigurationTarget.Workspace);
      await settings.update('hiddenUnits', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('a launch configuration replaces a run whose iterations are saved without asking', async function () {
    this.timeout(120000);
    const { run } = await api();
    const before = await train({ dataset: 'demo', config: SMALL, paused: true });
    const stepped = new Promise((resolve) => run.once('stopped', resolve));
    await vscode.commands.executeCommand('nlm.stepMiniBatch');
    await stepped;
    await waitFor('the step in the snapshot', () => run.unsavedSteps === 1);
    await vscode.commands.executeCommand<ReplyResult['save']>('nlm.saveModel', path.join(dir, 'saved.safetensors'));
    assert.strictEqual(run.unsavedSteps, 0);
    const stops = recordStops();
    try {
      const entry = stops.next();
      const launch = { type: 'nlm', request: 'launch', name: 'replace', dataset: 'demo', stopOnEntry: true, ...SMALL };
      assert.ok(await vscode.debug.startDebugging(undefined, launch), 'started without a question');
      await entry;
      assert.notStrictEqual(run.info, before, 'a new run');
      await stopSession(vscode.debug.activeDebugSession!);
    } finally {
      stops.dispose();
    }
  });
});
