// The built CLI as a user runs it: JSON lines, one-line errors, exit codes.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { realDataSkip, requireRealData } from './fixtures';

const root = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-cli-'));
const model = path.join(tmp, 'demo.safetensors');

// In the temporary folder, so the runs `train` records (.nlm/runs) land there, not in the repository.
function nlm(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: tmp });
}

test('train --json prints one object per epoch and saves a model; eval, predict, neighbours, generate use it', () => {
  const r = nlm('train', '--epochs', '2', '--hidden', '64', '--json', '--out', model, '--npz', path.join(tmp, 'demo.npz'));
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 2);
  for (const l of lines) assert.deepEqual(Object.keys(l), ['epoch', 'train_ce', 'train_acc', 'valid_ce', 'valid_acc', 'seconds', 'diverged']);
  for (const l of lines) assert.equal(l.diverged, false);
  assert.doesNotMatch(r.stderr, /diverged/);
  assert.ok(lines[1].valid_ce < lines[0].valid_ce + 0.05);
  assert.ok(fs.statSync(model).size > 0 && fs.statSync(path.join(tmp, 'demo.npz')).size > 0);

  const e = JSON.parse(execFileSync(process.execPath, [cli, 'eval', '--model', model, '--data', 'demo', '--split', 'valid', '--json'], { encoding: 'utf8' }));
  assert.deepEqual(Object.keys(e), ['n', 'ce', 'acc', 'top5', 'perplexity']);
  assert.ok(Math.abs(e.ce - lines[1].valid_ce) < 1e-9, 'eval on valid reproduces the last epoch');
  assert.ok(Math.abs(e.perplexity - Math.exp(e.ce)) < 1e-9);

  const p = nlm('predict', '--model', model, 'we went to', '-k', '3');
  assert.equal(p.status, 0, p.stderr);
  assert.equal(p.stdout.trim().split('\n').length, 3);
  assert.match(p.stdout, /the/);
  const n = nlm('neighbours', '--model', model, 'monday', '-k', '3');
  assert.equal(n.status, 0, n.stderr);
  const g = nlm('generate', '--model', model, 'they will see', '--words', '5');
  assert.equal(g.status, 0, g.stderr);
  assert.equal(g.stdout.trim().split(/\s+/).length, 8);
});

test('train --lr 100 says on stderr that training diverged, and --json marks the epoch; the metrics stay honest', () => {
  const r = nlm('train', '--lr', '100', '--epochs', '1', '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^nlm: step \d+ \(epoch 1\): training diverged: mean loss \d+\.\d over the last \d+ steps, far above ln V = 5\.52/m);
  assert.equal(r.stderr.match(/diverged/g)?.length, 1, 'said once');
  const [line] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(line.diverged, true);
  // The probabilities of the diverged model underflow: a capped CE and ties at 0 used to report
  // 53.4 and a top-5 of 100 %.
  assert.ok(line.valid_ce > 100, `valid CE ${line.valid_ce}`);
  const text = nlm('train', '--lr', '100', '--epochs', '1');
  assert.match(text.stdout, /^epoch 1: .* top-5 0\.\d+ .*\| diverged$/m);
  assert.match(text.stderr, /training diverged/);
});

test('gradcheck --json reports every parameter below 1e-6', () => {
  const r = JSON.parse(execFileSync(process.execPath, [cli, 'gradcheck', '--json'], { encoding: 'utf8' }));
  assert.deepEqual(Object.keys(r.params), ['W1', 'W2', 'b1', 'W3', 'b2']);
  assert.ok(r.maxRelError < 1e-6);
});

test('errors are one line naming the file and the problem, exit code 1, no stack trace', () => {
  const garbage = path.join(tmp, 'garbage.txt');
  fs.writeFileSync(garbage, Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00]));
  const cases: [string[], RegExp][] = [
    [['train', '--data', path.join(tmp, 'missing')], /missing: does not exist/],
    [['train', '--data', garbage], /garbage\.txt: does not look like a text corpus/],
    [['train', '--lr', 'fast'], /lr must be a number/],
    [['eval', '--model', garbage, '--data', 'demo'], /garbage\.txt: /],
    [['predict', '--model', model, 'zzz of new'], /"zzz" is not one of the model's/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ];
  for (const [args, message] of cases) {
    const r = nlm(...args);
    assert.equal(r.status, 1, args.join(' '));
    const first = r.stderr.split('\n')[0];
    assert.match(first, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('eval on the course data refuses a model with another vocabulary', { skip: realDataSkip() }, () => {
  const r = nlm('eval', '--model', model, '--data', path.join(requireRealData(), 'npy'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /vocabulary of 249 words but .*npy has 250/);
});
