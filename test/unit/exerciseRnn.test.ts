// Exercise mode for the RNN: backpropagation through time in the tensor language. The generated
// file has one line per tensor of every time step (the sums over time once per backward step);
// its answers pass on a real RNN run, answers written differently too; forgetting the recurrent
// term, the tanh' factor or the sum over time gets its verdict and hint; and training with a
// correct backward through time gives the engine's numbers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG, TrainConfig } from '../../src/engine/config';
import { checkExercise, LineVerdict } from '../../src/engine/exercise/checker';
import { exerciseTarget, newExercise } from '../../src/engine/exercise/exerciseFile';
import { trainWithStudentBackward } from '../../src/engine/exercise/studentBackward';
import { jsKernels } from '../../src/engine/kernels';
import { Trainer } from '../../src/engine/trainer';
import { exerciseLines } from '../../src/extension/debug/exerciseSource';
import { phaseInfos } from '../../src/extension/phaseInfo';
import { toyDataset } from './fixtures';

const DATA = toyDataset(20, 300);
const CONFIG: TrainConfig = { ...DEFAULT_CONFIG, model: 'rnn', embeddingDim: 4, hiddenUnits: 6, batchSize: 25, lr: 0.05, epochs: 2, threads: 1 };
const SOLVED = newExercise({ model: 'rnn', activation: 'tanh' }, 'none');

/** The file with the line of `name` in phase `phase` replaced. */
function withLine(text: string, phase: string, name: string, expression: string): string {
  const lines = text.split('\n');
  const from = lines.findIndex((l) => l.startsWith(`# phase ${phase} `));
  const i = lines.findIndex((l, k) => k > from && l.startsWith(`${name} =`));
  assert.ok(from >= 0 && i >= 0, `a line for ${name} in phase ${phase}`);
  lines[i] = `${name} = ${expression}`;
  return lines.join('\n');
}

function verdictAt(text: string, phase: string, name: string): LineVerdict {
  const line = text.split('\n').findIndex((l, k, all) => l.startsWith(`${name} =`) && all.slice(0, k).some((p) => p.startsWith(`# phase ${phase} `))) + 1;
  const v = checkExercise(text, DATA, { config: CONFIG }).find((x) => x.line === line);
  assert.ok(v, `a verdict for ${name} in ${phase}`);
  return v;
}

test('the RNN’s exercise: a line per tensor of each time step, the sums over time in every backward step', () => {
  assert.match(SOLVED, /^# nlm exercise: model rnn\n/);
  assert.deepEqual(exerciseTarget(SOLVED), { model: 'rnn', activation: DEFAULT_CONFIG.activation });
  assert.match(SOLVED, /^A2 = X2 @ Wxh \+ H1 @ Whh \+ bh$/m);
  assert.match(SOLVED, /^# phase bptt2 \(backward\): .* writes dA2 N×M, dWxh D×M, dWhh M×M, dbh 1×M, dX2 N×D, dH1 N×M$/m);
  assert.equal(SOLVED.match(/^dWxh = /gm)?.length, 3);
  assert.match(SOLVED, /tanh'\(A_t\) = 1 − H_t²/);
  const blank = newExercise({ model: 'rnn', activation: 'tanh', context: 4 }, 'backward');
  assert.match(blank, /^# nlm exercise: model rnn, context 4\n/);
  assert.match(blank, /^# phase bptt4 /m);
  assert.match(blank, /^dA4 = $/m);
  assert.match(blank, /^A4 = X4 @ Wxh \+ H3 @ Whh \+ bh$/m, 'the forward lines are filled in');
  assert.throws(() => checkExercise(blank, DATA, { config: CONFIG }), /the exercise is for 4 context words, but the data has 3/);
});

test('on a real RNN run every answer is correct, and answers written differently too', () => {
  const verdicts = checkExercise(SOLVED, DATA, { config: CONFIG });
  assert.equal(verdicts.length, 34);
  assert.ok(verdicts.every((v) => v.verdict === 'correct'), JSON.stringify(verdicts.filter((v) => v.verdict !== 'correct')));
  let text = withLine(SOLVED, 'bptt2', 'dA2', '(1 - H2 * H2) * dH2');
  text = withLine(text, 'bptt2', 'dWxh', '(dA2.T @ X2).T + dWxh');
  text = withLine(text, 'bptt1', 'dbh', 'dbh + sum(dH1 * (1 - tanh(A1) * tanh(A1)), 0)');
  text = withLine(text, 'bptt3', 'dH2', '(Whh @ dA3.T).T');
  assert.ok(checkExercise(text, DATA, { config: CONFIG }).every((v) => v.verdict === 'correct'));
});

test('typical mistakes of backpropagation through time get their verdict and hint', () => {
  const cases: [string, string, string, RegExp][] = [
    ['bptt2', 'dA2', 'dH2', /missing the tanh'\(A2\) factor/],
    ['bptt3', 'dA3', 'dH3 * (1 - H3)', /tanh'\(A3\) is 1 − H3², not 1 − H3/],
    ['bptt2', 'dA2', 'dH2 * (1 - H1 * H1)', /this step's 1 − H2², not the previous step's/],
    ['bptt3', 'dH2', '0 * dA3', /missing the recurrent term: H2 feeds A3, so dH2 = dA3·Whhᵀ/],
    ['bptt3', 'dH2', 'dZ @ Why.T', /H2 does not feed the output: its gradient is the recurrent term alone/],
    ['bptt2', 'dH1', 'dA2 @ Whh', /back through Whh is Whhᵀ/],
    ['bptt2', 'dH1', 'dH2 @ Whh.T', /goes through tanh first/],
    ['bptt2', 'dWxh', 'X2.T @ dA2', /dWxh is a sum over time: add step 2's share/],
    ['bptt1', 'dbh', 'sum(dA1, 0)', /dbh is a sum over time/],
    ['bptt3', 'dWhh', 'H3.T @ dA3', /pairs dA3 with the state it read, H2/],
    ['dW1', 'dW1', 'scatter_add(W1, x3, dX3)', /sums every time step’s scatter/],
    ['dZ', 'dZ', '(onehot(y, V) - P) / N', /wrong sign/],
  ];
  for (const [phase, name, expression, hint] of cases) {
    const v = verdictAt(withLine(SOLVED, phase, name, expression), phase, name);
    assert.equal(v.verdict, 'wrong', `${name} = ${expression}: ${v.message}`);
    assert.match(v.hint ?? '', hint, `${name} = ${expression}`);
  }
  // A shape error names the shapes; one line too many for a sum over time is an error.
  const shape = verdictAt(withLine(SOLVED, 'bptt2', 'dX2', 'dA2 @ Wxh'), 'bptt2', 'dX2');
  assert.equal(shape.verdict, 'error');
  assert.match(shape.message, /cannot multiply \d+×6 @ 4×6.*right one transposed/);
  const extra = checkExercise(SOLVED + 'dWxh = dWxh\n', DATA, { config: CONFIG }).at(-1)!;
  assert.equal(extra.verdict, 'error');
  assert.match(extra.message, /dWxh has a line for each of the 3 phases that write it already/);
});

test('training with a correct backward through time gives the engine’s numbers; a truncated run or another model is refused', () => {
  const engine = new Trainer(DATA, CONFIG, jsKernels);
  const student = new Trainer(DATA, CONFIG, jsKernels);
  const replaced = trainWithStudentBackward(student, withLine(SOLVED, 'bptt2', 'dA2', '(1 - H2 * H2) * dH2'));
  assert.deepEqual(replaced, ['dZ', 'dWhy', 'dH', 'bptt3', 'bptt2', 'bptt1', 'dW1']);
  for (let i = 0; i < 20; i++) {
    const [a, b] = [engine.step().iteration!.loss, student.step().iteration!.loss];
    assert.ok(Math.abs(a - b) < 1e-5 * a, `step ${i + 1}: ${a} vs ${b}`);
  }
  for (const [name, p] of Object.entries(engine.params)) {
    let worst = 0;
    p.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - student.params[name].data[i]))));
    assert.ok(worst < 1e-5, `${name} differs by ${worst}`);
  }
  const truncated = new Trainer(DATA, { ...CONFIG, bptt: 2 }, jsKernels);
  assert.throws(() => trainWithStudentBackward(truncated, SOLVED), /exercises backpropagate through every time step \(set nlm.bptt to 0\)/);
  assert.throws(() => trainWithStudentBackward(new Trainer(DATA, { ...CONFIG, model: 'mlp' }, jsKernels), SOLVED), /the exercise is for rnn; the run is mlp/);
});

test('breakpoints on the RNN exercise: each line of a sum over time stops before its own time step', () => {
  const lines = exerciseLines(SOLVED, phaseInfos(new Trainer(DATA, CONFIG, jsKernels).phases));
  const numbered = SOLVED.split('\n');
  const dWxh = numbered.flatMap((l, i) => (l.startsWith('dWxh =') ? [i + 1] : []));
  assert.deepEqual(dWxh.map((line) => lines.phaseAt(line)), ['bptt3', 'bptt2', 'bptt1']);
  assert.equal(lines.lineOf('bptt2'), numbered.findIndex((l) => l.startsWith('dA2 =')) + 1);
});
