// `nlm exercise` as an instructor runs it: the printed file, one verdict per line (text or JSON),
// exit code 0 only when every line is correct.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-exercise-'));

function nlm(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
}

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

test('exercise new prints the file with the chosen lines blank; the shipped exercises are what it prints', () => {
  const r = nlm('exercise', 'new');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^# nlm exercise: model mlp, activation sigmoid\n/);
  assert.match(r.stdout, /^dW3 = $/m);
  assert.match(r.stdout, /^Z1 = E @ W2 \+ b1$/m);
  assert.equal(r.stdout, fs.readFileSync(path.join(root, 'exercises', 'mlp-backward.nlmx'), 'utf8'));
  assert.equal(nlm('exercise', 'new', '--blank', 'forward').stdout, fs.readFileSync(path.join(root, 'exercises', 'mlp-forward.nlmx'), 'utf8'));
  const bad = nlm('exercise', 'new', '--blank', 'sideways');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^nlm: --blank must be one of backward, forward, all, none\nusage:/);
});

test('exercise check: exit code 0 and every line correct for a solved file; --json gives one object per line', () => {
  const solved = write('solved.nlmx', nlm('exercise', 'new', '--blank', 'none', '--activation', 'tanh').stdout);
  const r = nlm('exercise', 'check', solved, '--json');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 15);
  for (const l of lines) {
    assert.deepEqual(Object.keys(l), ['line', 'column', 'name', 'verdict', 'maxAbsDiff', 'relDiff', 'message', 'hint']);
    assert.equal(l.verdict, 'correct', `${l.name}: ${l.message}`);
    assert.ok(l.maxAbsDiff >= 0 && l.hint === null);
  }
  const text = nlm('exercise', 'check', solved);
  assert.equal(text.status, 0);
  assert.match(text.stdout, /solved\.nlmx:\d+:1 dW3: correct\n/);
  assert.match(text.stdout, /15 of 15 lines correct\n$/);
});

test('exercise check: a mistake or a blank line makes the exit code 1, with the verdict and the hint', () => {
  const solved = nlm('exercise', 'new', '--blank', 'none').stdout;
  const mistaken = write('mistaken.nlmx', solved.replace(/^dW3 = .*$/m, 'dW3 = dZ2.T @ H').replace(/^dZ1 = .*$/m, 'dZ1 = dH'));
  const r = nlm('exercise', 'check', mistaken, '--json');
  assert.equal(r.status, 1);
  const by = Object.fromEntries(r.stdout.trim().split('\n').map((l) => JSON.parse(l)).map((l) => [l.name, l]));
  assert.equal(by.dW3.verdict, 'error');
  assert.match(by.dW3.hint, /^got 249×128, expected 128×249 — transposed\?$/);
  assert.equal(by.dZ1.verdict, 'wrong');
  assert.ok(by.dZ1.maxAbsDiff > 0);
  assert.match(by.dZ1.hint, /missing the sigmoid'\(Z1\) factor/);
  const text = nlm('exercise', 'check', mistaken);
  assert.match(text.stdout, /mistaken\.nlmx:\d+:7 dZ1: wrong — differs by up to \S+ \(relative \S+\) in every row \(100\), every column \(128\); largest at \[\d+, \d+\] \(hint: missing/);
  assert.match(text.stdout, /13 of 15 lines correct\n$/);
  const blank = nlm('exercise', 'check', path.join(root, 'exercises', 'mlp-backward.nlmx'));
  assert.equal(blank.status, 1);
  assert.match(blank.stdout, /mlp-backward\.nlmx:\d+:7 dW3: error — dW3 is left blank/);
});

test('exercise check: a missing file, a bad header or no file is one error line and exit code 1', () => {
  const missing = nlm('exercise', 'check', path.join(tmp, 'nope.nlmx'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^nlm: .*nope\.nlmx/);
  const header = write('header.nlmx', '# nlm exercise: model mlp, activation swish\nE =\n');
  const h = nlm('exercise', 'check', header);
  assert.equal(h.status, 1);
  assert.match(h.stderr, /^nlm: .*header\.nlmx: line 1, column 39: unknown activation swish/);
  const none = nlm('exercise', 'check');
  assert.equal(none.status, 1);
  assert.match(none.stderr, /give exactly one exercise FILE\.nlmx/);
});

test('exercise new --model rnn (and lstm): backpropagation through time, as shipped; its answers pass; a file for another context is refused', () => {
  const r = nlm('exercise', 'new', '--model', 'rnn');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^# nlm exercise: model rnn\n/);
  assert.equal(r.stdout, fs.readFileSync(path.join(root, 'exercises', 'rnn-backward.nlmx'), 'utf8'));
  assert.equal(nlm('exercise', 'new', '--model', 'lstm').stdout, fs.readFileSync(path.join(root, 'exercises', 'lstm-backward.nlmx'), 'utf8'));
  const solved = write('rnn.nlmx', nlm('exercise', 'new', '--model', 'rnn', '--blank', 'none').stdout);
  const checked = nlm('exercise', 'check', solved);
  assert.equal(checked.status, 0, checked.stdout + checked.stderr);
  assert.match(checked.stdout, /34 of 34 lines correct\n$/);
  const four = write('rnn4.nlmx', nlm('exercise', 'new', '--model', 'rnn', '--context', '4', '--blank', 'none').stdout);
  const refused = nlm('exercise', 'check', four);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /the exercise is for 4 context words, but the data has 3/);
  assert.match(nlm('exercise', 'new', '--context', '0').stderr, /--context must be a whole number of context words from 1 to 10/);
});
