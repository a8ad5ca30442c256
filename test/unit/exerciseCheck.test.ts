// The exercise checker on a real training run: the model's own answers and answers written
// differently pass in every phase, typical mistakes get their verdict and hint, and bad lines give
// an error with a position.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACTIVATIONS, ActivationName } from '../../src/engine/activations';
import { DEFAULT_CONFIG, TrainConfig } from '../../src/engine/config';
import { checkExercise, LineVerdict } from '../../src/engine/exercise/checker';
import { newExercise, readExercise } from '../../src/engine/exercise/exerciseFile';
import { mlp } from '../../src/engine/models/mlp';
import { mlpExercise } from '../../src/engine/models/mlp/exercise';
import { Rng } from '../../src/engine/rng';
import { toyDataset } from './fixtures';

const DATA = toyDataset(20, 300);
const CONFIG: TrainConfig = { ...DEFAULT_CONFIG, embeddingDim: 4, hiddenUnits: 6, batchSize: 25, lr: 0.5 };

function solved(activation: ActivationName = 'sigmoid'): string {
  return newExercise({ model: 'mlp', activation }, 'none');
}

/** The solved file with the line of `name` replaced (or appended lines when name is new). */
function withLine(text: string, name: string, expression: string): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith(`${name} =`));
  assert.ok(i >= 0, `the file has a line for ${name}`);
  lines[i] = `${name} = ${expression}`;
  return lines.join('\n');
}

function check(text: string): LineVerdict[] {
  return checkExercise(text, DATA, { config: CONFIG });
}

function verdictOf(text: string, name: string): LineVerdict {
  const v = check(text).find((x) => x.name === name);
  assert.ok(v, `a verdict for ${name}`);
  return v;
}

test('the model answers every phase correctly, for every activation', () => {
  for (const activation of ACTIVATIONS) {
    const verdicts = check(solved(activation));
    const names = verdicts.map((v) => v.name);
    assert.deepEqual(names, ['E', 'Z1', 'H', 'Z2', 'P', 'loss', 'dZ2', 'dW3', 'db2', 'dH', 'dZ1', 'dW2', 'db1', 'dE', 'dW1'], 'one line per tensor, in the phases’ order');
    for (const v of verdicts) {
      assert.equal(v.verdict, 'correct', `${activation} ${v.name}: ${v.message}`);
      assert.ok(v.relDiff! < 1e-5);
    }
  }
});

test('answers written differently from the engine’s pass, helper lines included', () => {
  let text = solved('sigmoid');
  const alternatives: Record<string, string> = {
    dZ1: 'H * (1 - H) * dH',
    dZ2: 'softmax(Z2) / N - Y / N',
    db2: 'mean(dZ2, 0) * N',
    dW3: '(dZ2.T @ H).T',
    dH: '(W3 @ dZ2.T).T',
    loss: '-sum(log(sum(P * Y, 1)), 0) / N',
    dW1: 'scatter_add(W1, x3, slice(dE, 2 * D, 3 * D)) + scatter_add(W1, x1, slice(dE, 0, D)) + scatter_add(W1, x2, slice(dE, D, 2 * D))',
    Z1: 'b1 + E @ W2',
    E: 'concat(rows(W1, x1), concat(rows(W1, x2), rows(W1, x3)))',
  };
  for (const [name, expr] of Object.entries(alternatives)) text = withLine(text, name, expr);
  text = text.replace('# phase loss', 'Y = onehot(y, V)  # a name of my own\n# phase loss');
  const verdicts = check(text);
  assert.equal(verdicts.find((v) => v.name === 'Y')?.verdict, 'helper');
  assert.match(verdicts.find((v) => v.name === 'Y')!.message, /defines Y, 25×20/);
  for (const v of verdicts.filter((x) => x.name !== 'Y')) assert.equal(v.verdict, 'correct', `${v.name}: ${v.message}`);
  assert.equal(verdictOf(withLine(solved('tanh'), 'dZ1', 'dH - dH * H * H'), 'dZ1').verdict, 'correct');
  assert.equal(verdictOf(withLine(solved('relu'), 'dZ1', 'dH * step(H)'), 'dZ1').verdict, 'correct');
});

test('typical mistakes get their verdict and hint', () => {
  const cases: [string, string, 'wrong' | 'error', RegExp][] = [
    ['dW3', 'dZ2.T @ H', 'error', /^got 20×6, expected 6×20 — transposed\?$/],
    ['dZ1', 'dH', 'wrong', /missing the sigmoid'\(Z1\) factor/],
    ['dZ1', 'dH * H', 'wrong', /σ'\(Z1\) is H ⊙ \(1 − H\), not H/],
    ['dZ2', '(onehot(y, V) - P) / N', 'wrong', /wrong sign/],
    ['db2', '-sum(dZ2, 0)', 'wrong', /wrong sign: this is minus the right value/],
    ['dZ2', 'P - onehot(y, V)', 'wrong', /missing 1\/N: this is N = 25 times the right value/],
    ['dW3', 'H.T @ (P - onehot(y, V))', 'wrong', /missing 1\/N/],
    ['dW3', 'H.T @ dZ2 / N', 'wrong', /divided by N once too often/],
    ['db2', 'sum(dZ2, 1)', 'error', /got 25×1, expected 1×20 — summed over the wrong axis\?/],
    ['Z1', 'E @ W2', 'wrong', /missing the bias b1/],
    ['dW2', 'E.T @ dH', 'wrong', /dW2 uses dZ1/],
  ];
  for (const [name, expr, verdict, hint] of cases) {
    const v = verdictOf(withLine(solved(), name, expr), name);
    assert.equal(v.verdict, verdict, `${name} = ${expr}: ${v.message}`);
    assert.match(v.hint ?? '', hint, `${name} = ${expr}`);
  }
});

test('every mistake the model declares is wrong and gets its own hint, for every activation', () => {
  for (const activation of ACTIVATIONS) {
    const shape = mlp.shapeFor({ ...CONFIG, activation }, { vocabSize: DATA.vocab.length, context: 3 });
    for (const [name, list] of Object.entries(mlpExercise.mistakes(shape))) {
      for (const { expression, hint } of list) {
        const v = verdictOf(withLine(solved(activation), name, expression), name);
        assert.deepEqual([v.verdict, v.hint], ['wrong', hint], `${activation}: ${name} = ${expression}: ${v.message}`);
      }
    }
  }
});

test('a wrong value says by how much and where', () => {
  const v = verdictOf(withLine(solved(), 'dW1', 'scatter_add(W1, x1, slice(dE, 0, D)) + scatter_add(W1, x2, slice(dE, D, 2 * D))'), 'dW1');
  assert.equal(v.verdict, 'wrong');
  assert.ok(v.maxAbsDiff! > 0 && v.relDiff! > 1e-5);
  assert.match(v.message, /^differs by up to \S+ \(relative \S+\) in rows? [\d, …]+ \(\d+ of 20\), every column \(4\); largest at \[\d+, \d\]$/);
  assert.equal(v.hint, undefined, 'no hint for a mistake of no known kind');
  const one = verdictOf(withLine(solved(), 'P', 'softmax(Z2) + concat(slice(Z2 * 0, 0, 19), slice(Z2 * 0, 19, 20) + 1e-3)'), 'P');
  assert.match(one.message, /every row \(25\), column 19 \(1 of 20\); largest at \[\d+, 19\]/);
});

test('bad lines give an error with a position, and the rest of the file is still checked', () => {
  let text = solved();
  text = withLine(text, 'dZ2', '(P - onehot(y, V) / N');
  text = withLine(text, 'dW3', 'H.T @ dZ');
  text = withLine(text, 'dH', 'dZ2 @ dW2');
  text = withLine(text, 'db1', '');
  text = text.replace(/^dE = .*$/m, '');
  text += 'W1 = W1 * 2\ndZ1 = dH\n% nonsense\n';
  const verdicts = check(text);
  const by = (name: string) => verdicts.find((v) => v.name === name)!;
  const lineOf = (name: string) => readExercise(text).find((l) => ('assignment' in l ? l.assignment.name : l.name) === name)!.line;
  assert.deepEqual([by('dZ2').verdict, by('dZ2').line, by('dZ2').column], ['error', lineOf('dZ2'), 'dZ2 = (P - onehot(y, V) / N'.length + 1]);
  assert.match(by('dZ2').message, /expected "\)" to close the "\("/);
  assert.match(by('dW3').message, /unknown name dZ; the names here are/);
  assert.equal(by('dW3').column, 'dW3 = H.T @ '.length + 1);
  assert.match(by('dH').message, /unknown name dW2;.*\(dW2 is written by a later phase\)/);
  assert.match(by('db1').message, /db1 is left blank/);
  assert.deepEqual([by('dE').line, by('dE').verdict], [null, 'error']);
  assert.match(by('dE').message, /no line for dE \(phase dE\)/);
  assert.match(by('W1').message, /W1 is a tensor of the model that no phase of the iteration writes/);
  assert.match(verdicts.filter((v) => v.name === 'dZ1')[1].message, /dZ1 is already defined on line \d+/);
  const nonsense = verdicts.find((v) => v.name === '' && /unexpected character "%"/.test(v.message));
  assert.ok(nonsense && nonsense.column === 1);
  for (const name of ['E', 'Z1', 'dW2', 'dW1']) assert.equal(by(name).verdict, 'correct', name);
});

test('a new exercise leaves the chosen phases blank and gives each tensor its shape', () => {
  const backward = newExercise({ model: 'mlp', activation: 'tanh' }, 'backward');
  assert.match(backward, /^# nlm exercise: model mlp, activation tanh\n/);
  assert.match(backward, /^H = tanh\(Z1\)$/m);
  assert.match(backward, /^dW3 = $/m);
  assert.match(backward, /^db2 = $/m);
  assert.match(backward, /# phase dW3 \(backward\): reads H, dZ2; writes dW3 M×V, db2 1×V/);
  const forward = newExercise({ model: 'mlp', activation: 'sigmoid' }, 'forward');
  assert.match(forward, /^Z1 = $/m);
  assert.match(forward, /^dW3 = H\.T @ dZ2$/m);
  const all = newExercise({ model: 'mlp', activation: 'sigmoid' }, 'all');
  assert.equal(all.match(/^\w+ = $/gm)?.length, 15);
  const verdicts = check(backward);
  assert.deepEqual(verdicts.filter((v) => v.verdict === 'correct').map((v) => v.name), ['E', 'Z1', 'H', 'Z2', 'P', 'loss']);
  assert.ok(verdicts.filter((v) => v.verdict !== 'correct').every((v) => v.verdict === 'error' && /left blank/.test(v.message)));
});

test('fuzz: a file of random lines gets a verdict for every line and never throws', () => {
  const rng = new Rng(1414);
  const names = ['E', 'Z1', 'H', 'P', 'loss', 'dZ2', 'dW3', 'db2', 'dZ1', 'dW1', 'W1', 'N', 'tmp', 'Y', '1x', ''];
  const pieces = ['H', 'dH', 'Z1', 'dZ2', 'W3', 'b2', 'x1', 'y', 'N', 'V', 'D', 'tmp', '1', '0', '-', '+', '*', '/', '@', '.T', '(', ')', ',', ' ', '=',
    'sum(', 'onehot(', 'rows(', 'scatter_add(', 'slice(', 'softmax(', '#', '$'];
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    let rhs = '';
    for (let j = rng.int(10); j >= 0; j--) rhs += pieces[rng.int(pieces.length)];
    lines.push(`${names[rng.int(names.length)]} = ${rhs}`);
  }
  const verdicts = check(lines.join('\n'));
  const lineVerdicts = verdicts.filter((v) => v.line !== null);
  assert.equal(lineVerdicts.length, lines.filter((l) => !/^\s*(#|$)/.test(l)).length);
  for (const v of lineVerdicts) {
    assert.ok(['correct', 'wrong', 'error', 'helper'].includes(v.verdict));
    assert.ok(v.column === undefined || v.column >= 1);
  }
});
