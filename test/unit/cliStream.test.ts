// The CLI's stream task as a user runs it: train --task stream with --vocab --bptt --clip --batch,
// the model file it writes used by eval, predict and generate, gradcheck --task stream, and
// mistakes named.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-cli-stream-'));
const corpus = path.join(tmp, 'lines.txt');
fs.writeFileSync(corpus, Array.from({ length: 300 }, (_, i) => ['the cat sat on the mat .', 'a dog ran to the house .', 'my friend looked at a tree .'][i % 3]).join('\n') + '\n');

function nlm(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: tmp });
}

test('train --model lstm --task stream --vocab --bptt --clip --batch trains on token streams, says so, and its model file evaluates, predicts and generates', () => {
  const file = path.join(tmp, 'lstm.safetensors');
  const r = nlm('train', '--data', corpus, '--task', 'stream', '--model', 'lstm', '--vocab', '12', '--bptt', '6', '--clip', '0.25', '--batch', '8', '--optimizer', 'sgd', '--lr', '5', '--init', 'xavier', '--embed', '8', '--hidden', '16', '--epochs', '2', '--no-record', '--out', file);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /lines\.txt: V=12, 2400 tokens .*; token streams of 1920 train \/ 240 valid \/ 240 test tokens \(<eos> included\)$/m);
  assert.match(r.stdout, /^lstm D=8 P=16, 8 streams, windows of 6 tokens \(state carried, truncated BPTT\), sgd lr 5 .*clip 0\.25, batch 8/m);
  const epoch = /epoch 2: .*valid CE (\d+\.\d+)/.exec(r.stdout);
  assert.ok(epoch && Number(epoch[1]) < Math.log(12), r.stdout);
  const e = nlm('eval', '--model', file, '--data', corpus, '--vocab', '12', '--split', 'valid', '--json');
  assert.equal(e.status, 0, e.stderr);
  const evaluated = JSON.parse(e.stdout);
  assert.ok(Math.abs(evaluated.ce - Number(epoch![1])) < 1e-4, 'eval on valid reproduces the epoch (the file says it reads streams)');
  assert.equal(evaluated.n, 10 * 6 * 3, '10 evaluation streams of 24 tokens: 3 whole windows of 6');
  const asNgrams = nlm('eval', '--model', file, '--data', corpus, '--vocab', '12', '--task', 'ngram');
  assert.equal(asNgrams.status, 1);
  // Read as n-grams the text has no <eos>: the vocabularies differ, and the error says so.
  assert.match(asNgrams.stderr, /lstm\.safetensors: the vocabularies differ: word 0 is "<eos>" in the model/);
  const p = nlm('predict', '--model', file, 'the cat sat on the', '-k', '3');
  assert.equal(p.status, 0, p.stderr);
  assert.equal(p.stdout.trim().split('\n').length, 3);
  const g = nlm('generate', '--model', file, 'a dog', '--words', '4');
  assert.equal(g.status, 0, g.stderr);
  assert.match(g.stdout, /^a dog( \S+){4}$/m);
});

test('gradcheck --model rnn|lstm --task stream checks a window with its carried state below 1e-6', () => {
  for (const model of ['rnn', 'lstm']) {
    const r = nlm('gradcheck', '--model', model, '--task', 'stream', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out.params), ['W1', 'Wxh', 'Whh', 'bh', 'Why', 'by']);
    assert.ok(out.maxRelError < 1e-6, `${model}: ${out.maxRelError}`);
  }
});

test('stream mistakes are one-line errors naming the problem', () => {
  const cases: [string[], RegExp][] = [
    [['train', '--data', corpus, '--task', 'streams'], /--task must be ngram or stream/],
    [['train', '--data', corpus, '--task', 'stream'], /lines\.txt: is read as token streams, which the recurrent models train on \(--model rnn or lstm\), not the mlp/],
    [['train', '--data', 'demo', '--task', 'stream', '--model', 'rnn'], /demo: is a set of n-grams/],
    [['train', '--data', corpus, '--task', 'stream', '--model', 'rnn', '--batch', '200', '--no-record'], /has 1920 tokens in this split: too few for 200 streams/],
    [['gradcheck', '--task', 'stream'], /--task stream is for --model rnn or lstm/],
  ];
  for (const [args, message] of cases) {
    const r = nlm(...args);
    assert.equal(r.status, 1, args.join(' '));
    assert.match(r.stderr.split('\n')[0], message);
  }
});
