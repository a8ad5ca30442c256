// The Run view's text: a description short enough to show whole beside each name (norm and mean),
// with every statistic in the tooltip.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TensorStats } from '../../src/engine/metrics';
import type { RunInfo, Snapshot } from '../../src/extension/protocol';
import { configFactTexts, DESCRIPTION_BUDGET, paramText, runFactTexts, shortNumber, timeTravelText } from '../../src/extension/views/runTreeText';

const stats = (name: string, shape: number[], scale: number, nan = 0): TensorStats => ({
  name,
  shape,
  mean: -0.000123456789 * scale,
  std: 0.0123456789 * scale,
  min: -0.0987654321 * scale,
  max: 0.0876543219 * scale,
  norm: 12.3456789 * scale,
  nan,
  inf: 0,
});

const PARAMS = [1e-9, 1e-4, 0.01, 1, 100, 1e6].flatMap((scale) => [stats('W1', [16384, 1024], scale), stats('b2', [250], scale, 3)]);

test('parameter descriptions hold the norm and mean, short enough that VS Code never cuts them with "…"', () => {
  for (const s of PARAMS) {
    const { label, description } = paramText(s);
    assert.equal(label, s.name);
    assert.ok(!description.includes('…'), description);
    assert.ok(description.length <= DESCRIPTION_BUDGET, `${description} (${description.length} characters)`);
    assert.ok(description.includes(`‖·‖ ${shortNumber(s.norm)}`), description);
  }
  assert.equal(paramText(stats('W1', [250, 16], 1)).description, '‖·‖ 12.3 · μ -1.2e-4');
  assert.equal(paramText(stats('b2', [250], 1, 3)).description, '3 NaN/Inf · ‖·‖ 12.3');
});

test('the tooltip has every statistic with four significant digits', () => {
  assert.equal(
    paramText(stats('W1', [250, 16], 1)).tooltip,
    'W1 [250×16]\n‖·‖₂ = 12.35\nmean μ = -1.23e-4\nstd σ = 0.01235\nmin = -0.09877\nmax = 0.08765\nNaN = 0, Inf = 0\nClick to inspect.',
  );
});

test('three significant digits at any magnitude', () => {
  assert.deepEqual([3.14159, 0.0123456, 100, 1, -2.5e-7, 123456, 0, NaN].map(shortNumber), ['3.14', '0.0123', '100', '1', '-2.5e-7', '1.2e+5', '0', 'NaN']);
});

test('run and configuration facts fit beside their labels too', () => {
  const info = {
    dataset: { name: 'ngram4', source: '/home/student/course/data/ngram4/npy', vocabSize: 250, train: 372550, valid: 46568, test: 46568 },
    config: { embeddingDim: 1024, hiddenUnits: 4096, activation: 'sigmoid', init: 'normal', initStd: 0.01, optimizer: 'momentum', lr: 0.005, epochs: 1000, seed: 4294967295 },
    kernels: 'wasm relaxed-simd',
    batchesPerEpoch: 3726,
  } as unknown as RunInfo;
  const snapshot = { cursor: { epoch: 999, batch: 3725, phase: 0, sub: 0, steps: 3725999 }, lr: 0.000123456789 } as unknown as Snapshot;
  const facts = [...runFactTexts(info, 'running', snapshot, 3.14159265), ...configFactTexts(info)];
  for (const f of facts) {
    assert.ok(!f.description.includes('…') && f.description.length <= DESCRIPTION_BUDGET, `${f.label}: ${f.description}`);
    assert.ok(f.tooltip.length > 0);
  }
  const dataset = facts.find((f) => f.label === 'dataset');
  assert.match(dataset?.tooltip ?? '', /372550 train \/ 46568 valid \/ 46568 test/);
});

test('the time-travel fact says how far back the run can go, and where a rewound run is against the present', () => {
  const timeTravel = { earliest: 1200, present: { steps: 3725999, phase: 3, sub: 0 }, every: 1024, bytes: 250.4 * 2 ** 20, budgetBytes: 256 * 2 ** 20 };
  const at = (steps: number, phase = 0) => ({ cursor: { epoch: 0, batch: 0, phase, sub: 0, steps }, lr: 0.005, timeTravel }) as unknown as Snapshot;
  const present = timeTravelText(at(3725999, 3));
  assert.equal(present.description, 'back to step 1200');
  assert.match(present.tooltip, /^The present: step 3725999\.\n.*reach back to step 1200\.\nA checkpoint every 1024 steps; 250\.4 of 256 MiB \(nlm\.timeTravel\.memoryMiB\)\.$/);
  const rewound = timeTravelText(at(3725000));
  assert.equal(rewound.description, 'rewound: 3725000 of 3725999');
  assert.ok(rewound.description.length <= DESCRIPTION_BUDGET, rewound.description);
  assert.match(rewound.tooltip, /^Rewound to step 3725000; the present is step 3725999/);
  const off = timeTravelText({ ...at(5), timeTravel: { ...timeTravel, earliest: undefined, off: 'its memory budget (nlm.timeTravel.memoryMiB) is 0' } } as Snapshot);
  assert.deepEqual([off.description, off.tooltip], ['off', 'Time travel is off: its memory budget (nlm.timeTravel.memoryMiB) is 0.']);
});
