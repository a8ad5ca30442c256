// Exercise mode for the LSTM: its gates as column blocks of A_t, the cell state's gradient with a
// line in two time steps (carried from t+1, then what comes through H_t), the sums over time. Its
// answers pass on a real LSTM run; typical mistakes get their hints; training with a correct
// backward gives the engine's numbers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG, TrainConfig } from '../../src/engine/config';
import { checkExercise } from '../../src/engine/exercise/checker';
import { newExercise } from '../../src/engine/exercise/exerciseFile';
import { trainWithStudentBackward } from '../../src/engine/exercise/studentBackward';
import { jsKernels } from '../../src/engine/kernels';
import { Trainer } from '../../src/engine/trainer';
import { toyDataset } from './fixtures';

const DATA = toyDataset(20, 300);
const CONFIG: TrainConfig = { ...DEFAULT_CONFIG, model: 'lstm', embeddingDim: 4, hiddenUnits: 5, batchSize: 25, lr: 0.05, epochs: 2, threads: 1 };
const SOLVED = newExercise({ model: 'lstm', activation: 'tanh' }, 'none');

/** The file with the line of `name` in phase `phase` replaced. */
function withLine(text: string, phase: string, name: string, expression: string): { text: string; line: number } {
  const lines = text.split('\n');
  const from = lines.findIndex((l) => l.startsWith(`# phase ${phase} `));
  const i = lines.findIndex((l, k) => k > from && l.startsWith(`${name} =`));
  assert.ok(from >= 0 && i >= 0, `a line for ${name} in phase ${phase}`);
  lines[i] = `${name} = ${expression}`;
  return { text: lines.join('\n'), line: i + 1 };
}

test('the LSTM’s exercise: gates as blocks of A_t; its answers pass on a real LSTM run', () => {
  assert.match(SOLVED, /^# nlm exercise: model lstm\n/);
  assert.match(SOLVED, /^F2 = sigmoid\(slice\(A2, M, 2 \* M\)\)$/m);
  assert.match(SOLVED, /^C2 = F2 \* C1 \+ I2 \* G2$/m);
  assert.equal(SOLVED.match(/^dC2 = /gm)?.length, 2, 'dC2: carried from step 3, then through H2');
  const verdicts = checkExercise(SOLVED, DATA, { config: CONFIG });
  assert.equal(verdicts.length, 54);
  assert.ok(verdicts.every((v) => v.verdict === 'correct'), JSON.stringify(verdicts.filter((v) => v.verdict !== 'correct')));
});

test('LSTM mistakes: the carried cell gradient left out or not through the forget gate, tanh’(C) missing', () => {
  const cases: [string, string, string, RegExp][] = [
    ['bptt2', 'dC2', 'dH2 * O2 * (1 - tanh(C2) * tanh(C2))', /missing the carried term: dC2 also gets dC3⊙F3/],
    ['bptt3', 'dC2', 'dC3', /carried through the forget gate: dC2 = dC3⊙F3/],
    ['bptt3', 'dC3', 'dH3 * O3', /missing tanh'\(C3\)/],
    ['bptt2', 'dWxh', 'X2.T @ dA2', /dWxh is a sum over time/],
  ];
  for (const [phase, name, expression, hint] of cases) {
    const { text, line } = withLine(SOLVED, phase, name, expression);
    const v = checkExercise(text, DATA, { config: CONFIG }).find((x) => x.line === line)!;
    assert.equal(v.verdict, 'wrong', `${name} = ${expression}: ${v.message}`);
    assert.match(v.hint ?? '', hint, `${name} = ${expression}`);
  }
});

test('training an LSTM with a correct backward gives the engine’s numbers', () => {
  const engine = new Trainer(DATA, CONFIG, jsKernels);
  const student = new Trainer(DATA, CONFIG, jsKernels);
  assert.deepEqual(trainWithStudentBackward(student, SOLVED), ['dZ', 'dWhy', 'dH', 'bptt3', 'bptt2', 'bptt1', 'dW1']);
  for (let i = 0; i < 15; i++) {
    const [a, b] = [engine.step().iteration!.loss, student.step().iteration!.loss];
    assert.ok(Math.abs(a - b) < 1e-5 * a, `step ${i + 1}: ${a} vs ${b}`);
  }
});
