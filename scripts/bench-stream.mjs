// The recurrent row of `npm run bench` (opt-in: BENCH_STREAM_ROUNDS=N, each round several minutes;
// also runs alone: `node scripts/bench-stream.mjs` after `npm run build`): one epoch of the stream
// task on the KJV text at V = 8000, an LSTM 128/128 with SGD lr 20, clip 0.25, B = 20, K = 35 (the
// PyTorch word-language-model recipe), NLM Lab's CLI against scripts/stream_reference.py (PyTorch's
// nn.LSTM on one thread) fed the token ids our loader makes and our initial weights, alternating
// over the rounds; medians of the epoch times, the ratio round by round, and each run's validation
// perplexity per token (evaluation on 10 streams). Then the CPU time of one window (one training
// iteration), in-process, alternating BENCH_STREAM_CPU_ROUNDS rounds (default 3) of 40 windows
// each: where other jobs share the machine, the epochs' wall times say more about them than us.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundledEngine, root } from './benchSupport.mjs';

const kjv = path.resolve(root, '..', 'shared', 'data', 'kjv', 'kjv.txt');
const python = '/usr/bin/python3';
/** The run, as CLI flags and as the settings they resolve to. */
const SETTINGS = { model: 'lstm', embeddingDim: 128, hiddenUnits: 128, optimizer: 'sgd', lr: 20, clip: 0.25, batchSize: 20, bptt: 35, epochs: 1, init: 'xavier', schedule: 'exponential', lrDecay: 1 };
const VOCAB = 8000;
const FLAGS = ['--model', 'lstm', '--embed', '128', '--hidden', '128', '--optimizer', 'sgd', '--lr', '20', '--clip', '0.25', '--batch', '20', '--bptt', '35', '--epochs', '1', '--init', 'xavier', '--schedule', 'exponential', '--lr-decay', '1'];

/** An .npy file (version 1.0) of an Int32Array or Float32Array. */
function writeNpy(file, data, shape) {
  const descr = data instanceof Int32Array ? '<i4' : '<f4';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header = header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11) + '\n';
  const prefix = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0]), Buffer.from(Uint16Array.of(header.length).buffer), Buffer.from(header, 'latin1')]);
  writeFileSync(file, Buffer.concat([prefix, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

function engine() {
  return bundledEngine('bench-stream-engine', `export { Trainer } from './src/engine/trainer'; export { jsKernels } from './src/engine/kernels';
export { createWasmKernels } from './src/engine/wasmKernels'; export { allowRelaxedSimd } from './src/engine/backend';
export { loadDataset } from './src/engine/data/load'; export { resolveConfig } from './src/engine/config';`);
}

/** Writes what the reference reads: the ids, our initial weights (the CLI's init for the same
 *  settings and seed) and the settings. */
async function exportReference(folder) {
  const { Trainer, jsKernels, loadDataset, resolveConfig } = await engine();
  const dataset = loadDataset(kjv, { task: 'stream', vocabSize: VOCAB });
  const trainer = new Trainer(dataset, resolveConfig(SETTINGS), jsKernels);
  writeNpy(path.join(folder, 'train.npy'), dataset.stream.train, [dataset.stream.train.length]);
  writeNpy(path.join(folder, 'valid.npy'), dataset.stream.valid, [dataset.stream.valid.length]);
  for (const spec of trainer.specs) writeNpy(path.join(folder, `${spec.name}.npy`), Float32Array.from(trainer.params[spec.name].data), spec.shape);
  const { model, lr, clip, batchSize: batch, bptt } = SETTINGS;
  writeFileSync(path.join(folder, 'settings.json'), JSON.stringify({ model, lr, clip, batch, bptt, eval_batch: 10 }));
  return { windows: trainer.batchesPerEpoch, tokens: dataset.stream.train.length };
}

const CPU_WINDOWS = 40;

/** CPU and wall ms per window of `count` windows (after 3 to warm up, while a helper starts):
 *  ours in-process, on `threads` threads. */
async function oursCpu(count, threads) {
  const { Trainer, createWasmKernels, allowRelaxedSimd, loadDataset, resolveConfig } = await engine();
  allowRelaxedSimd(); // as the CLI does
  const trainer = new Trainer(loadDataset(kjv, { task: 'stream', vocabSize: VOCAB }), resolveConfig({ ...SETTINGS, threads }), createWasmKernels());
  for (let i = 0; i < 3; i++) trainer.step();
  const [c0, t0] = [process.cpuUsage(), performance.now()];
  for (let i = 0; i < count; i++) trainer.step();
  const c = process.cpuUsage(c0);
  trainer.close();
  return { cpu: (c.user + c.system) / 1000 / count, wall: (performance.now() - t0) / count };
}

function referenceCpu(folder, count) {
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const r = spawnSync(python, [path.join(root, 'scripts', 'stream_reference.py'), folder, '1', String(count)], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(r.stderr);
  const e = JSON.parse(r.stdout.trim().split('\n').at(-1));
  return { cpu: e.cpu_ms_per_window, wall: e.ms_per_window };
}

async function cpuRounds(folder, rounds) {
  console.log(`\none window (20×35 tokens, one training iteration), ${CPU_WINDOWS} windows a run; ${rounds} alternating rounds`);
  const one = [];
  const two = [];
  const torch = [];
  for (let round = 1; round <= rounds; round++) {
    one.push(await oursCpu(CPU_WINDOWS, 1));
    two.push(await oursCpu(CPU_WINDOWS, 2));
    torch.push(referenceCpu(folder, CPU_WINDOWS));
    const shown = (r) => `${r.cpu.toFixed(1)} ms CPU (${r.wall.toFixed(1)} ms wall)`;
    console.log(`round ${round}: ours on 1 thread ${shown(one.at(-1))}, on 2 threads ${shown(two.at(-1))}, PyTorch ${shown(torch.at(-1))}`);
  }
  const range = (v, digits = 1) => `${median(v).toFixed(digits)} (${Math.min(...v).toFixed(digits)}–${Math.max(...v).toFixed(digits)})`;
  const ratio = (list, key) => range(list.map((r, i) => r[key] / torch[i][key]), 2);
  console.log('\n| one window | CPU ms, median (min–max) | wall ms, median (min–max) | wall × PyTorch, round by round |');
  console.log('|---|---|---|---|');
  console.log(`| NLM Lab, \`step()\`, 1 thread | ${range(one.map((r) => r.cpu))} | ${range(one.map((r) => r.wall))} | ${ratio(one, 'wall')} |`);
  console.log(`| NLM Lab, \`step()\`, 2 threads (the default) | ${range(two.map((r) => r.cpu))} | ${range(two.map((r) => r.wall))} | ${ratio(two, 'wall')} |`);
  console.log(`| PyTorch nn.LSTM, 1 thread | ${range(torch.map((r) => r.cpu))} | ${range(torch.map((r) => r.wall))} | 1.00 |`);
}

function ours() {
  const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'train', '--data', kjv, '--task', 'stream', '--vocab', String(VOCAB), ...FLAGS, '--json', '--no-record'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const e = JSON.parse(r.stdout.trim().split('\n').at(-1));
  return { name: 'NLM Lab, WASM relaxed SIMD', seconds: e.seconds, trainCe: e.train_ce, validPpl: Math.exp(e.valid_ce) };
}

function reference(folder) {
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const r = spawnSync(python, [path.join(root, 'scripts', 'stream_reference.py'), folder, '1'], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(r.stderr);
  const e = JSON.parse(r.stdout.trim().split('\n').at(-1));
  return { name: e.name, seconds: e.seconds, trainCe: e.train_ce, validPpl: e.valid_ppl };
}

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function streamBench(rounds) {
  if (!existsSync(kjv)) return console.log(`\nstream task: skipped, ${kjv} not found`);
  if (!existsSync(python)) return console.log(`\nstream task: skipped, ${python} not found`);
  const folder = mkdtempSync(path.join(tmpdir(), 'nlm-bench-stream-'));
  try {
    const { windows, tokens } = await exportReference(folder);
    const cpu = Number(process.env.BENCH_STREAM_CPU_ROUNDS ?? 3);
    if (cpu > 0) await cpuRounds(folder, cpu);
    if (rounds === 0) return;
    console.log(`\nstream task, one epoch: LSTM 128/128 on ${kjv} at V = ${VOCAB} (${tokens.toLocaleString('en-US')} training tokens, ${windows} windows of 20×35), SGD lr 20, clip 0.25; ${rounds} rounds`);
    const runs = { ours: [], torch: [] };
    for (let round = 1; round <= rounds; round++) {
      // Alternate which goes first, so neither always meets the busier minutes.
      const order = round % 2 ? ['ours', 'torch'] : ['torch', 'ours'];
      for (const who of order) runs[who].push(who === 'ours' ? ours() : reference(folder));
      const [o, t] = [runs.ours.at(-1), runs.torch.at(-1)];
      console.log(`round ${round}: ours ${o.seconds.toFixed(1)} s (valid ppl ${o.validPpl.toFixed(2)}), PyTorch ${t.seconds.toFixed(1)} s (valid ppl ${t.validPpl.toFixed(2)})`);
    }
    const ratios = runs.ours.map((o, i) => o.seconds / runs.torch[i].seconds);
    console.log('\n| implementation | s / epoch: median (min–max) | × PyTorch (1 thread), median of rounds | mean train CE | valid perplexity |');
    console.log('|---|---|---|---|---|');
    for (const list of [runs.ours, runs.torch]) {
      const s = list.map((r) => r.seconds);
      const ratio = list === runs.ours ? `${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})` : '1.00';
      console.log(`| ${list[0].name} | ${median(s).toFixed(1)} (${Math.min(...s).toFixed(1)}–${Math.max(...s).toFixed(1)}) | ${ratio} | ${list[0].trainCe.toFixed(4)} | ${list.map((r) => r.validPpl.toFixed(2)).join(', ')} |`);
    }
    const gap = (100 * (median(runs.ours.map((r) => r.validPpl)) - median(runs.torch.map((r) => r.validPpl)))) / median(runs.torch.map((r) => r.validPpl));
    console.log(`validation perplexity, ours against PyTorch: ${gap >= 0 ? '+' : ''}${gap.toFixed(2)} %`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await streamBench(Number(process.env.BENCH_STREAM_ROUNDS ?? 1));
