// Is stepping a recurrent iteration interactive at V = 8000? Times every phase of an RNN and an
// LSTM (16/128 and 128/128, batch 100, the 4-gram task) on the King James Bible with --vocab 8000, run phase
// by phase as the debugger's F10 runs them, and the sub-steps of the time-step phases (F11).
// Needs `npx tsc -p tsconfig.test.json` (it imports out/). Prints medians in ms; asserts nothing.
// BENCH_ITERATIONS (default 20) iterations per model after 3 to warm up; BENCH_SIZES (default
// "16/128,128/128") the embedding/hidden sizes; NLM_KERNELS as the CLI.
import path from 'node:path';
import { compiled, root } from './benchSupport.mjs';

const { Trainer } = compiled('engine/trainer');
const { loadDataset } = compiled('engine/data/load');
const { allowRelaxedSimd, pickKernels } = compiled('engine/backend');
const { DEFAULT_CONFIG } = compiled('engine/config');
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 20);
const SIZES = (process.env.BENCH_SIZES ?? '16/128,128/128').split(',').map((s) => s.split('/').map(Number));
const corpus = path.resolve(root, '..', 'shared', 'data', 'kjv', 'kjv.txt');
allowRelaxedSimd();

const t0 = performance.now();
const dataset = loadDataset(corpus, { vocabSize: 8000, context: 3 });
console.log(`${corpus}: V = ${dataset.vocab.length}, ${dataset.train.n} training 4-grams, read in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => ms.toFixed(ms < 1 ? 3 : 2);

for (const [embeddingDim, hiddenUnits] of SIZES) for (const model of ['rnn', 'lstm']) {
  // Fresh kernels (their own WASM memory) for each run: runs one after another on one instance
  // were up to 40x slower in the head's products at 128/128.
  const kernels = pickKernels();
  const t = new Trainer(dataset, { ...DEFAULT_CONFIG, model, embeddingDim, hiddenUnits, batchSize: 100, threads: 1 }, kernels);
  const phases = new Map(); // phase name → ms per iteration
  const subSteps = new Map(); // "phase › sub-step" of time-step phases → ms
  const record = (map, key, ms) => map.set(key, [...(map.get(key) ?? []), ms]);
  for (let i = 0; i < ITERATIONS + 3; i++) {
    do {
      const phase = t.currentPhase;
      let start = performance.now();
      let phaseMs = 0;
      // One sub-step at a time, as F11 runs them; their sum is the phase, as F10 runs it.
      do {
        const sub = phase.subSteps[t.subIndex];
        t.stepSub();
        const ms = performance.now() - start;
        phaseMs += ms;
        if (i >= 3 && phase.timeStep !== undefined) record(subSteps, `${phase.name} › ${sub.label}`, ms);
        start = performance.now();
      } while (t.subIndex !== 0);
      if (i >= 3) record(phases, phase.name, phaseMs);
    } while (!t.atIterationStart);
  }
  console.log(`\n${model} ${embeddingDim}/${hiddenUnits}, batch 100, ${kernels.name} kernels, ${ITERATIONS} iterations: median ms per phase (max)`);
  for (const [name, ms] of phases) console.log(`  ${name.padEnd(10)} ${fmt(median(ms)).padStart(8)}  (${fmt(Math.max(...ms))})`);
  const whole = [...phases.values()].reduce((sum, ms) => sum + median(ms), 0);
  console.log(`  ${'iteration'.padEnd(10)} ${fmt(whole).padStart(8)}  (sum of the medians)`);
  console.log(`  sub-steps of the time-step phases (F11):`);
  for (const [name, ms] of subSteps) console.log(`    ${name.padEnd(58)} ${fmt(median(ms)).padStart(8)}`);
  t.close();
}
