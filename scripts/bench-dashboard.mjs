// What the live dashboard costs the training: one epoch of the course data through the training
// worker's core with a snapshot every 100 ms (what the dashboard is sent), against the engine
// alone. Needs `npx tsc -p tsconfig.test.json` (it imports out/). Prints one JSON line per run.
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
const out = (p) => require(path.join(root, 'out', 'src', p));
const { SessionCore } = out('extension/worker/sessionCore');
const { Trainer } = out('engine/trainer');
const { loadDataset } = out('engine/data/load');
const { pickKernels } = out('engine/backend');
const { DEFAULT_CONFIG } = out('engine/config');
const data = path.resolve(root, '..', 'shared', 'data', 'ngram4', 'npy');

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

for (const threads of [1, 2]) {
  const alone = direct(threads);
  const { seconds, snapshots } = await throughWorkerCore(threads);
  console.log(JSON.stringify({ threads, engineSeconds: alone, withSnapshotsSeconds: seconds, snapshots, overheadPercent: (100 * (seconds - alone)) / alone }));
}
process.exit(0);
