// The time loops of a recurrent model's iteration, as the debugger uses them: the document heads
// each run of time-step phases with a loop line; a breakpoint there (one id on each of the loop's
// phases, as the debug adapter sends it) with `t == 2` stops at time step 2 only, and its hit count
// counts every step; `t` is the time step of the phase about to run. An LSTM's Variables hold
// every step's gates, cell and hidden state, and its snapshots the gates' saturation per step.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsKernels } from '../../src/engine/kernels';
import { activationByName } from '../../src/engine/activations';
import type { RunInfo, StoppedEvent, WorkerEvent } from '../../src/extension/protocol';
import { renderIteration } from '../../src/extension/debug/iterationDocument';
import { SessionCore } from '../../src/extension/worker/sessionCore';

function harness() {
  const events: WorkerEvent[] = [];
  const queue: (() => void)[] = [];
  const core = new SessionCore((e) => events.push(e), () => jsKernels, (fn) => queue.push(fn));
  const drain = () => {
    for (let i = 0; i < 100000 && queue.length; i++) queue.shift()!();
  };
  const stops = () => events.filter((e): e is { kind: 'stopped'; event: StoppedEvent } => e.kind === 'stopped').map((e) => e.event);
  return { core, drain, stops, events };
}

const config = { model: 'lstm', epochs: 1, embeddingDim: 8, hiddenUnits: 16, batchSize: 50 } as const;

/** The phases a breakpoint on the loop line holding `phase` covers, as the adapter finds them. */
function loopOf(info: RunInfo, phase: string): readonly string[] {
  const doc = renderIteration(info);
  return doc.loopAt(doc.loopLines.get(phase)!)!;
}

test('the iteration document heads each time loop with a line a breakpoint can sit on', () => {
  const info = new SessionCore(() => undefined, () => jsKernels, () => undefined).handle({ kind: 'load', dataset: { path: 'demo' }, config: { ...config, bptt: 2 } });
  const doc = renderIteration(info);
  const lines = doc.text.split('\n');
  const forward = doc.loopLines.get('step1')!;
  assert.match(lines[forward - 1], /^for t = 1…3: +# time loop/);
  assert.deepEqual(doc.loopAt(forward), ['step1', 'step2', 'step3']);
  assert.equal(doc.loopLines.get('step3'), forward);
  assert.match(lines[doc.phaseLines.get('step2')! - 1], /^ {2}X2 = W1\[x2\] ; A2 = X2·Wxh \+ H1·Whh \+ bh ;/, 'the loop body is indented');
  const backward = doc.loopLines.get('bptt3')!;
  assert.match(lines[backward - 1], /^for t = 3…2, backward through time:/);
  assert.deepEqual(doc.loopAt(backward), ['bptt3', 'bptt2']);
  assert.equal(doc.phaseLineFrom(backward), backward, 'a breakpoint on the loop line stays there');
  assert.equal(doc.loopLines.get('output'), undefined);
  assert.equal(doc.loopAt(doc.phaseLines.get('output')!), undefined);
  assert.deepEqual(
    info.phases.map((p) => p.timeStep),
    [1, 2, 3, undefined, undefined, undefined, undefined, undefined, undefined, 3, 2, undefined, undefined],
  );
});

test('`t == 2` on the backward loop stops at bptt2 only; t is the time step about to run', () => {
  const { core, drain, stops } = harness();
  const info = core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  const phases = loopOf(info, 'bptt2');
  const replies = core.handle({ kind: 'setBreakpoints', breakpoints: phases.map((phase) => ({ id: 7, phase, condition: 't == 2' })) });
  assert.ok(replies.every((r) => r.id === 7 && r.verified));
  core.handle({ kind: 'run' });
  drain();
  assert.equal(stops().at(-1)!.reason, 'breakpoint');
  assert.deepEqual(stops().at(-1)!.breakpointIds, [7]);
  assert.equal(core.currentTrainer!.currentPhase.name, 'bptt2');
  assert.equal(core.handle({ kind: 'evaluate', expression: 't' }).text, '2');
  assert.equal(core.handle({ kind: 'evaluate', expression: 'norm(dH2) > 0' }).text, 'true');
  // A per-time-step tensor indexed by its time step: dH[2] (or dh[2], as the issue writes it, or
  // dH[t]) is dH2; further indices index it.
  const text = (expression: string) => core.handle({ kind: 'evaluate', expression }).text;
  for (const e of ['norm(dH[2])', 'norm(dh[2])', 'norm(dH[t])']) assert.equal(text(e), text('norm(dH2)'), e);
  assert.equal(text('H[1, 3]'), text('H1[3]'));
  assert.equal(text('F[3][0, 5]'), text('F3[0, 5]'));
  assert.throws(() => text('norm(dH[0])'), /no time step 0: "dH" has time steps 1, 2, 3/);
  assert.throws(() => text('dH[1:3]'), /pick one time step: "dH" has time steps 1, 2, 3/);
  assert.throws(() => text('W[1]'), /unknown name "W"/, 'W1 is a parameter, not W at time step 1');
  core.handle({ kind: 'step', unit: 'phase' });
  drain();
  assert.equal(core.currentTrainer!.currentPhase.name, 'bptt1');
  assert.equal(core.handle({ kind: 'evaluate', expression: 't == 2' }).text, 'false');
  // Outside the loops t is NaN, so `t == 2` is false on any other line.
  core.handle({ kind: 'step', unit: 'phase' });
  drain();
  assert.equal(core.currentTrainer!.currentPhase.name, 'dW1');
  assert.equal(core.handle({ kind: 'evaluate', expression: 't' }).text, 'NaN');
  assert.equal(core.handle({ kind: 'evaluate', expression: 't == 2' }).text, 'false');
});

test('a loop breakpoint counts its hits over the time steps; an MLP has no t', () => {
  const { core, drain } = harness();
  const info = core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  core.handle({ kind: 'setBreakpoints', breakpoints: loopOf(info, 'step1').map((phase) => ({ id: 3, phase, hitCondition: '== 2' })) });
  core.handle({ kind: 'run' });
  drain();
  assert.equal(core.currentTrainer!.currentPhase.name, 'step2', 'the second time step is the second hit');
  assert.equal(core.handle({ kind: 'evaluate', expression: 't' }).text, '2');

  const mlp = harness();
  mlp.core.handle({ kind: 'load', dataset: { path: 'demo' }, config: { epochs: 1, hiddenUnits: 8 } });
  assert.throws(() => mlp.core.handle({ kind: 'evaluate', expression: 't == 2' }), /unknown name "t"/);
  mlp.core.handle({ kind: 'step', unit: 'iteration' });
  mlp.drain();
  // The MLP's H[1] is row 1 of H, and Z[1] no time series of Z1, Z2.
  assert.match(mlp.core.handle({ kind: 'evaluate', expression: 'H[1]' }).text, /^H\[1\]/);
  assert.throws(() => mlp.core.handle({ kind: 'evaluate', expression: 'Z[1]' }), /unknown name "Z"/);
});

test('an LSTM stopped in time step 2 shows every step’s gates, cell and hidden state', () => {
  const { core, drain } = harness();
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config });
  core.handle({ kind: 'setBreakpoints', breakpoints: [{ id: 1, phase: 'step3' }] });
  core.handle({ kind: 'run' });
  drain();
  for (const t of [1, 2]) {
    for (const name of ['X', 'A', 'I', 'F', 'G', 'O', 'C', 'H']) {
      const tensor = core.handle({ kind: 'tensor', name: `${name}${t}` });
      assert.equal(tensor.notComputed, undefined, `${name}${t} computed`);
      assert.equal(tensor.shape[0], 50);
      assert.ok(Number.isFinite(tensor.stats.norm) && tensor.stats.norm > 0, `${name}${t} has values`);
    }
  }
  for (const name of ['I3', 'C3', 'H3']) assert.ok(core.handle({ kind: 'tensor', name }).notComputed, `${name} is not computed yet`);
  // Each gate's values lie in its activation's range.
  const range = (name: string) => core.handle({ kind: 'tensor', name }).stats;
  for (const gate of ['I2', 'F2', 'O2']) assert.ok(range(gate).min >= 0 && range(gate).max <= 1, gate);
  assert.ok(range('G2').min >= -1 && range('G2').max <= 1);
});

test('LSTM snapshots carry each gate’s saturated share per time step, by the activation’s own rule', () => {
  const { core, drain, events } = harness();
  const info = core.handle({ kind: 'load', dataset: { path: 'demo' }, config: { ...config, optimizer: 'sgd', lr: 5 } });
  assert.deepEqual(info.saturating, {
    groups: [
      { name: 'input gate I', activation: 'sigmoid' },
      { name: 'forget gate F', activation: 'sigmoid' },
      { name: 'cell gate G', activation: 'tanh' },
      { name: 'output gate O', activation: 'sigmoid' },
    ],
    timeSteps: [1, 2, 3],
  });
  for (let i = 0; i < 3; i++) core.handle({ kind: 'step', unit: 'iteration' });
  drain();
  const snapshot = events.filter((e) => e.kind === 'snapshot').at(-1);
  assert.ok(snapshot && snapshot.kind === 'snapshot');
  const shares = snapshot.snapshot.saturating!;
  assert.equal(shares.length, 4);
  const model = core.currentTrainer!.model;
  info.saturating!.groups.forEach((g, k) => {
    const saturated = activationByName(g.activation).saturated!;
    [1, 2, 3].forEach((t) => {
      const values = model.activations().find((a) => a.name === `${'IFGO'[k]}${t}`)!.data;
      const expected = values.filter((v) => saturated(v)).length / values.length;
      assert.equal(shares[k][t - 1], expected, `${g.name} at t = ${t}`);
    });
  });
  // The RNN declares no gates.
  const rnn = new SessionCore(() => undefined, () => jsKernels, () => undefined).handle({ kind: 'load', dataset: { path: 'demo' }, config: { ...config, model: 'rnn' } });
  assert.equal(rnn.saturating, undefined);
});
