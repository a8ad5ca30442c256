// What training holds in the extension host's process, measured in Node on the extension's own
// path: the RunController and TrainingSession of src/extension/session/ running dist/trainingWorker.js
// (which reads the dataset on its loader thread and trains on two threads), with the dashboard's
// tensor requests (the embedding and the output layer every 10 s). Prints the process's resident
// set after each stage and while training runs. Run it with the Node of the extension host
// (code-server's: ~/.cache/vscode-runtime/node/bin/node), after `npm run build` and
// `npx tsc -p tsconfig.test.json`. BENCH_CORPUS (default ../shared/data/kjv/kjv.txt), BENCH_VOCAB
// (8000), BENCH_SECONDS of training (60), BENCH_TIME_TRAVEL_MIB (the setting's default; 0 shows
// what time travel holds). In real VS Code: `npm run bench:vscode` (its memory row).
import fs from 'node:fs';
import path from 'node:path';
import { compiled, root } from './benchSupport.mjs';

const { TrainingSession } = compiled('extension/session/trainingSession');
const { RunController } = compiled('extension/session/runController');
const corpus = path.resolve(process.env.BENCH_CORPUS ?? path.join(root, '..', 'shared', 'data', 'kjv', 'kjv.txt'));
const vocabSize = Number(process.env.BENCH_VOCAB ?? 8000);
const seconds = Number(process.env.BENCH_SECONDS ?? 60);
const timeTravelMiB = process.env.BENCH_TIME_TRAVEL_MIB === undefined ? undefined : Number(process.env.BENCH_TIME_TRAVEL_MIB);
const TENSOR_EVERY_MS = 10000;

/** The process's resident set now and at its peak, in MiB (every thread's heap and buffers). */
function resident() {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const mib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)[1]) / 1024;
  return { rssMiB: Math.round(mib('VmRSS')), peakMiB: Math.round(mib('VmHWM')) };
}

const t0 = performance.now();
const rows = [];
const note = (stage) => {
  const row = { seconds: Math.round((performance.now() - t0) / 100) / 10, stage, ...resident() };
  rows.push(row);
  console.log(JSON.stringify(row));
};

const session = new TrainingSession(path.join(root, 'dist', 'trainingWorker.js'));
const run = new RunController(session);
note('start');
const dataset = { path: corpus, corpus: { vocabSize } };
const info = await run.load({ kind: 'load', dataset, config: { epochs: 1000 }, timeTravelMiB });
note(`loaded: V = ${info.dataset.vocabSize}, ${info.dataset.train} training examples`);
const heatmaps = [info.embedding, ...info.params.filter((p) => p.role !== 'embedding' && p.shape.length === 2).map((p) => p.name)].filter(Boolean);
await run.request({ kind: 'run' });
let lastTensors = -Infinity;
while (performance.now() - t0 < seconds * 1000) {
  if (performance.now() - lastTensors >= TENSOR_EVERY_MS) {
    lastTensors = performance.now();
    for (const name of heatmaps) await run.request({ kind: 'tensor', name });
  }
  await new Promise((resolve) => setTimeout(resolve, 5000));
  note(`training, step ${run.snapshot?.cursor.steps ?? 0}`);
}
await run.request({ kind: 'pause' });
await session.dispose();
const training = rows.filter((r) => r.stage.startsWith('training'));
const last = training.at(-1);
console.log(`bench-memory: start ${rows[0].rssMiB} MiB, loaded ${rows[1].rssMiB} MiB, training ${last.rssMiB} MiB (highest sample ${Math.max(...training.map((r) => r.rssMiB))}, peak ${last.peakMiB})`);
process.exit(0);
