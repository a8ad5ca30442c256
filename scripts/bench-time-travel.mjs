// What time travel costs and how fast it goes back, on the course data with the defaults (16/128
// sigmoid, Adam, batch 100) on two threads: the per-iteration cost of keeping its checkpoints
// (ROUNDS rounds alternating 1,000 iterations with and without it), one checkpoint's copy and
// size, rewinding 1,000 iterations (restore the nearest checkpoint, replay), returning to the
// present, and the bytes held against the budget over two epochs, also with a small budget.
// Needs `npx tsc -p tsconfig.test.json` (it imports out/). Prints figures; asserts nothing.
import path from 'node:path';
import { compiled, root } from './benchSupport.mjs';

const { Trainer } = compiled('engine/trainer');
const { loadDataset } = compiled('engine/data/load');
const { allowRelaxedSimd, pickKernels } = compiled('engine/backend');
const { DEFAULT_CONFIG } = compiled('engine/config');
const { TimeTravel, DEFAULT_TIME_TRAVEL } = compiled('engine/timeTravel/timeTravel');
const data = path.resolve(root, '..', 'shared', 'data', 'ngram4', 'npy');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
allowRelaxedSimd();

const dataset = loadDataset(data);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);

function iterations(t, travel, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const p = t.step();
    travel?.observe(t, p.iteration.loss, false);
  }
  return (performance.now() - t0) / n;
}

// Overhead: one trainer, rounds alternating with and without time travel watching.
const t = new Trainer(dataset, { ...DEFAULT_CONFIG, epochs: 100 }, pickKernels());
const travel = new TimeTravel();
travel.observe(t, undefined, false);
iterations(t, travel, 300); // warm up: the helper thread starts
const withTravel = [];
const without = [];
for (let r = 0; r < ROUNDS; r++) {
  withTravel.push(iterations(t, travel, 1000));
  // Without: a second run's trainer would differ in warm-up; the same one with no observer.
  without.push(iterations(t, undefined, 1000));
}
const ratios = withTravel.map((w, i) => w / without[i] - 1);
const copies = Array.from({ length: 20 }, () => {
  const t0 = performance.now();
  t.saveState();
  return performance.now() - t0;
});
const one = t.saveState();
const stateBytes = one.arrays.reduce((s, a) => s + a.byteLength, 0);
t.close();

// Rewind 1,000 iterations from a present 2,550 steps in (a checkpoint at 2,500, one at 1,500):
// the worst case within a spacing of 100 replays 99 iterations.
const rewinds = [];
const presents = [];
for (let r = 0; r < ROUNDS; r++) {
  const run = new Trainer(dataset, { ...DEFAULT_CONFIG, epochs: 10 }, pickKernels());
  const tt = new TimeTravel();
  tt.observe(run, undefined, false);
  iterations(run, tt, 2599);
  const target = { steps: 1599, phase: 0, sub: 0 };
  let t0 = performance.now();
  tt.seek(run, target);
  rewinds.push(performance.now() - t0);
  t0 = performance.now();
  tt.seek(run, tt.presentPosition);
  presents.push(performance.now() - t0);
  run.close();
}

// The budget over two epochs (7,450 iterations), at the default and at 32 MiB.
function heldOver(budgetMiB) {
  const run = new Trainer(dataset, { ...DEFAULT_CONFIG, epochs: 2 }, pickKernels());
  const tt = new TimeTravel({ ...DEFAULT_TIME_TRAVEL, budgetBytes: budgetMiB * 2 ** 20 });
  tt.observe(run, undefined, false);
  let peak = 0;
  while (!run.finished) {
    const p = run.step();
    tt.observe(run, p.iteration.loss, false);
    peak = Math.max(peak, tt.bytes);
  }
  run.close();
  const s = tt.status();
  return { budgetMiB, steps: s.present.steps, peakHeldMiB: mib(peak), heldMiB: mib(s.bytes), every: s.every, earliest: s.earliest };
}

const result = {
  iterationMs: { withTimeTravel: median(withTravel).toFixed(3), without: median(without).toFixed(3) },
  overheadPercent: { median: (100 * median(ratios)).toFixed(1), min: (100 * Math.min(...ratios)).toFixed(1), max: (100 * Math.max(...ratios)).toFixed(1) },
  checkpoint: { every: DEFAULT_TIME_TRAVEL.every, copyMs: median(copies).toFixed(3), MiB: mib(stateBytes), orderMiBPerEpoch: mib(one.order.byteLength) },
  rewind1000Ms: { median: median(rewinds).toFixed(0), max: Math.max(...rewinds).toFixed(0) },
  backToPresentMs: { median: median(presents).toFixed(0), max: Math.max(...presents).toFixed(0) },
  budget: [heldOver(DEFAULT_TIME_TRAVEL.budgetBytes / 2 ** 20), heldOver(32)],
};
console.log(JSON.stringify(result, null, 2));
