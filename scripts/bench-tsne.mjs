// How long the embedding map takes to lay out a large vocabulary: W1 (V × D) of the KJV text at
// V = 8000 after TRAIN_STEPS iterations of the defaults, then Barnes-Hut t-SNE as the dashboard's
// layout worker runs it (cosine, perplexity 30): the affinities (nearest neighbours + calibration),
// then the iterations, timed at the marks the map draws. Needs `npx tsc -p tsconfig.test.json`
// (it imports out/) and ../shared/data/kjv.
//
//   node scripts/bench-tsne.mjs [V=8000] [D=16]
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
const TRAIN_STEPS = 300;
allowRelaxedSimd();

const dataset = loadDataset(path.resolve(root, '..', 'shared', 'data', 'kjv', 'kjv.txt'), { vocabSize: V });
const trainer = new Trainer(dataset, { ...DEFAULT_CONFIG, embeddingDim: D, threads: 1 }, pickKernels());
for (let i = 0; i < TRAIN_STEPS; i++) trainer.step();
const embedding = trainer.params[trainer.specs.find((s) => s.role === 'embedding').name];
const w1 = Float64Array.from(embedding.data);
trainer.close();
const n = dataset.vocab.length;

const t0 = performance.now();
const cpu0 = process.cpuUsage();
const tsne = new BhTsne(w1, n, D, MAP_TSNE);
const affinitiesMs = performance.now() - t0;
const marks = {};
for (const mark of [250, MAP_TSNE.firstIterations]) {
  tsne.step(mark - tsne.iteration);
  marks[mark] = Math.round(performance.now() - t0);
}
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    date: new Date().toISOString(),
    loadAverage: os.loadavg()[0],
    cores: os.cpus().length,
    words: n,
    dim: D,
    trainedSteps: TRAIN_STEPS,
    neighbours: tsne.neighbours,
    affinitiesMs: Math.round(affinitiesMs),
    msToIteration: marks,
    firstLayoutSeconds: marks[MAP_TSNE.firstIterations] / 1000,
    // CPU time says what the layout costs apart from what other jobs took from it.
    firstLayoutCpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
  }),
);
