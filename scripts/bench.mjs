// `npm run bench`: one epoch of the 16/128 model (batch 100) on the course data — our engine with
// the WASM kernels on one and two threads, then PyTorch and NumPy when a python3 with them is
// present — in ROUNDS rounds that alternate between them (the machine's speed drifts: each round's
// ratio compares runs made seconds apart), then the JS kernels once; the median of each figure,
// the ratio of each to PyTorch on one thread, the peak memory of each run, and the latency of one
// step() in-process. A script that prints figures, not a test. BENCH_ROUNDS=N sets the rounds.
// Then the same at V = 8000 (issue 12): the KJV text with an 8,000-word vocabulary, NLM Lab on its
// default two threads and on one against PyTorch on one thread, alternating over
// BENCH_LARGE_ROUNDS rounds (default BENCH_ROUNDS; 0 skips it), and stepping one iteration phase by phase.
// Then, opt-in (BENCH_STREAM_ROUNDS=N, minutes a round): the recurrent row, one epoch of the stream
// task (an LSTM on the KJV text's token streams) against PyTorch's nn.LSTM (bench-stream.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundledEngine, root } from './benchSupport.mjs';

const data = path.resolve(root, '..', 'shared', 'data', 'ngram4', 'npy');
const kjv = path.resolve(root, '..', 'shared', 'data', 'kjv', 'kjv.txt');
const EXAMPLES = 372500;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LARGE_ROUNDS = Number(process.env.BENCH_LARGE_ROUNDS ?? ROUNDS);
const LARGE_VOCAB = 8000;
/** Per implementation, every run's figures (the table being filled: the course data's, then V = 8000's). */
let runs = new Map();
let skipped = new Map();
const record = (name, figures) => runs.set(name, [...(runs.get(name) ?? []), figures]);

/** Runs a command under GNU time when present, for the peak resident memory of the whole process. */
function measured(command, args, env) {
  const gnuTime = '/usr/bin/time';
  const withTime = existsSync(gnuTime);
  const r = withTime
    ? spawnSync(gnuTime, ['-v', command, ...args], { env, encoding: 'utf8' })
    : spawnSync(command, args, { env, encoding: 'utf8' });
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  return { ...r, peakMiB: rss ? Number(rss[1]) / 1024 : undefined };
}

function engineEpoch(label, kernels, threads, extra = ['--data', data]) {
  const args = [path.join(root, 'dist', 'cli.js'), 'train', ...extra, '--epochs', '1', '--threads', String(threads), '--json'];
  const r = measured(process.execPath, args, { ...process.env, NLM_KERNELS: kernels });
  if (r.status !== 0) return skipped.set(label, r.stderr.trim().split('\n').find((l) => l.startsWith('nlm:')) ?? 'failed');
  const epoch = JSON.parse(r.stdout.trim().split('\n').at(-1));
  record(label, { seconds: epoch.seconds, loss: epoch.train_ce, peakMiB: r.peakMiB });
}

const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0);

function reference(folder = data, threadCounts = ['1', '2'], extra = []) {
  if (!python) return skipped.set('PyTorch / NumPy', 'no python3 with numpy (apt-get install python3-numpy python3-torch)');
  for (const threads of threadCounts) {
    // The BLAS thread count must be fixed before numpy/torch load it.
    const env = { ...process.env, OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads };
    const r = measured(python, [path.join(root, 'scripts', 'bench_reference.py'), folder, threads, ...extra], env);
    const lines = r.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
    // One process times PyTorch and (on one thread) NumPy: its peak is the larger of the two.
    for (const { name, skipped: why, ...figures } of lines) {
      if (why) skipped.set(name, why);
      else record(name, { ...figures, peakMiB: r.peakMiB, peakShared: lines.length > 1 });
    }
  }
}

/** The engine's modules for in-process timing, bundled next to dist/cli.js (where the helper
 *  thread's script and kernels.wasm are found). */
function engine() {
  return bundledEngine('bench-engine', `export { Trainer } from './src/engine/trainer'; export { createWasmKernels } from './src/engine/wasmKernels';
export { allowRelaxedSimd } from './src/engine/backend';
export { loadDataset } from './src/engine/data/load'; export { DEFAULT_CONFIG } from './src/engine/config';`);
}

/** Median and 90th percentile of `count` calls of `fn`, in ms, after `warmup` calls. */
function latency(fn, warmup, count) {
  for (let i = 0; i < warmup; i++) fn();
  const times = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(count / 2)], p90: times[Math.floor(count * 0.9)] };
}

async function stepLatency(dataset, counts = { warmup: 300, steps: 2000, phaseWarmup: 50, phaseSteps: 300 }) {
  const { Trainer, createWasmKernels, DEFAULT_CONFIG, allowRelaxedSimd } = await engine();
  allowRelaxedSimd(); // as the CLI does
  const results = [];
  for (const threads of [1, 2]) {
    const trainer = new Trainer(dataset, { ...DEFAULT_CONFIG, threads }, createWasmKernels());
    const step = latency(() => trainer.step(), counts.warmup, counts.steps);
    // The debugger's path: one iteration phase by phase (what "Step Mini-batch" runs in the extension).
    const phases = latency(() => {
      let p = trainer.stepPhase();
      while (!p.iteration) p = trainer.stepPhase();
    }, counts.phaseWarmup, counts.phaseSteps);
    // stepPhase() never uses the helper: the share counts the step() calls' tasks.
    results.push({ threads, step, phases, helperShare: trainer.helperShare, kernels: trainer.kernels.name });
    trainer.close();
  }
  return results;
}

if (!existsSync(data)) {
  console.error('bench needs ../shared/data/ngram4/npy (the course data) beside the repository');
  process.exit(1);
}
/** The course data's rows (BENCH_ROUNDS=0 skips them, for the V = 8000 rows alone). */
async function courseData() {
  console.log(`one epoch, D=16 P=128 sigmoid, batch 100, Adam, ${data}; ${ROUNDS} rounds, then the JS kernels once`);
  for (let round = 1; round <= ROUNDS; round++) {
    engineEpoch('NLM Lab, WASM relaxed SIMD, 1 thread', 'wasm', 1);
    engineEpoch('NLM Lab, WASM relaxed SIMD, 2 threads', 'wasm', 2);
    engineEpoch('NLM Lab, WASM plain SIMD (no FMA), 2 threads', 'wasm-simd', 2);
    reference();
    console.log(`round ${round}: ${[...runs].map(([name, list]) => `${name} ${list.at(-1).seconds.toFixed(2)} s`).join(', ')}`);
  }
  engineEpoch('NLM Lab, JS kernels, 1 thread', 'js', 1);
  printTable(EXAMPLES);
  printLatencies(await stepLatency(loadDataset(data)));
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The table of the runs recorded so far; `examples` per epoch for the examples / s. */
function printTable(examples) {
  const torch = runs.get('PyTorch (1 thread)');
  console.log('\n| implementation | s / epoch: median (min–max) | examples / s | × PyTorch (1 thread), median of the rounds | mean train CE | peak RSS (MiB) |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, list] of runs) {
    const seconds = list.map((r) => r.seconds);
    const s = median(seconds);
    // Round by round against the PyTorch run of the same round (the JS kernels' single run: the median).
    const ratios = torch ? list.map((r, i) => r.seconds / (torch[i]?.seconds ?? median(torch.map((t) => t.seconds)))) : [];
    const ratio = ratios.length ? `${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})` : 'n/a';
    const peaks = list.map((r) => r.peakMiB).filter((p) => p !== undefined);
    const peak = peaks.length ? `${Math.max(...peaks).toFixed(0)}${list[0].peakShared ? ' (one process: PyTorch + NumPy)' : ''}` : 'n/a';
    const spread = list.length > 1 ? ` (${Math.min(...seconds).toFixed(2)}–${Math.max(...seconds).toFixed(2)})` : '';
    console.log(`| ${name} | ${s.toFixed(2)}${spread} | ${Math.round(examples / s).toLocaleString('en-US')} | ${ratio} | ${list[0].loss.toFixed(4)} | ${peak} |`);
  }
  for (const [name, why] of skipped) console.log(`| ${name} | skipped: ${why} | | | | |`);
}

function printLatencies(latencies) {
  console.log(`\nStep latency in-process, kernels ${latencies[0].kernels} (ms, median / 90th percentile):`);
  console.log('| threads | step() | one iteration phase by phase | tasks run by the helper |');
  console.log('|---|---|---|---|');
  for (const r of latencies) {
    const ms = ({ median, p90 }) => `${median.toFixed(2)} / ${p90.toFixed(2)}`;
    console.log(`| ${r.threads} | ${ms(r.step)} | ${ms(r.phases)} | ${r.threads === 2 ? `${(100 * r.helperShare).toFixed(0)} %` : '—'} |`);
  }
}

const { loadDataset } = await engine();
if (ROUNDS > 0) await courseData();
await largeVocabulary();
const STREAM_ROUNDS = Number(process.env.BENCH_STREAM_ROUNDS ?? 0);
if (STREAM_ROUNDS > 0) await (await import('./bench-stream.mjs')).streamBench(STREAM_ROUNDS);

/** An int32 .npy file (version 1.0) of `data` shaped `shape`, for the Python reference. */
function writeNpy(file, data, shape) {
  let header = `{'descr': '<i4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header = header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11) + '\n';
  const prefix = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0]), Buffer.from(Uint16Array.of(header.length).buffer), Buffer.from(header, 'latin1')]);
  writeFileSync(file, Buffer.concat([prefix, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

/** The V = 8000 rows: one epoch on the KJV text's 4-grams, and the latency of one step. */
async function largeVocabulary() {
  if (LARGE_ROUNDS === 0) return;
  if (!existsSync(kjv)) return console.log(`\nV = ${LARGE_VOCAB}: skipped, ${kjv} not found`);
  const dataset = loadDataset(kjv, { vocabSize: LARGE_VOCAB });
  // PyTorch trains on the very examples the CLI's loader makes of the text.
  const folder = mkdtempSync(path.join(tmpdir(), 'nlm-bench-'));
  writeNpy(path.join(folder, 'train_inputs.npy'), dataset.train.inputs, [dataset.train.n, dataset.context]);
  writeNpy(path.join(folder, 'train_targets.npy'), dataset.train.targets, [dataset.train.n]);
  runs = new Map();
  skipped = new Map();
  const cli = ['--data', kjv, '--vocab', String(LARGE_VOCAB), '--no-record'];
  console.log(`\none epoch at V = ${dataset.vocab.length}: ${dataset.train.n.toLocaleString('en-US')} 4-grams of ${kjv}, D=16 P=128 sigmoid, batch 100, Adam; ${LARGE_ROUNDS} rounds`);
  for (let round = 1; round <= LARGE_ROUNDS; round++) {
    engineEpoch('NLM Lab, WASM relaxed SIMD, 2 threads (the default)', 'wasm', 2, cli);
    engineEpoch('NLM Lab, WASM relaxed SIMD, 1 thread', 'wasm', 1, cli);
    reference(folder, ['1'], [`vocab=${dataset.vocab.length}`, 'torch-only']);
    console.log(`round ${round}: ${[...runs].map(([name, list]) => `${name} ${list.at(-1).seconds.toFixed(2)} s`).join(', ')}`);
  }
  rmSync(folder, { recursive: true, force: true });
  printTable(dataset.train.n);
  printLatencies(await stepLatency(dataset, { warmup: 20, steps: 200, phaseWarmup: 5, phaseSteps: 50 }));
}
