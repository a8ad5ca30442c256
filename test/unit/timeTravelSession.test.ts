// Time travel through the worker's requests, in-process: step back, reverse continue (with and
// without conditions, across iterations and epochs), rewind and back to the present; the values
// shown after going back are those shown the first time, and the history is not counted twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pickKernels } from '../../src/engine/backend';
import { isRewound, Snapshot, StoppedEvent, WorkerEvent } from '../../src/extension/protocol';
import { RunHistory } from '../../src/extension/runHistory';
import { SessionCore } from '../../src/extension/worker/sessionCore';

function harness() {
  const events: WorkerEvent[] = [];
  const queue: (() => void)[] = [];
  // WASM kernels: whole epochs of the demo corpus run here, fast enough only there.
  const core = new SessionCore((e) => events.push(e), () => pickKernels(), (fn) => queue.push(fn));
  const drain = () => {
    while (queue.length) queue.shift()!();
  };
  const stops = () => events.flatMap((e): StoppedEvent[] => (e.kind === 'stopped' ? [e.event] : []));
  const snapshots = () => events.flatMap((e): Snapshot[] => (e.kind === 'snapshot' ? [e.snapshot] : []));
  return { core, events, drain, stops, snapshots };
}

// Exponential decay: within an epoch a changed learning rate holds exactly (cosine moves it every step).
const config = { epochs: 2, hiddenUnits: 32, batchSize: 100, seed: 7, threads: 1, schedule: 'exponential' as const };

/** What the debugger shows at a stop: the cursor, the gradient's norm and W3's statistics. */
function look(core: SessionCore) {
  return {
    cursor: core.cursor,
    normdW3: core.handle({ kind: 'evaluate', expression: 'norm(dW3)' }).text,
    W3: core.handle({ kind: 'tensor', name: 'W3' }).stats,
    dW3: core.handle({ kind: 'tensor', name: 'dW3' }).values,
    loss: core.handle({ kind: 'evaluate', expression: 'loss' }).text,
  };
}

test('reverse continue returns to the previous hit with its values; step back goes one phase; forward again gives the same values', () => {
  const { core, drain, stops } = harness();
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  core.handle({ kind: 'setBreakpoints', breakpoints: [{ id: 1, phase: 'dW3' }] });
  core.handle({ kind: 'run' });
  drain();
  const first = look(core);
  assert.equal(first.cursor.steps, 0);
  core.handle({ kind: 'run' });
  drain();
  const second = look(core);
  assert.equal(second.cursor.steps, 1);

  core.handle({ kind: 'reverseContinue' });
  const back = stops().at(-1)!;
  assert.equal(back.reason, 'breakpoint');
  assert.deepEqual(back.breakpointIds, [1]);
  assert.deepEqual(look(core), first, 'iteration 1 at dW3, exactly as shown the first time');

  core.handle({ kind: 'stepBack' });
  assert.equal(core.currentTrainer!.currentPhase.name, 'dZ2');
  assert.equal(stops().at(-1)!.reason, 'step');

  core.handle({ kind: 'run' });
  drain();
  assert.deepEqual(look(core), first, 'the dW3 line of iteration 1 again');
  core.handle({ kind: 'run' });
  drain();
  assert.deepEqual(look(core), second, 'iteration 2: the values it had the first time');
});

test('step back crosses the iteration start to the last phase of the previous iteration, and sub-steps back inside a phase', () => {
  const { core, drain } = harness();
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  assert.throws(() => core.handle({ kind: 'stepBack' }), /start of the run/);
  core.handle({ kind: 'step', unit: 'iteration' });
  drain();
  const t = core.currentTrainer!;
  core.handle({ kind: 'stepBack' });
  assert.deepEqual([t.steps, t.currentPhase.name, t.subIndex], [0, 'update', 0]);
  core.handle({ kind: 'step', unit: 'sub' });
  drain();
  core.handle({ kind: 'step', unit: 'sub' });
  drain();
  assert.equal(t.subIndex, 2);
  core.handle({ kind: 'stepBack' });
  assert.deepEqual([t.steps, t.currentPhase.name, t.subIndex], [0, 'update', 1], 'one sub-step back inside update');
});

test('a conditional breakpoint is evaluated at each earlier stop, across an epoch boundary', () => {
  const { core, drain, stops } = harness();
  const info = core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  const perEpoch = info.batchesPerEpoch;
  core.handle({ kind: 'run' });
  drain();
  const t = core.currentTrainer!;
  assert.ok(t.finished);
  const total = t.steps;
  // Only the iteration 3 steps into the first epoch's last batches matches; the run is far past it.
  const target = perEpoch - 3;
  core.handle({ kind: 'setBreakpoints', breakpoints: [{ id: 5, phase: 'dH', condition: `step == ${target}` }, { id: 6, phase: 'embed', logMessage: 'never stops' }] });
  core.handle({ kind: 'reverseContinue' });
  const s = stops().at(-1)!;
  assert.equal(s.reason, 'breakpoint');
  assert.deepEqual(s.breakpointIds, [5]);
  assert.deepEqual([t.steps, t.currentPhase.name, t.epoch], [target, 'dH', 0]);
  assert.equal(t.epochs.length, 0, 'before the first epoch ended');
  // No earlier hit: back at the earliest kept moment, the run's start.
  core.handle({ kind: 'reverseContinue' });
  assert.deepEqual([t.steps, t.phaseIndex, t.subIndex], [0, 0, 0]);
  assert.match(stops().at(-1)!.description, /no earlier breakpoint hit/);
  // And forward to the present by the same path: the same run.
  core.handle({ kind: 'setBreakpoints', breakpoints: [] });
  assert.deepEqual(core.handle({ kind: 'rewind', steps: 'present' }), { epoch: 2, batch: 0, phase: 0, sub: 0, steps: total });
  assert.equal(t.epochs.length, 2);
});

test('rewind: the snapshot shows the moment with the present beside it, replayed steps and epochs are not counted twice', () => {
  const { core, drain, snapshots, events } = harness();
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  core.handle({ kind: 'run' });
  drain();
  const t = core.currentTrainer!;
  const total = t.steps;
  const lossAt = new Map<number, number>();
  const countSteps = () => snapshots().flatMap((s) => s.steps).reduce((n, b) => n + b.count, 0);
  assert.equal(countSteps(), total);
  for (const b of snapshots().flatMap((s) => s.steps)) if (b.count === 1) lossAt.set(b.to, b.sum[0] / b.weight);

  const cursor = core.handle({ kind: 'rewind', steps: 12 });
  assert.equal(cursor.steps, 12);
  const shown = snapshots().at(-1)!;
  assert.ok(isRewound(shown), 'the snapshot is of a moment before the present');
  assert.equal(shown.timeTravel!.present.steps, total);
  assert.equal(shown.timeTravel!.earliest, 0);
  assert.ok(shown.timeTravel!.bytes <= shown.timeTravel!.budgetBytes);
  const loss = t.model.loss;
  assert.ok(Math.abs(loss - lossAt.get(12)!) < 1e-12, `the loss of step 12 (${loss}), as the curve has it (${lossAt.get(12)})`);

  const epochsBefore = events.filter((e) => e.kind === 'epoch').length;
  core.handle({ kind: 'run' });
  drain();
  assert.equal(t.steps, total + (t.finished ? 0 : 1));
  assert.equal(countSteps(), total, 'the replayed steps are in the history once');
  assert.equal(events.filter((e) => e.kind === 'epoch').length, epochsBefore, 'no epoch reported twice');
  assert.ok(!isRewound(snapshots().at(-1)!));
});

test('rewinding beyond the present or to a bad step is a clear error', () => {
  const { core, drain } = harness();
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  core.handle({ kind: 'step', unit: 'iteration' });
  drain();
  assert.throws(() => core.handle({ kind: 'rewind', steps: 5 }), /beyond the present \(step 1\)/);
  assert.throws(() => core.handle({ kind: 'rewind', steps: -1 }), /whole number/);
  // Refused while training runs: the run stops where it is instead of hanging in "running".
  core.handle({ kind: 'run' });
  assert.equal(core.runState, 'running');
  assert.throws(() => core.handle({ kind: 'rewind', steps: 99999 }), /beyond the present/);
  assert.equal(core.runState, 'paused');
});

test('a changed learning rate at a rewound moment branches the run: its future and history after it go, training goes on from there', () => {
  const { core, drain, events } = harness();
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  const iterations = (n: number) => {
    for (let i = 0; i < n; i++) {
      core.handle({ kind: 'step', unit: 'iteration' });
      drain();
    }
  };
  iterations(30);
  core.handle({ kind: 'setLearningRate', lr: 0.004 });
  assert.equal(events.filter((e) => e.kind === 'branched').length, 0, 'at the present, nothing is dropped');
  core.handle({ kind: 'rewind', steps: 12 });
  core.handle({ kind: 'setLearningRate', lr: 0.001 });
  assert.deepEqual(events.filter((e) => e.kind === 'branched'), [{ kind: 'branched', steps: 12 }]);
  const t = core.currentTrainer!;
  assert.equal(t.optimizer.lr, 0.001);
  assert.throws(() => core.handle({ kind: 'rewind', steps: 20 }), /beyond the present \(step 12\)/);
  assert.throws(() => core.handle({ kind: 'setLearningRate', lr: 0 }), /above 0/);
  // The lr setting's bounds (SGD at lr 20 is the token-stream recipe's), not a tighter cap.
  assert.throws(() => core.handle({ kind: 'setLearningRate', lr: 2000 }), /at most 1000 \(got 2000\)/);
  iterations(3);
  // The host's curves, folded as RunController folds them: cut at the branch, then the new steps.
  let history = new RunHistory();
  for (const e of events) {
    if (e.kind === 'snapshot') history.addSnapshot(e.snapshot);
    if (e.kind === 'branched') history = history.truncated(e.steps);
  }
  const buckets = history.steps.buckets;
  assert.equal(buckets.reduce((n, b) => n + b.count, 0), 15, 'steps 1–12 of the original, 13–15 of the branch');
  assert.equal(buckets.at(-1)!.to, 15);
  const snapshot = events.flatMap((e) => (e.kind === 'snapshot' ? [e.snapshot] : [])).at(-1)!;
  assert.equal(snapshot.timeTravel!.present.steps, 15);
  assert.equal(snapshot.lr, 0.001);
  // The branch is what time travel goes back through now.
  core.handle({ kind: 'rewind', steps: 13 });
  assert.equal(t.optimizer.lr, 0.001);
  const atPresent = (core.handle({ kind: 'rewind', steps: 'present' }), core.handle({ kind: 'tensor', name: 'W3' }).values);
  // Training forward from before the branch point (not a seek) takes the branch there too.
  core.handle({ kind: 'rewind', steps: 5 });
  assert.equal(t.optimizer.lr, 0.005);
  iterations(10);
  assert.equal(t.optimizer.lr, 0.001);
  assert.deepEqual(core.handle({ kind: 'tensor', name: 'W3' }).values, atPresent, 'the branch’s W3 at step 15');
});

test('a branch point inside an iteration: training forward through it runs that iteration sub-step by sub-step and takes it', () => {
  const { core, drain } = harness();
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  const t = core.currentTrainer!;
  for (let i = 0; i < 8; i++) {
    core.handle({ kind: 'step', unit: 'iteration' });
    drain();
  }
  core.handle({ kind: 'rewind', steps: 4 });
  for (let i = 0; i < 5; i++) {
    core.handle({ kind: 'step', unit: 'phase' });
    drain();
  }
  core.handle({ kind: 'setLearningRate', lr: 0.002 });
  core.handle({ kind: 'step', unit: 'iteration' });
  drain();
  core.handle({ kind: 'step', unit: 'iteration' });
  drain();
  const branched = core.handle({ kind: 'tensor', name: 'W1' }).values;
  assert.equal(t.steps, 6);
  core.handle({ kind: 'rewind', steps: 2 });
  // Whole iterations, which run fused unless a branch point lies inside one.
  for (let i = 0; i < 4; i++) {
    core.handle({ kind: 'step', unit: 'iteration' });
    drain();
  }
  assert.equal(t.steps, 6);
  assert.equal(t.optimizer.lr, 0.002);
  assert.deepEqual(core.handle({ kind: 'tensor', name: 'W1' }).values, branched);
});
