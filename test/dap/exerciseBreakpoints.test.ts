// Breakpoints in an exercise file (.nlmx) through the standalone adapter: a tensor's line stops
// before the phase that writes it, a comment line moves down to the next tensor, the stop shows
// the exercise file's line, and the iteration document's breakpoints still hold beside them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { newExercise } from '../../src/engine/exercise/exerciseFile';
import { jsKernels } from '../../src/engine/kernels';
import { ITERATION_URI, renderIteration } from '../../src/extension/debug/iterationDocument';
import { SessionCore } from '../../src/extension/worker/sessionCore';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CONFIG = { hiddenUnits: 32, batchSize: 50, epochs: 2, seed: 7 };
const THREAD = 1;

const info = new SessionCore(() => undefined, () => jsKernels, () => undefined).handle({ kind: 'load', dataset: { path: 'demo' }, config: CONFIG });
const iteration = renderIteration(info);
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-dap-')), 'backward.nlmx');
const text = newExercise({ model: 'mlp', activation: 'sigmoid' }, 'backward');
fs.writeFileSync(file, text);
const lines = text.split('\n');
const lineOf = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix)) + 1;

async function stopAfter(dc: DebugClient, request: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await request();
  return stopped;
}

describe('standalone adapter: breakpoints in an exercise file', () => {
  const dc = new DebugClient('node', path.join(ROOT, 'dist', 'debugAdapter.js'), 'nlm', { env: { ...process.env, NLM_KERNELS: 'js' } }, true);
  dc.defaultTimeout = 30000;
  before(() => dc.start());
  after(() => dc.stop());

  test('exercise lines stop before their phase and show the file’s line; the iteration document’s breakpoints stay', async () => {
    const entry = dc.waitForEvent('stopped');
    const args = { type: 'nlm', request: 'launch', name: 'test', dataset: 'demo', stopOnEntry: true, ...CONFIG } as DebugProtocol.LaunchRequestArguments;
    await Promise.all([dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()), dc.launch(args)]);
    await entry;

    const source = { path: file, name: 'backward.nlmx' };
    // The comment above `dH = ` moves down to it.
    const set = await dc.setBreakpointsRequest({ source, breakpoints: [{ line: lineOf('dW3 =') }, { line: lineOf('# phase dH') }] });
    assert.deepEqual(set.body.breakpoints.map((b) => [b.verified, b.line, b.source?.path]), [
      [true, lineOf('dW3 ='), file],
      [true, lineOf('dH ='), file],
    ]);
    const onIteration = await dc.setBreakpointsRequest({ source: { path: ITERATION_URI }, breakpoints: [{ line: iteration.phaseLines.get('dE')! }] });
    assert.ok(onIteration.body.breakpoints[0].verified);

    for (const [phase, id, line] of [
      ['dW3', set.body.breakpoints[0].id, lineOf('dW3 =')],
      ['dH', set.body.breakpoints[1].id, lineOf('dH =')],
      ['dE', onIteration.body.breakpoints[0].id, lineOf('dE =')],
    ] as const) {
      const stop = await stopAfter(dc, () => dc.continueRequest({ threadId: THREAD }));
      assert.equal(stop.body.reason, 'breakpoint');
      assert.deepEqual(stop.body.hitBreakpointIds, [id]);
      const [top, batch] = (await dc.stackTraceRequest({ threadId: THREAD })).body.stackFrames;
      assert.deepEqual([top.name, top.source?.path, top.line], [phase, file, line]);
      assert.equal(batch.source?.path, ITERATION_URI);
    }

    // Cleared, the file's lines no longer stop the run; the iteration document's breakpoint does.
    await dc.setBreakpointsRequest({ source, breakpoints: [] });
    const stop = await stopAfter(dc, () => dc.continueRequest({ threadId: THREAD }));
    assert.deepEqual(stop.body.hitBreakpointIds, [onIteration.body.breakpoints[0].id]);
    const [top] = (await dc.stackTraceRequest({ threadId: THREAD })).body.stackFrames;
    assert.deepEqual([top.name, top.source?.path], ['dE', ITERATION_URI]);
  });
});
