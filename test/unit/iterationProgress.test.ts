// Which tensors the current iteration has not computed yet, derived from the engine's phases and
// the cursor, checked against what stepping a real trainer actually changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveConfig } from '../../src/engine/config';
import { demoDataset } from '../../src/engine/data/demo';
import { describeNotComputed, notComputedYet } from '../../src/engine/iterationProgress';
import { jsKernels } from '../../src/engine/kernels';
import { Trainer } from '../../src/engine/trainer';
import { TrainerExpressions } from '../../src/extension/worker/trainerExpressions';
import { Predictor } from '../../src/engine/inference';

function trainer(): { t: Trainer; env: TrainerExpressions } {
  const t = new Trainer(demoDataset(), resolveConfig({ hiddenUnits: 16, batchSize: 20, epochs: 1 }), jsKernels);
  return { t, env: new TrainerExpressions(t, new Predictor(t.shape, t.params, t.dataset.vocab, jsKernels)) };
}

const cursorOf = (t: Trainer) => ({ phase: t.phaseIndex, sub: t.subIndex, steps: t.steps });

test('a tensor the iteration produces is marked until its phase has run; the phase is the one that changes it', () => {
  const { t, env } = trainer();
  t.step();
  const names = env.tensorNames();
  // Walk one iteration phase by phase: a tensor marked before a phase either is that phase's
  // output (and then changes, and is no longer marked) or stays marked and unchanged.
  while (!(t.phaseIndex === t.phases.length - 1)) {
    const phase = t.currentPhase;
    const before = new Map(names.map((n) => [n, Float32Array.from(env.tensor(n)!.data)]));
    const marked = names.filter((n) => notComputedYet(t.phases, cursorOf(t), n));
    t.stepPhase();
    for (const n of marked) {
      const changed = env.tensor(n)!.data.some((x, i) => x !== before.get(n)![i]);
      if (phase.writes.includes(n)) {
        assert.ok(changed, `${n} is computed by ${phase.name}`);
        assert.equal(notComputedYet(t.phases, cursorOf(t), n), undefined, `${n} is computed once ${phase.name} ran`);
      } else assert.ok(!changed, `${n} is marked, so ${phase.name} must not change it`);
    }
  }
});

test('parameters are never marked: the iteration reads them before its update writes them', () => {
  const { t } = trainer();
  for (let phase = 0; phase < t.phases.length; phase++) {
    for (const p of ['W1', 'W2', 'b1', 'W3', 'b2']) assert.equal(notComputedYet(t.phases, { phase, sub: 0, steps: 4 }, p), undefined, `${p} at ${t.phases[phase].name}`);
  }
});

test('the marks say which iteration the values are from, and when a phase is part-way', () => {
  const { t } = trainer();
  const dW3Phase = t.phases.findIndex((p) => p.writes.includes('dW3'));
  const atStart = notComputedYet(t.phases, { phase: 0, sub: 0, steps: 0 }, 'dW3')!;
  assert.deepEqual(atStart, { phase: 'dW3', partly: false, holds: 0 });
  assert.equal(describeNotComputed(atStart), 'not computed yet in this iteration (dW3 has not run) — zeros, no iteration has run yet');
  const later = notComputedYet(t.phases, { phase: dW3Phase, sub: 0, steps: 36 }, 'dW3')!;
  assert.equal(describeNotComputed(later), 'not computed yet in this iteration (dW3 has not run) — value of iteration 36');
  const partly = notComputedYet(t.phases, { phase: 0, sub: 1, steps: 2 }, 'E')!;
  assert.equal(describeNotComputed(partly), 'partly computed in this iteration (embed is part-way) — the rest is the value of iteration 2');
  assert.equal(notComputedYet(t.phases, { phase: dW3Phase + 1, sub: 0, steps: 36 }, 'dW3'), undefined);
  assert.equal(notComputedYet(t.phases, { phase: 0, sub: 0, steps: 0 }, 'nosuchtensor'), undefined);
});
