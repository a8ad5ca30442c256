// How long the embedding map takes to lay out a large vocabulary: W1 (V × D) of the KJV text at
// V = 8000 after TRAIN_STEPS iterations of the defaults, then Barnes-Hut t-SNE as the dashboard's
// layout worker runs it (cosine, perplexity 30): the affinities (nearest neighbours + calibration),
// then the iterations, timed at the end of early exaggeration and of the first layout; RUNS
// layouts of the same W1, each figure the median (min to max). Needs `npx tsc -p
// tsconfig.test.json` (it imports out/) and ../shared/data/kjv.
//
//   node scripts/bench-tsne.mjs [V=8000] [D=16] [RUNS=5]
import os from 'node:os';
import path from 'node:path';
import { compiled, root } from './benchSupport.mjs';

const { Trainer } = compiled('engine/trainer');
const { loadDataset } = compiled('engine/data/load');
const { allowRelaxedSimd, pickKernels } = compiled('engine/backend');
const { DEFAULT_CONFIG } = compiled('engine/config');
const { BhTsne, MAP_TSNE } = compiled('engine/bhTsne');


const V = Number(process.argv[2] ?? 8000);
const D = Number(process.argv[3] ?? 16);
const RUNS = Number(process.argv[4] ?? 5);
const TRAIN_STEPS = 300;
allowRelaxedSimd();

const dataset = loadDataset(path.resolve(root, '..', 'shared', 'data', 'kjv', 'kjv.txt'), { vocabSize: V });
const trainer = new Trainer(dataset, { ...DEFAULT_CONFIG, embeddingDim: D, threads: 1 }, pickKernels());
for (let i = 0; i < TRAIN_STEPS; i++) trainer.step();
const embedding = trainer.params[trainer.specs.find((s) => s.role === 'embedding').name];
const w1 = Float64Array.from(embedding.data);
trainer.close();
const n = dataset.vocab.length;

/** One first layout: wall ms to the affinities and to each mark, CPU ms of the whole. */
function layout() {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const tsne = new BhTsne(w1, n, D, MAP_TSNE);
  const times = { affinities: performance.now() - t0 };
  for (const mark of [MAP_TSNE.exaggerationIterations, MAP_TSNE.firstIterations]) {
    tsne.step(mark - tsne.iteration);
    times[mark] = performance.now() - t0;
  }
  const cpu = process.cpuUsage(cpu0);
  return { ...times, cpu: (cpu.user + cpu.system) / 1000, neighbours: tsne.neighbours };
}
const loadAverage = os.loadavg()[0];
const runs = Array.from({ length: RUNS }, layout);
/** Median (min to max) of one figure over the runs, in seconds. */
const spread = (key) => {
  const xs = runs.map((r) => r[key] / 1000).sort((a, b) => a - b);
  return `${xs[xs.length >> 1].toFixed(2)} (${xs[0].toFixed(2)} to ${xs.at(-1).toFixed(2)})`;
};
console.log(
  JSON.stringify({
    date: new Date().toISOString(),
    loadAverage,
    cores: os.cpus().length,
    words: n,
    dim: D,
    trainedSteps: TRAIN_STEPS,
    neighbours: runs[0].neighbours,
    runs: RUNS,
    affinitiesSeconds: spread('affinities'),
    [`secondsToIteration${MAP_TSNE.exaggerationIterations}`]: spread(MAP_TSNE.exaggerationIterations),
    firstLayoutSeconds: spread(MAP_TSNE.firstIterations),
    // CPU time says what the layout costs apart from what other jobs took from it.
    firstLayoutCpuSeconds: spread('cpu'),
    loadAverageAfter: os.loadavg()[0],
  }),
);
