// What the live dashboard costs the training: one epoch of the course data through the training
// worker's core with a snapshot every 100 ms (what the dashboard is sent), against the engine
// alone, in ROUNDS rounds that alternate the two (the machine's speed drifts); prints one JSON line
// per round and the median overhead. Needs `npx tsc -p tsconfig.test.json` (it imports out/).
// The webview's own rendering is measured in real VS Code by scripts/bench-vscode.mjs.
import path from 'node:path';
import { compiled, root } from './benchSupport.mjs';

const { SessionCore } = compiled('extension/worker/sessionCore');
const { Trainer } = compiled('engine/trainer');
const { loadDataset } = compiled('engine/data/load');
const { allowRelaxedSimd, pickKernels } = compiled('engine/backend');
const { DEFAULT_CONFIG } = compiled('engine/config');
const data = path.resolve(root, '..', 'shared', 'data', 'ngram4', 'npy');
allowRelaxedSimd(); // as the CLI does; VS Code's runtime has relaxed SIMD anyway

function direct(threads) {
  const t = new Trainer(loadDataset(data), { ...DEFAULT_CONFIG, epochs: 1, threads }, pickKernels());
  const t0 = performance.now();
  t.runEpoch();
  t.close();
  return (performance.now() - t0) / 1000;
}

function throughWorkerCore(threads) {
  return new Promise((resolve) => {
    let snapshots = 0;
    let t0 = 0;
    const core = new SessionCore((e) => {
      if (e.kind === 'snapshot') snapshots++;
      if (e.kind === 'epoch') resolve({ seconds: (performance.now() - t0) / 1000, snapshots });
    });
    core.handle({ kind: 'load', dataset: { path: data }, config: { epochs: 1, threads } });
    t0 = performance.now();
    core.handle({ kind: 'run' });
  });
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
for (const threads of [1, 2]) {
  const overheads = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const alone = direct(threads);
    const { seconds, snapshots } = await throughWorkerCore(threads);
    const overheadPercent = (100 * (seconds - alone)) / alone;
    overheads.push(overheadPercent);
    console.log(JSON.stringify({ threads, round, engineSeconds: alone, withSnapshotsSeconds: seconds, snapshots, overheadPercent }));
  }
  const sorted = overheads.sort((a, b) => a - b);
  console.log(`${threads} thread${threads > 1 ? 's' : ''}: median overhead ${sorted[sorted.length >> 1].toFixed(1)} % (${sorted[0].toFixed(1)} to ${sorted.at(-1).toFixed(1)})`);
}
process.exit(0);
