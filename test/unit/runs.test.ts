// Run records, `nlm runs` and `nlm sweep` as a user runs them (the built CLI): the files a run
// leaves, a run stopped by a signal, a sweep cancelled and resumed, sweep numbers equal to `nlm
// train`'s. Tiny models on the demo corpus, so each run takes a fraction of a second.
import assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { loadModel } from '../../src/engine/modelfile/modelFile';
import { readMetrics } from '../../src/engine/runs/readMetrics';
import { MetricsLine, RunConfig, RunSummary } from '../../src/engine/runs/runFiles';

const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-runs-'));
const TINY = ['--embed', '4', '--hidden', '8'];

function nlm(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: tmp });
}

function runDirs(runsDir: string): string[] {
  return fs
    .readdirSync(runsDir)
    .filter((n) => n !== 'sweeps')
    .sort()
    .map((n) => path.join(runsDir, n));
}

function readRun(dir: string) {
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as RunConfig;
  const summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')) as RunSummary;
  return { config, summary, metrics: readMetrics(dir) };
}

/** The step windows cover steps 1..last without gaps or overlaps. */
function assertStepsContiguous(metrics: MetricsLine[], last: number): void {
  let next = 1;
  for (const m of metrics) {
    if (m.type !== 'steps') continue;
    assert.equal(m.firstStep, next);
    assert.ok(m.lastStep >= m.firstStep && m.lastStep - m.firstStep < 50);
    next = m.lastStep + 1;
  }
  assert.equal(next - 1, last);
}

test('nlm train records its run: configuration with a dataset hash, metrics, model, summary', () => {
  const runs = path.join(tmp, 'train-runs');
  const r = nlm('train', ...TINY, '--epochs', '2', '--lr-decay', '0.5', '--json', '--test', '--runs-dir', runs);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const epochs = lines.slice(0, -1);
  const test = lines[lines.length - 1];
  assert.deepEqual(Object.keys(test), ['test_ce', 'test_acc', 'test_top5', 'test_perplexity']);
  const [dir, ...others] = runDirs(runs);
  assert.equal(others.length, 0);
  const { config, summary, metrics } = readRun(dir);
  assert.equal(config.format, 'nlm-lab-run/1');
  assert.equal(config.id, path.basename(dir));
  assert.equal(config.config.embeddingDim, 4);
  assert.equal(config.config.lrDecay, 0.5);
  assert.equal(config.dataset.path, 'demo');
  assert.match(config.dataset.hash, /^sha256:[0-9a-f]{64}$/);
  assert.equal(summary.status, 'finished');
  assert.equal(summary.epochs, 2);
  assert.equal(summary.model, 'model.safetensors');
  assert.equal(summary.final!.trainCe, epochs[1].train_ce);
  assert.equal(summary.final!.validCe, epochs[1].valid_ce);
  const best = epochs.reduce((a, b) => (b.valid_acc > a.valid_acc ? b : a));
  assert.equal(summary.bestValidAcc!.acc, best.valid_acc);
  assert.equal(summary.bestValidAcc!.epoch, best.epoch);
  assert.equal(summary.bestValidCe!.ce, Math.min(...epochs.map((e) => e.valid_ce)));
  const epochLines = metrics.filter((m) => m.type === 'epoch');
  assert.deepEqual(
    epochLines.map((m) => [m.epoch, m.trainCe, m.validAcc]),
    epochs.map((e) => [e.epoch, e.train_ce, e.valid_acc]),
  );
  assertStepsContiguous(metrics, summary.steps);
  assert.equal(epochLines[1].step, summary.steps);
  const model = loadModel(path.join(dir, 'model.safetensors'));
  // Each window holds the gradient norms of its first step: every gradient of the model, and all together.
  for (const m of metrics) {
    if (m.type !== 'steps') continue;
    assert.deepEqual(Object.keys(m.gradNorms!), Object.keys(model.params).map((n) => `d${n}`));
    assert.ok(Number.isFinite(m.gradNorm) && m.gradNorm! > 0 && Object.values(m.gradNorms!).every((n) => n >= 0 && n <= m.gradNorm!));
  }
  assert.deepEqual(model.params.W1.shape, [249, 4]);
  assert.equal(model.meta.provenance?.epochs, 2);
  assert.deepEqual(summary.test, { ce: test.test_ce, acc: test.test_acc, top5: test.test_top5, perplexity: test.test_perplexity });
  // The recorded model is the trained one: evaluating it gives the recorded test metrics.
  const e = nlm('eval', '--model', path.join(dir, 'model.safetensors'), '--data', 'demo', '--split', 'test', '--json');
  assert.equal(JSON.parse(e.stdout).ce, test.test_ce);

  // Same data, same hash; another corpus, another hash. `nlm runs` lists both, newest first.
  const again = nlm('train', ...TINY, '--epochs', '1', '--seed', '7', '--json', '--runs-dir', runs);
  assert.equal(again.status, 0, again.stderr);
  const second = readRun(runDirs(runs)[1]);
  assert.equal(second.config.dataset.hash, config.dataset.hash);
  const listed = nlm('runs', '--runs-dir', runs, '--json')
    .stdout.trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    listed.map((l) => l.id),
    [second.config.id, config.id],
  );
  assert.deepEqual(listed[0].settings, { embed: 4, hidden: 8, epochs: 1, seed: 7 });
  assert.equal(listed[1].bestValidAcc.acc, best.valid_acc);
  const text = nlm('runs', '--runs-dir', runs).stdout.split('\n');
  assert.match(text[0], new RegExp(`^${second.config.id}  finished  demo  embed=4 hidden=8 epochs=1 seed=7  best valid acc 0\\.\\d{4} \\(epoch 1\\)$`));
});

test('--no-record records nothing; the default runs folder is .nlm/runs in the current folder', () => {
  const cwd = fs.mkdtempSync(path.join(tmp, 'cwd-'));
  const none = spawnSync(process.execPath, [cli, 'train', ...TINY, '--epochs', '1', '--json', '--no-record'], { encoding: 'utf8', cwd });
  assert.equal(none.status, 0, none.stderr);
  assert.deepEqual(fs.readdirSync(cwd), []);
  const recorded = spawnSync(process.execPath, [cli, 'train', ...TINY, '--epochs', '1', '--json'], { encoding: 'utf8', cwd });
  assert.equal(recorded.status, 0, recorded.stderr);
  assert.equal(runDirs(path.join(cwd, '.nlm', 'runs')).length, 1);
});

/** Resolves once `pattern` has appeared on the child's `stream`. */
function waitFor(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child[stream]!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`exited (code ${code}) before ${pattern}; ${stream}: ${seen}`)));
  });
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  test(`a run stopped by ${signal} mid-training keeps its files, with status "stopped"`, async () => {
    const runs = path.join(tmp, `stopped-${signal}`);
    const child = spawn(process.execPath, [cli, 'train', ...TINY, '--epochs', '100', '--json', '--runs-dir', runs], { cwd: tmp });
    // After the first epoch: the stop lands in the middle of a later one.
    await waitFor(child, 'stdout', /"epoch":1,/);
    const exit = exited(child);
    child.kill(signal);
    assert.equal(await exit, code);
    const [dir] = runDirs(runs);
    const { summary, metrics } = readRun(dir);
    assert.equal(summary.status, 'stopped');
    assert.ok(summary.epochs >= 1 && summary.epochs < 100, `epochs ${summary.epochs}`);
    assert.ok(summary.steps > 0 && summary.ended !== null);
    assert.equal(metrics.filter((m) => m.type === 'epoch').length, summary.epochs);
    assertStepsContiguous(metrics, summary.steps);
    assert.equal(summary.final!.epoch, summary.epochs);
    assert.deepEqual(loadModel(path.join(dir, 'model.safetensors')).params.W3.shape, [8, 249]);
  });
}

test('a run killed with SIGKILL keeps its files as of its last epoch, status "running"', async () => {
  const runs = path.join(tmp, 'killed');
  const child = spawn(process.execPath, [cli, 'train', ...TINY, '--epochs', '100', '--json', '--runs-dir', runs], { cwd: tmp });
  await waitFor(child, 'stdout', /"epoch":2,/);
  const exit = exited(child);
  child.kill('SIGKILL');
  assert.equal(await exit, null);
  const [dir] = runDirs(runs);
  const { config, summary, metrics } = readRun(dir);
  assert.equal(config.config.epochs, 100);
  assert.equal(summary.status, 'running');
  assert.ok(summary.epochs >= 2, `epochs ${summary.epochs}`);
  assert.ok(metrics.filter((m) => m.type === 'epoch').length >= summary.epochs);
  // The model is saved before the summary: the kill may land between the two.
  const modelEpochs = loadModel(path.join(dir, 'model.safetensors')).meta.provenance!.epochs!;
  assert.ok(modelEpochs === summary.epochs || modelEpochs === summary.epochs + 1, `model after epoch ${modelEpochs}`);
});

const SWEEP = ['sweep', '--embed', '4,6', '--hidden', '8,12', '--epochs', '2', '--seed', '3'];

test('a sweep cancelled with Ctrl-C resumes where it stopped: finished points are not trained again', async () => {
  const runs = path.join(tmp, 'sweep-runs');
  const child = spawn(process.execPath, [cli, ...SWEEP, '--runs-dir', runs, '--json'], { cwd: tmp });
  await waitFor(child, 'stderr', /run 3\/4: embed=6 hidden=8\nnlm: {3}epoch 1\/2/);
  const exit = exited(child);
  child.kill('SIGINT');
  assert.equal(await exit, 130);
  const [sweepId] = fs.readdirSync(path.join(runs, 'sweeps'));
  const state = JSON.parse(fs.readFileSync(path.join(runs, 'sweeps', sweepId, 'sweep.json'), 'utf8'));
  const finished = Object.values(state.finished) as string[];
  assert.equal(finished.length, 2);
  const before = runDirs(runs);
  assert.equal(before.length, 3);
  assert.deepEqual(
    before.map((d) => readRun(d).summary.status),
    ['finished', 'finished', 'stopped'],
  );

  const resumed = nlm(...SWEEP, '--runs-dir', runs, '--json');
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /4 runs, 2 already finished/);
  assert.doesNotMatch(resumed.stderr, /run [12]\/4/);
  assert.match(resumed.stderr, /run 3\/4: embed=6 hidden=8[^]*run 4\/4: embed=6 hidden=12/);
  const rows = resumed.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(
    rows.map((r) => r.settings),
    [
      { embeddingDim: 4, hiddenUnits: 8 },
      { embeddingDim: 4, hiddenUnits: 12 },
      { embeddingDim: 6, hiddenUnits: 8 },
      { embeddingDim: 6, hiddenUnits: 12 },
    ],
  );
  assert.deepEqual(
    rows.slice(0, 2).map((r) => r.run),
    finished,
  );
  assert.ok(rows.every((r) => r.status === 'finished' && r.epochs === 2));
  assert.equal(runDirs(runs).length, 5);
  for (const r of rows) assert.equal(readRun(path.join(runs, r.run)).config.sweep?.id, sweepId);

  // A third time: nothing left to train; the table in CSV parses back to the same numbers.
  const csv = nlm(...SWEEP, '--runs-dir', runs, '--table', 'csv');
  assert.equal(csv.status, 0, csv.stderr);
  assert.doesNotMatch(csv.stderr, /run \d\/4/);
  const [header, ...lines] = csv.stdout.trim().split('\n').map((l) => l.split(','));
  assert.deepEqual(header, ['embed', 'hidden', 'best valid CE', 'best valid acc', 'final valid CE', 'final valid acc', 'time (s)']);
  assert.deepEqual(
    lines.map((l) => [Number(l[0]), Number(l[1]), Number(l[2]), Number(l[5])]),
    rows.map((r) => [r.settings.embeddingDim, r.settings.hiddenUnits, r.bestValidCe, r.finalValidAcc]),
  );
  assert.equal(runDirs(runs).length, 5);
});

test('each sweep run is the run nlm train makes with the same settings, to the last bit', () => {
  const runs = path.join(tmp, 'equal-runs');
  const sweep = nlm('sweep', '--embed', '4', '--hidden', '8,12', '--epochs', '1', '--lr', '0.01', '--test', '--runs-dir', runs, '--json');
  assert.equal(sweep.status, 0, sweep.stderr);
  const rows = sweep.stdout.trim().split('\n').map((l) => JSON.parse(l));
  for (const row of rows) {
    const single = nlm('train', '--embed', '4', '--hidden', String(row.settings.hiddenUnits), '--epochs', '1', '--lr', '0.01', '--test', '--json', '--no-record');
    assert.equal(single.status, 0, single.stderr);
    const [epoch, test] = single.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(row.testCe, test.test_ce);
    assert.equal(row.finalTrainCe, epoch.train_ce);
    assert.equal(row.finalValidCe, epoch.valid_ce);
    assert.equal(row.finalValidAcc, epoch.valid_acc);
  }

  // The same sweep as a file is the same sweep: its points are finished already.
  const file = path.join(tmp, 'sweep.json');
  fs.writeFileSync(file, JSON.stringify({ data: 'demo', grid: { hiddenUnits: [8, 12] }, fixed: { embeddingDim: 4, epochs: 1, lr: 0.01 }, test: true }));
  const fromFile = nlm('sweep', file, '--runs-dir', runs, '--json');
  assert.equal(fromFile.status, 0, fromFile.stderr);
  assert.match(fromFile.stderr, /2 runs, 2 already finished/);
  assert.equal(fromFile.stdout, sweep.stdout);
});

test('sweep refuses a bad grid before training anything', () => {
  const runs = path.join(tmp, 'bad-runs');
  const cases: [string[], RegExp][] = [
    [['sweep', '--hidden', '8,many', '--runs-dir', runs], /hiddenUnits must be a number \(got "many"\)/],
    [['sweep', '--hidden', '8,,16', '--runs-dir', runs], /--hidden: an empty value/],
    [['sweep', '--table', 'html', '--runs-dir', runs], /--table must be one of text, csv, markdown, latex/],
    [['sweep', path.join(tmp, 'missing.json'), '--runs-dir', runs], /missing\.json: does not exist/],
  ];
  for (const [args, message] of cases) {
    const r = nlm(...args);
    assert.equal(r.status, 1, args.join(' '));
    assert.match(r.stderr.split('\n')[0], message);
  }
  assert.equal(fs.existsSync(runs), false);
});
