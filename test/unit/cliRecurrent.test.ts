// The CLI's recurrent-model flags as a user runs them: train --model rnn --bptt --clip, the model
// file it writes used by eval and predict, gradcheck --model --bptt, and bad values named.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-cli-rnn-'));

function nlm(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: tmp });
}

test('train --model rnn --bptt 2 --clip 1 trains an RNN, says so, and writes an RNN model file that eval and predict use', () => {
  const file = path.join(tmp, 'rnn.safetensors');
  const r = nlm('train', '--model', 'rnn', '--bptt', '2', '--clip', '1', '--embed', '8', '--hidden', '16', '--epochs', '1', '--no-record', '--out', file);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^rnn D=8 P=16, BPTT last 2 steps, adam lr 0\.005 \(cosine to 0\), clip 1, batch 100/m);
  const epoch = /valid CE (\d+\.\d+)/.exec(r.stdout);
  assert.ok(epoch && Number(epoch[1]) < Math.log(249), r.stdout);
  const e = nlm('eval', '--model', file, '--data', 'demo', '--split', 'valid', '--json');
  assert.equal(e.status, 0, e.stderr);
  assert.ok(Math.abs(JSON.parse(e.stdout).ce - Number(epoch![1])) < 1e-4, 'eval on valid reproduces the epoch');
  const p = nlm('predict', '--model', file, 'we went to', '-k', '2');
  assert.equal(p.status, 0, p.stderr);
  assert.equal(p.stdout.trim().split('\n').length, 2);
});

test('gradcheck --model rnn|lstm, full and with --bptt 2, checks the parameters below 1e-6', () => {
  for (const extra of [['rnn'], ['rnn', '--bptt', '2'], ['lstm'], ['lstm', '--bptt', '2']]) {
    const r = nlm('gradcheck', '--model', ...extra, '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out.params), ['W1', 'Wxh', 'Whh', 'bh', 'Why', 'by']);
    assert.ok(out.maxRelError < 1e-6, `${extra.join(' ')}: ${out.maxRelError}`);
  }
});

test('bad recurrent settings are one-line errors naming the setting', () => {
  const cases: [string[], RegExp][] = [
    [['train', '--model', 'gru'], /model must be one of mlp, rnn, lstm/],
    [['train', '--model', 'rnn', '--bptt=-1'], /bptt must be between 0 and 1000/],
    [['train', '--clip', 'x'], /clip must be a number/],
    [['gradcheck', '--model', 'cnn'], /model must be one of/],
  ];
  for (const [args, message] of cases) {
    const r = nlm(...args);
    assert.equal(r.status, 1, args.join(' '));
    assert.match(r.stderr.split('\n')[0], message);
  }
});
