// `attach`: the adapter takes the run that is already loaded (what F5 does in VS Code after NLM:
// Train) without reloading it: same model, data, settings and cursor. The adapter runs in this
// process over a socket, on a RunController shared with the test, the way the extension shares
// its run with the inline adapter.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ITERATION_URI, renderIteration } from '../../src/extension/debug/iterationDocument';
import { NlmDebugSession } from '../../src/extension/debug/nlmDebugSession';
import type { RunInfo, StoppedEvent } from '../../src/extension/protocol';
import { RunController } from '../../src/extension/session/runController';
import { TrainingSession } from '../../src/extension/session/trainingSession';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CONFIG = { hiddenUnits: 32, batchSize: 50, epochs: 3, seed: 3 };
const THREAD = 1;
const ATTACH = { type: 'nlm', request: 'attach', name: 'attach' } as DebugProtocol.AttachRequestArguments;

function nextStop(run: RunController): Promise<StoppedEvent> {
  return new Promise((resolve) => run.once('stopped', resolve));
}

describe('attach: debugging the run that is already loaded', () => {
  const run = new RunController(new TrainingSession(path.join(ROOT, 'dist', 'trainingWorker.js')));
  let server: net.Server;
  let port = 0;
  let info: RunInfo;
  let loads = 0;
  run.on('run', () => loads++);

  before(async () => {
    server = net.createServer((socket) => {
      const session = new NlmDebugSession(run, { ownsRun: false, referencedSource: false });
      session.setRunAsServer(true);
      session.start(socket, socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
    // A run as NLM: Train leaves it: trained a few iterations, then paused mid-iteration.
    info = await run.load({ kind: 'load', dataset: { path: 'demo' }, config: CONFIG });
    for (let i = 0; i < 3; i++) {
      const stopped = nextStop(run);
      await run.request({ kind: 'step', unit: 'iteration' });
      await stopped;
    }
    const stopped = nextStop(run);
    await run.request({ kind: 'step', unit: 'phase' });
    await stopped;
  });

  after(async () => {
    server.close();
    await run.dispose();
  });

  async function attach(dc: DebugClient, configure: () => Promise<unknown> = async () => undefined): Promise<DebugProtocol.StoppedEvent> {
    const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await Promise.all([dc.waitForEvent('initialized').then(configure).then(() => dc.configurationDoneRequest()), dc.attachRequest(ATTACH)]);
    return stopped;
  }

  test('with no breakpoint it stops where the run stands: same steps, cursor and weights, nothing reloaded', async () => {
    const W1 = await run.request({ kind: 'tensor', name: 'W1' });
    const dc = new DebugClient('node', '', 'nlm');
    dc.defaultTimeout = 30000;
    await dc.start(port);
    try {
      const stop = await attach(dc);
      assert.equal(stop.body.reason, 'entry');
      const frames = (await dc.stackTraceRequest({ threadId: THREAD })).body.stackFrames;
      assert.equal(frames[0].name, info.phases[1].name, 'the phase after the one just stepped');
      assert.equal(frames[1].name, `batch 4 of ${info.batchesPerEpoch}`);
      assert.equal(frames[2].name, 'epoch 1 of 3');
      assert.equal(frames[0].source?.path, ITERATION_URI);
      assert.equal(frames[0].line, renderIteration(info).phaseLines.get(info.phases[1].name));
      const step = await dc.evaluateRequest({ expression: 'step', context: 'watch' });
      assert.equal(step.body.result, '3');
      const now = await run.request({ kind: 'tensor', name: 'W1' });
      assert.deepEqual(now.values, W1.values, 'the trained weights, not fresh ones');
      assert.equal(loads, 1, 'no run was loaded');
      assert.equal(run.info, info);
    } finally {
      await dc.disconnectRequest({});
      await dc.stop();
    }
    assert.equal(run.info, info, 'disconnecting leaves the run loaded');
    assert.equal(run.state, 'paused');
  });

  test('attached to a running run with no breakpoint, it pauses the run where it is', async () => {
    await run.request({ kind: 'run' });
    const dc = new DebugClient('node', '', 'nlm');
    dc.defaultTimeout = 30000;
    await dc.start(port);
    try {
      const stop = await attach(dc);
      assert.equal(stop.body.reason, 'pause');
      assert.equal(run.state, 'paused');
      assert.equal(loads, 1);
    } finally {
      await dc.disconnectRequest({});
      await dc.stop();
    }
  });

  test('with a breakpoint it runs on to it in the same iteration; stepping goes on from there', async () => {
    const before = (await run.request({ kind: 'status' })).cursor;
    const dW3 = info.phases.findIndex((p) => p.name === 'dW3');
    const expected = String(before.phase <= dW3 ? before.steps : before.steps + 1);
    const dc = new DebugClient('node', '', 'nlm');
    dc.defaultTimeout = 30000;
    await dc.start(port);
    try {
      const doc = renderIteration(info);
      const stop = await attach(dc, () => dc.setBreakpointsRequest({ source: { path: ITERATION_URI }, breakpoints: [{ line: doc.phaseLines.get('dW3')! }] }));
      assert.equal(stop.body.reason, 'breakpoint');
      const [frame] = (await dc.stackTraceRequest({ threadId: THREAD })).body.stackFrames;
      assert.equal(frame.name, 'dW3');
      assert.equal((await dc.evaluateRequest({ expression: 'step', context: 'watch' })).body.result, expected, 'on from where the run stood');
      const next = dc.waitForEvent('stopped');
      await dc.nextRequest({ threadId: THREAD });
      await next;
      assert.equal((await dc.stackTraceRequest({ threadId: THREAD })).body.stackFrames[0].name, 'dH');
      assert.equal(loads, 1);
    } finally {
      await dc.disconnectRequest({});
      await dc.stop();
    }
    // The session's breakpoints went with it: the run trains on without stopping at dW3.
    const stopped = nextStop(run);
    await run.request({ kind: 'step', unit: 'iteration' });
    assert.equal((await stopped).reason, 'step');
  });
});
