// The worker's logic driven in-process: the same requests the extension and debugger send.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsKernels } from '../../src/engine/kernels';
import { Trainer } from '../../src/engine/trainer';
import { demoDataset } from '../../src/engine/data/demo';
import type { StoppedEvent, WorkerEvent } from '../../src/extension/protocol';
import { LOSS } from '../../src/extension/runHistory';
import { SessionCore } from '../../src/extension/worker/sessionCore';

/** A core whose time slices run when the test drains them, so every test is deterministic. */
function harness() {
  const events: WorkerEvent[] = [];
  const queue: (() => void)[] = [];
  const core = new SessionCore((e) => events.push(e), () => jsKernels, (fn) => queue.push(fn));
  const drain = (max = 100000) => {
    for (let i = 0; i < max && queue.length; i++) queue.shift()!();
  };
  const stops = () => events.filter((e): e is { kind: 'stopped'; event: StoppedEvent } => e.kind === 'stopped').map((e) => e.event);
  return { core, events, drain, stops };
}

const config = { epochs: 1, hiddenUnits: 32, batchSize: 50 };

test('load describes the run: phases with math, parameters, word axes', () => {
  const { core } = harness();
  const info = core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  assert.equal(info.phases[0].name, 'embed');
  assert.equal(info.phases.at(-1)!.name, 'update');
  assert.deepEqual(info.params.map((p) => p.name), ['W1', 'W2', 'b1', 'W3', 'b2']);
  assert.deepEqual(info.params[0].shape, [info.vocab.length, 16]);
  assert.deepEqual(info.wordAxes.W3, [1]);
  assert.equal(core.runState, 'paused');
});

test('a breakpoint stops before its phase; the next run leaves it and stops there again one iteration later', () => {
  const { core, drain, stops } = harness();
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  const [bp] = core.handle({ kind: 'setBreakpoints', breakpoints: [{ id: 1, phase: 'dW3' }] });
  assert.ok(bp.verified);
  core.handle({ kind: 'run' });
  drain();
  let s = stops().at(-1)!;
  assert.equal(s.reason, 'breakpoint');
  assert.deepEqual(s.breakpointIds, [1]);
  assert.equal(core.currentTrainer!.currentPhase.name, 'dW3');
  assert.equal(s.cursor.steps, 0);
  core.handle({ kind: 'run' });
  drain();
  s = stops().at(-1)!;
  assert.equal(s.cursor.steps, 1);
  assert.equal(core.currentTrainer!.currentPhase.name, 'dW3');
});

test('step units: sub, phase, iteration', () => {
  const { core, drain } = harness();
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  const t = core.currentTrainer!;
  core.handle({ kind: 'step', unit: 'sub' });
  drain();
  assert.deepEqual([t.phaseIndex, t.subIndex], [0, 1], 'one context position of embed');
  core.handle({ kind: 'step', unit: 'phase' });
  drain();
  assert.deepEqual([t.phaseIndex, t.subIndex], [1, 0], 'rest of embed');
  core.handle({ kind: 'step', unit: 'iteration' });
  drain();
  assert.deepEqual([t.steps, t.phaseIndex, t.subIndex], [1, 0, 0]);
});

test('conditional breakpoints, hit counts and logpoints', () => {
  const { core, drain, stops, events } = harness();
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  const replies = core.handle({
    kind: 'setBreakpoints',
    breakpoints: [
      { id: 1, phase: 'dZ2', condition: 'loss < 4.5' },
      { id: 2, phase: 'update', logMessage: 'step {step} loss {loss}' },
      { id: 3, phase: 'embed', condition: 'loss <' },
      { id: 4, phase: 'nowhere' },
    ],
  });
  assert.deepEqual(replies.map((r) => r.verified), [true, true, false, false]);
  assert.match(replies[2].message!, /condition/);
  core.handle({ kind: 'run' });
  drain();
  const s = stops().at(-1)!;
  assert.equal(s.reason, 'breakpoint');
  assert.ok(core.currentTrainer!.model.loss < 4.5);
  const logs = events.filter((e) => e.kind === 'log');
  assert.ok(logs.length >= 1 && logs.every((e) => e.kind === 'log' && /^step \d+ loss \d/.test(e.message)));

  const { core: c2, drain: d2, stops: s2 } = harness();
  c2.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  c2.handle({ kind: 'setBreakpoints', breakpoints: [{ id: 9, phase: 'embed', hitCondition: '== 3' }] });
  c2.handle({ kind: 'run' });
  d2();
  assert.equal(s2().at(-1)!.cursor.steps, 2, 'third time the embed line is reached');
  c2.handle({ kind: 'run' });
  d2();
  assert.equal(s2().at(-1)!.reason, 'finished', '"== 3" fires once');
});

test('NaN filter fires on a diverging run; evaluate and tensor requests answer', () => {
  const { core, drain, stops } = harness();
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config: { ...config, activation: 'linear', optimizer: 'sgd', lr: 100 } });
  core.handle({ kind: 'setExceptionFilters', filters: { nan: true } });
  core.handle({ kind: 'run' });
  drain();
  const s = stops().at(-1)!;
  assert.equal(s.reason, 'exception');
  assert.match(s.description, /NaN|Inf|loss is/);
  const norm = core.handle({ kind: 'evaluate', expression: 'norm(W1)' });
  const w1 = core.handle({ kind: 'tensor', name: 'W1' });
  assert.equal(norm.text, String(w1.stats.norm), 'the norm the tensor request reports, as the console shows it');
  assert.throws(() => core.handle({ kind: 'evaluate', expression: 'W4 +' }), { message: 'unexpected end of expression at 4' });
  const w2 = core.handle({ kind: 'tensor', name: 'W2', rowStart: 2, rows: 3 });
  assert.equal(w2.values.length, 3 * 32);
});

test('snapshots say when the run diverged (lr 100), and not for a healthy run', () => {
  const snapshots = (lr: number) => {
    const { core, drain, events } = harness();
    core.handle({ kind: 'load', dataset: { path: 'demo' }, config: { ...config, lr } });
    for (let i = 0; i < 10; i++) {
      core.handle({ kind: 'step', unit: 'iteration' });
      drain();
    }
    return events.flatMap((e) => (e.kind === 'snapshot' ? [e.snapshot] : []));
  };
  const diverging = snapshots(100);
  const last = diverging.at(-1)!;
  assert.equal(last.cursor.steps, 10);
  assert.ok(last.divergence, 'the last snapshot of the lr 100 run carries the divergence');
  assert.ok(last.divergence.meanLoss > 3 * Math.log(249), `mean loss ${last.divergence.meanLoss}`);
  assert.equal(last.divergence.steps, 10);
  assert.equal(diverging[0].divergence, undefined, 'not before the first step');
  for (const s of snapshots(0.005)) assert.equal(s.divergence, undefined, `healthy run at step ${s.cursor.steps}`);
});

test('a run driven through the core matches an in-process Trainer bit for bit', () => {
  const { core, drain } = harness();
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  for (let i = 0; i < 7; i++) {
    core.handle({ kind: 'step', unit: 'phase' });
    drain();
  }
  core.handle({ kind: 'step', unit: 'iteration' });
  drain();
  core.handle({ kind: 'step', unit: 'iteration' });
  drain();
  const reference = new Trainer(demoDataset(), { ...core.currentTrainer!.config }, jsKernels);
  reference.step();
  reference.step();
  assert.deepEqual(core.currentTrainer!.params.W3.data, reference.params.W3.data);
  assert.deepEqual(core.currentTrainer!.model.grads.W1.data, reference.model.grads.W1.data);
});

test('snapshots carry every step, weighted by its examples, however many a snapshot spans', () => {
  const { core, drain, events } = harness();
  const info = core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  core.handle({ kind: 'run' });
  drain();
  const buckets = events.flatMap((e) => (e.kind === 'snapshot' ? e.snapshot.steps : []));
  const t = core.currentTrainer!;
  assert.ok(t.finished);
  assert.equal(buckets[0].from, 1, 'from the first step');
  assert.equal(buckets.at(-1)!.to, t.steps);
  assert.equal(buckets.reduce((s, b) => s + b.count, 0), t.steps, 'no step sampled away');
  assert.equal(buckets.reduce((s, b) => s + b.weight, 0), info.dataset.train, 'each weighted by its examples (the last batch is short)');
  // The mean loss over the buckets' examples is the epoch's training loss.
  const meanLoss = buckets.reduce((s, b) => s + b.sum[LOSS], 0) / info.dataset.train;
  assert.ok(Math.abs(meanLoss - t.epochs[0].trainCe) < 1e-9, `${meanLoss} vs ${t.epochs[0].trainCe}`);
});
