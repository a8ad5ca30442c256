// Debugging a recurrent model through the worker's requests, as the debug adapter sends them: the
// run describes one phase per time step, a breakpoint stops before a BPTT step, a condition reads
// the hidden state of a time step, Variables' tensors say which steps have not run yet, the
// saturation filter watches the last step's hidden state and the gradient-norm filters every step's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveConfig } from '../../src/engine/config';
import { demoDataset } from '../../src/engine/data/demo';
import { Predictor } from '../../src/engine/inference';
import { jsKernels } from '../../src/engine/kernels';
import { Trainer } from '../../src/engine/trainer';
import type { StoppedEvent, WorkerEvent } from '../../src/extension/protocol';
import { renderIteration } from '../../src/extension/debug/iterationDocument';
import { SessionCore } from '../../src/extension/worker/sessionCore';
import { exceptionAfter } from '../../src/extension/worker/stopPolicy';
import { TrainerExpressions } from '../../src/extension/worker/trainerExpressions';

function harness() {
  const events: WorkerEvent[] = [];
  const queue: (() => void)[] = [];
  const core = new SessionCore((e) => events.push(e), () => jsKernels, (fn) => queue.push(fn));
  const drain = () => {
    for (let i = 0; i < 100000 && queue.length; i++) queue.shift()!();
  };
  const stops = () => events.filter((e): e is { kind: 'stopped'; event: StoppedEvent } => e.kind === 'stopped').map((e) => e.event);
  return { core, drain, stops };
}

const config = { model: 'rnn', bptt: 2, epochs: 1, embeddingDim: 8, hiddenUnits: 16, batchSize: 50 } as const;

test('an RNN run describes its unrolled iteration: a phase per time step, the window of BPTT, its parameters', () => {
  const { core } = harness();
  const info = core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  assert.equal(info.modelKind, 'rnn');
  assert.deepEqual(
    info.phases.map((p) => p.name),
    ['step1', 'step2', 'step3', 'output', 'softmax', 'loss', 'dZ', 'dWhy', 'dH', 'bptt3', 'bptt2', 'dW1', 'update'],
  );
  assert.deepEqual(info.params.map((p) => p.name), ['W1', 'Wxh', 'Whh', 'bh', 'Why', 'by']);
  assert.equal(info.embedding, 'W1');
  assert.equal(info.hiddenTensor, 'H3');
  assert.equal(info.hiddenActivation, 'tanh', 'whatever the MLP setting "activation" says');
  assert.match(renderIteration(info).text, /^# model {2}rnn · D=8 · P=16 · tanh · /m);
  assert.deepEqual(info.wordAxes.Why, [1]);
  assert.deepEqual(info.phases.find((p) => p.name === 'step2')!.subSteps, ['X2 ← W1[x2]', 'A2 = X2·Wxh + H1·Whh + bh', 'H2 = tanh(A2)']);
});

test('a conditional breakpoint on a BPTT step stops there; watches read each time step; later steps are not computed yet', () => {
  const { core, drain, stops } = harness();
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  const [bp] = core.handle({ kind: 'setBreakpoints', breakpoints: [{ id: 1, phase: 'bptt2', condition: 'norm(dH2) > 0 && step >= 1' }] });
  assert.ok(bp.verified, bp.message);
  core.handle({ kind: 'run' });
  drain();
  const s = stops().at(-1)!;
  assert.equal(s.reason, 'breakpoint');
  assert.equal(s.cursor.steps, 1, 'step >= 1 lets the first iteration pass');
  assert.equal(core.currentTrainer!.currentPhase.name, 'bptt2');
  const dH2 = core.handle({ kind: 'tensor', name: 'dH2' });
  assert.equal(dH2.notComputed, undefined, 'bptt3 wrote dH2');
  assert.ok(dH2.stats.norm > 0);
  assert.ok(core.handle({ kind: 'tensor', name: 'dA2' }).notComputed, 'bptt2 has not run');
  const h1 = core.handle({ kind: 'evaluate', expression: 'mean(H1)' });
  assert.match(h1.text, /^-?\d/);
  // F10 runs the time step; F11 would stop after each of its sub-steps.
  core.handle({ kind: 'step', unit: 'sub' });
  drain();
  assert.equal(core.currentTrainer!.subIndex, 1, 'after dA2');
  core.handle({ kind: 'step', unit: 'phase' });
  drain();
  assert.equal(core.currentTrainer!.currentPhase.name, 'dW1');
  assert.equal(core.handle({ kind: 'tensor', name: 'dA2' }).notComputed, undefined);
});

test('the saturation filter watches H_T and stops after the time step that writes it', () => {
  const { core, drain, stops } = harness();
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config: { ...config, optimizer: 'sgd', lr: 1000 } });
  core.handle({ kind: 'setExceptionFilters', filters: { saturation: 0.5 } });
  core.handle({ kind: 'run' });
  drain();
  const s = stops().at(-1)!;
  assert.equal(s.reason, 'exception');
  assert.match(s.description, /hidden layer saturation/);
  assert.equal(core.currentTrainer!.phases[core.currentTrainer!.phaseIndex - 1].name, 'step3', 'stopped after the step that writes H3');
});

test('snapshots carry ‖∂L/∂H_t‖ for each time step of the window, for the "gradient through time" chart', () => {
  const events: WorkerEvent[] = [];
  const queue: (() => void)[] = [];
  const core = new SessionCore((e) => events.push(e), () => jsKernels, (fn) => queue.push(fn));
  const info = core.handle({ kind: 'load', dataset: { path: 'demo' }, config: { ...config, bptt: 0 } });
  assert.deepEqual(info.timeSteps, [1, 2, 3]);
  core.handle({ kind: 'step', unit: 'iteration' });
  for (let i = 0; i < 100000 && queue.length; i++) queue.shift()!();
  const snapshot = events.filter((e) => e.kind === 'snapshot').at(-1);
  assert.ok(snapshot && snapshot.kind === 'snapshot');
  const norms = snapshot.snapshot.throughTime!;
  assert.equal(norms.length, 3);
  const t = core.currentTrainer!;
  norms.forEach((norm, i) => {
    const expected = Math.hypot(...t.model.activations().find((a) => a.name === `dH${i + 1}`)!.data);
    assert.ok(norm > 0 && Math.abs(norm - expected) < 1e-12 * expected, `‖dH${i + 1}‖ ${norm} vs ${expected}`);
  });
  // The MLP has no time steps.
  const mlp = new SessionCore(() => undefined, () => jsKernels, () => undefined).handle({ kind: 'load', dataset: { path: 'demo' }, config: { epochs: 1, hiddenUnits: 8 } });
  assert.equal(mlp.timeSteps, undefined);
});

test('the exploding- and vanishing-gradient filters fire per time step, naming it', () => {
  const dataset = demoDataset();
  const t = new Trainer(dataset, resolveConfig({ ...config, bptt: 0 }), jsKernels);
  const expressions = new TrainerExpressions(t, new Predictor(t.shape, t.params, dataset.vocab, jsKernels));
  const tensor = (name: string) => expressions.tensor(name);
  const p = t.step();
  assert.equal(exceptionAfter({ explodingNorm: 1e5, vanishingNorm: 1e-12 }, p, t, tensor), undefined, 'a healthy iteration');
  const dH1 = tensor('dH1')!.data;
  dH1[0] = 1e6;
  assert.match(exceptionAfter({ explodingNorm: 1e5 }, p, t, tensor)!, /^exploding gradient at time step 1: ‖dH1‖ = 1\.000e\+6 > 100000$/);
  dH1.fill(0);
  assert.match(exceptionAfter({ vanishingNorm: 1e-12 }, p, t, tensor)!, /^vanishing gradient at time step 1: ‖dH1‖ = 0\.000e\+0 < 1e-12$/);
});
