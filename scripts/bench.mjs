// `npm run bench`: one epoch of the 16/128 model (batch 100) on the course data — our engine with
// each kernel backend, then PyTorch and NumPy when a python3 with them is present — and the
// ratio of each to PyTorch. A script that prints figures, not a test.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const real = path.resolve(root, '..', 'shared', 'data', 'ngram4', 'npy');
const data = real;
const rows = [];

function engineEpoch(label, env) {
  const args = [path.join(root, 'dist', 'cli.js'), 'train', '--data', data, '--epochs', '1', '--json'];
  const r = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) return rows.push({ name: label, skipped: r.stderr.trim().split('\n')[0] });
  const epoch = JSON.parse(r.stdout.trim().split('\n').at(-1));
  rows.push({ name: label, seconds: epoch.seconds, examples: 372500, loss: epoch.train_ce, validAcc: epoch.valid_acc });
}

function reference() {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(python, ['-c', 'import numpy'], { encoding: 'utf8' });
    if (probe.status !== 0) continue;
    for (const threads of ['1', '2']) {
      // The BLAS thread count must be fixed before numpy/torch load it.
      const env = { ...process.env, OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads };
      const r = spawnSync(python, [path.join(root, 'scripts', 'bench_reference.py'), data, threads], { encoding: 'utf8', env });
      for (const line of r.stdout.trim().split('\n').filter(Boolean)) rows.push(JSON.parse(line));
    }
    return;
  }
  rows.push({ name: 'PyTorch / NumPy', skipped: 'no python3 with numpy (apt-get install python3-numpy python3-torch)' });
}

if (!existsSync(data)) {
  console.error('bench needs ../shared/data/ngram4/npy (the course data) beside the repository');
  process.exit(1);
}
console.log(`one epoch, D=16 P=128 sigmoid, batch 100, Adam, ${data}`);
engineEpoch('NLM Lab, JS kernels', { NLM_KERNELS: 'js' });
engineEpoch('NLM Lab, WASM SIMD kernels', { NLM_KERNELS: 'wasm' });
reference();
const torch = rows.find((r) => r.name === 'PyTorch (1 thread)' && r.seconds);
console.log('| implementation | s / epoch | examples / s | × PyTorch (1 thread) | mean train CE |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  if (r.skipped) {
    console.log(`| ${r.name} | skipped: ${r.skipped} | | | |`);
    continue;
  }
  const ratio = torch ? (r.seconds / torch.seconds).toFixed(2) : 'n/a';
  console.log(`| ${r.name} | ${r.seconds.toFixed(2)} | ${Math.round(r.examples / r.seconds).toLocaleString('en-US')} | ${ratio} | ${r.loss.toFixed(4)} |`);
}
