// "Train with my backward": a run whose backward phases compute a student's lines trains like the
// engine when the lines are right (to float32 rounding), and fails to learn when one is wrong;
// lines that cannot be evaluated are refused before training.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG, TrainConfig } from '../../src/engine/config';
import { newExercise } from '../../src/engine/exercise/exerciseFile';
import { CorrectRun } from '../../src/engine/exercise/correctRun';
import { trainWithStudentBackward } from '../../src/engine/exercise/studentBackward';
import { jsKernels } from '../../src/engine/kernels';
import { Trainer } from '../../src/engine/trainer';
import { toyDataset } from './fixtures';

const DATA = toyDataset(20, 600);
const CONFIG: TrainConfig = { ...DEFAULT_CONFIG, embeddingDim: 4, hiddenUnits: 8, batchSize: 25, optimizer: 'adam', lr: 0.05, epochs: 3, threads: 1 };
const SOLVED = newExercise({ model: 'mlp', activation: 'sigmoid' }, 'none');

function withLine(text: string, name: string, expression: string): string {
  return text.replace(new RegExp(`^${name} = .*$`, 'm'), `${name} = ${expression}`);
}

/** Mean loss of each epoch. */
function train(trainer: Trainer): number[] {
  return trainer.run().map((e) => e.trainCe);
}

test('a correct backward, written differently from the engine’s, trains like the engine', () => {
  const engine = new Trainer(DATA, CONFIG, jsKernels);
  const student = new Trainer(DATA, CONFIG, jsKernels);
  let text = withLine(SOLVED, 'dZ1', 'H * (1 - H) * dH');
  text = withLine(text, 'dW3', '(dZ2.T @ H).T');
  text = text.replace(/^dZ2 = .*$/m, 'Y = onehot(y, V)\ndZ2 = (P - Y) / N');
  const replaced = trainWithStudentBackward(student, text);
  assert.deepEqual(replaced, ['dZ2', 'dW3', 'dH', 'dZ1', 'dW2', 'dE', 'dW1']);
  const a = train(engine);
  const b = train(student);
  for (let e = 0; e < a.length; e++) assert.ok(Math.abs(a[e] - b[e]) < 1e-5 * a[e], `epoch ${e + 1}: ${a[e]} vs ${b[e]}`);
  for (const [name, p] of Object.entries(engine.params)) {
    const q = student.params[name].data;
    let worst = 0;
    p.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - q[i]))));
    assert.ok(worst < 1e-5, `${name} differs by ${worst}`);
  }
  assert.ok(a.at(-1)! < a[0] - 0.1, `the engine learns: ${a.join(', ')}`);
});

test('a wrong backward fails to learn: with the gradient’s sign flipped the loss rises', () => {
  const engine = train(new Trainer(DATA, CONFIG, jsKernels));
  const wrong = new Trainer(DATA, CONFIG, jsKernels);
  trainWithStudentBackward(wrong, withLine(SOLVED, 'dZ2', '(onehot(y, V) - P) / N'));
  const losses = train(wrong);
  assert.ok(losses.at(-1)! > losses[0], `the loss rises: ${losses.join(', ')}`);
  assert.ok(losses.at(-1)! > engine.at(-1)! + 0.5, `far above the engine's ${engine.at(-1)}`);
});

test('lines that cannot be evaluated are refused with the line; blank backward lines leave the engine’s phases', () => {
  const trainer = new Trainer(DATA, CONFIG, jsKernels);
  assert.throws(() => trainWithStudentBackward(trainer, withLine(SOLVED, 'dW3', 'dZ2.T @ H')), /line \d+: dW3: wrong shape: got 20×8, expected 8×20/);
  assert.throws(() => trainWithStudentBackward(trainer, newExercise({ model: 'mlp', activation: 'sigmoid' }, 'backward')), /no backward phase with all its lines written/);
  assert.throws(() => trainWithStudentBackward(trainer, newExercise({ model: 'mlp', activation: 'tanh' }, 'none')), /for mlp with tanh; the run is mlp with sigmoid/);
  // Only dZ2 written: the other backward phases stay the engine's.
  const only = newExercise({ model: 'mlp', activation: 'sigmoid' }, 'backward').replace(/^dZ2 = $/m, 'dZ2 = (P - onehot(y, V)) / N');
  assert.deepEqual(trainWithStudentBackward(trainer, only), ['dZ2']);
  assert.ok(Number.isFinite(trainer.step().iteration!.loss));
});

test('the correct run beside a student’s: the engine’s backward from the same state, one iteration for each of the student’s', () => {
  const engine = new Trainer(DATA, CONFIG, jsKernels);
  const student = new Trainer(DATA, CONFIG, jsKernels);
  student.step(); // it starts wherever the student's run stands
  engine.step();
  trainWithStudentBackward(student, withLine(SOLVED, 'dZ2', '(onehot(y, V) - P) / N'));
  const correct = new CorrectRun(student);
  const records = [];
  for (let i = 0; i < 30; i++) {
    const s = student.step().iteration!;
    const c = correct.follow(s.step)!;
    const e = engine.step().iteration!;
    assert.equal(c.step, s.step);
    assert.equal(c.loss, e.loss, `step ${s.step}: the correct run is the engine's run, to the bit`);
    records.push([s.loss, c.loss]);
  }
  assert.equal(correct.follow(student.steps), undefined, 'a step it has trained already (a replay) trains nothing');
  const [last] = records.slice(-1);
  assert.ok(last[0] > last[1] + 0.5, `the wrong sign's loss ${last[0]} is far above the correct run's ${last[1]}`);
  // A learning rate changed where both stand applies to both; where the correct run is ahead, it cannot.
  assert.equal(correct.setLearningRate(student.steps, 0.001), true);
  assert.equal(correct.setLearningRate(student.steps - 5, 0.001), false);
});
