// What a debugger attaching to a run relies on in the worker: where the run stands (status), a
// run that trained all its epochs can still be stepped, and a new run starts without the last
// debug session's exception filters (which would make it train phase by phase).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsKernels } from '../../src/engine/kernels';
import type { WorkerEvent } from '../../src/extension/protocol';
import { SessionCore } from '../../src/extension/worker/sessionCore';

function harness() {
  const events: WorkerEvent[] = [];
  const queue: (() => void)[] = [];
  const core = new SessionCore((e) => events.push(e), () => jsKernels, (fn) => queue.push(fn));
  const drain = () => {
    while (queue.length) queue.shift()!();
  };
  return { core, events, drain };
}

const config = { epochs: 1, hiddenUnits: 8, batchSize: 2000 };

test('status tells the state and the cursor; a run that trained all its epochs is stepped into one more', () => {
  const { core, events, drain } = harness();
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  core.handle({ kind: 'step', unit: 'phase' });
  drain();
  assert.deepEqual(core.handle({ kind: 'status' }), { state: 'paused', cursor: { epoch: 0, batch: 0, phase: 1, sub: 0, steps: 0 }, trainedOut: false });
  core.handle({ kind: 'run' });
  drain();
  const done = core.handle({ kind: 'status' });
  assert.equal(done.state, 'finished');
  assert.equal(done.trainedOut, true);
  const steps = done.cursor.steps;
  core.handle({ kind: 'step', unit: 'iteration' });
  drain();
  const after = core.handle({ kind: 'status' });
  assert.equal(after.cursor.steps, steps + 1, 'one more iteration');
  assert.equal(after.trainedOut, false);
  assert.ok(events.some((e) => e.kind === 'log' && /had finished its 1 epochs: training one more \(epoch 2\)/.test(e.message)));
});

test('loading a run clears the exception filters of an earlier debug session', () => {
  const { core, drain } = harness();
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  core.handle({ kind: 'setExceptionFilters', filters: { nan: true } });
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  const t = core.currentTrainer!;
  let subSteps = 0;
  const stepSub = t.stepSub.bind(t);
  t.stepSub = () => (subSteps++, stepSub());
  core.handle({ kind: 'step', unit: 'iteration' });
  drain();
  assert.equal(t.steps, 1);
  assert.equal(subSteps, 0, 'the iteration ran whole, not phase by phase');
});
