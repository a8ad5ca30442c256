// Protocol test of the standalone adapter on an LSTM: a breakpoint on the line of the backward
// time loop with the condition `t == 2` stops before time step 2 of backpropagation through time;
// the stack says which time step (a frame of its own, on the loop's line); watches read `t` and the
// gates of a step.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { jsKernels } from '../../src/engine/kernels';
import { ITERATION_URI, renderIteration } from '../../src/extension/debug/iterationDocument';
import { SessionCore } from '../../src/extension/worker/sessionCore';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CONFIG = { model: 'lstm', embeddingDim: 8, hiddenUnits: 16, batchSize: 50, epochs: 1 } as const;
const THREAD = 1;
const info = new SessionCore(() => undefined, () => jsKernels, () => undefined).handle({ kind: 'load', dataset: { path: 'demo' }, config: CONFIG });
const doc = renderIteration(info);
const source = { path: ITERATION_URI, name: 'iteration.nlm' };

describe('standalone adapter: the time loops of an LSTM iteration', () => {
  const dc = new DebugClient('node', path.join(ROOT, 'dist', 'debugAdapter.js'), 'nlm', { env: { ...process.env, NLM_KERNELS: 'js' } }, true);
  dc.defaultTimeout = 30000;
  before(() => dc.start());
  after(() => dc.stop());

  test('`t == 2` on the backward loop stops at bptt2; the stack names the time step', async () => {
    const loopLine = doc.loopLines.get('bptt2')!;
    const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await Promise.all([
      dc
        .waitForEvent('initialized')
        .then(() => dc.setBreakpointsRequest({ source, breakpoints: [{ line: loopLine, condition: 't == 2' }] }))
        .then((set) => {
          assert.equal(set.body.breakpoints[0].verified, true, set.body.breakpoints[0].message);
          assert.equal(set.body.breakpoints[0].line, loopLine, 'it stays on the loop line');
        })
        .then(() => dc.configurationDoneRequest()),
      dc.launch({ type: 'nlm', request: 'launch', name: 'lstm', dataset: 'demo', ...CONFIG } as DebugProtocol.LaunchRequestArguments),
    ]);
    const stop = await stopped;
    assert.equal(stop.body.reason, 'breakpoint');
    const frames = (await dc.stackTraceRequest({ threadId: THREAD })).body.stackFrames;
    assert.deepEqual(
      frames.map((f) => [f.name, f.line]),
      [
        ['bptt2', doc.phaseLines.get('bptt2')],
        ['time step t = 2 of 3 · backward through time', loopLine],
        [`batch 1 of ${info.batchesPerEpoch}`, doc.phaseLines.get('step1')],
        ['epoch 1 of 1', 1],
      ],
    );
    const watch = async (expression: string) => (await dc.evaluateRequest({ expression, context: 'watch', frameId: frames[0].id })).body.result;
    assert.equal(await watch('t'), '2');
    assert.ok(Number(await watch('mean(F2)')) > 0, 'the forget gate of step 2');
    assert.ok(Number(await watch('norm(dH2)')) > 0);
    // F10 runs the time step; the next one is t = 1, on the same loop.
    const next = dc.waitForEvent('stopped');
    await dc.nextRequest({ threadId: THREAD });
    await next;
    const after = (await dc.stackTraceRequest({ threadId: THREAD })).body.stackFrames;
    assert.deepEqual(after.slice(0, 2).map((f) => f.name), ['bptt1', 'time step t = 1 of 3 · backward through time']);
  });
});
