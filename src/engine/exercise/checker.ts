// Checks an exercise file on a real training run: one iteration's phases are run on a copy of the
// run's parameters and mini-batch (a fresh run after a few warm-up iterations, so that biases are
// no longer zero, or a loaded run at its current iteration, left as it is); each line is evaluated
// on the tensors as they were before the phase that writes its tensor, and compared with what the
// engine wrote. Names the student defines (helper lines) are evaluated in file order.
import { TrainConfig } from '../config';
import { Dataset } from '../data/dataset';
import { jsKernels } from '../kernels';
import { modelDefinition } from '../models';
import { ModelDefinition, ModelShape, Params } from '../models/model';
import { Trainer } from '../trainer';
import { close, compare, differenceGrid, shapeHint, valueHint } from './compare';
import type { LineVerdict, Verdict } from './verdict';
import { constantsOf, tensorsOf } from './engineTensors';
import { evaluate } from './evaluator';
import { ExerciseError } from './exerciseError';
import { exerciseTarget, readExercise } from './exerciseFile';
import { Matrix, shapeText } from './matrix';
import { parseExpression } from './parser';

export type { LineVerdict, Verdict };

export interface CheckOptions {
  /** Settings of the run (the file's header sets the model's activation). */
  readonly config: TrainConfig;
  /** Iterations trained before the checked one. */
  readonly warmup?: number;
}

export function checkExercise(text: string, dataset: Dataset, options: CheckOptions): LineVerdict[] {
  const target = exerciseTarget(text);
  const definition = modelDefinition(target.model, 'exercise');
  const config: TrainConfig = { ...options.config, activation: target.activation, threads: 1 };
  const trainer = new Trainer(dataset, config, jsKernels, undefined, definition);
  for (let i = 0; i < (options.warmup ?? 3) && !trainer.finished; i++) trainer.step();
  if (trainer.finished) throw new Error('the run finished during its warm-up; train for more epochs');
  return checkAt(text, definition, trainer.shape, trainer.params, trainer.currentBatch());
}

/** Checks on a loaded run's current iteration: its parameters and mini-batch as they are now
 *  (the trainer is not changed). Within the update phase, the parameters are partly updated. */
export function checkOnTrainer(text: string, trainer: Trainer): LineVerdict[] {
  const target = exerciseTarget(text);
  if (target.model !== trainer.shape.kind) throw new Error(`the exercise is for the model ${target.model}, but the run's model is ${trainer.shape.kind}`);
  const definition = modelDefinition(target.model, 'exercise');
  // The file's activation wins: the parameters are the same whatever the activation.
  const shape = definition.shapeFor({ ...trainer.config, activation: target.activation }, { vocabSize: trainer.shape.vocabSize, context: trainer.shape.context });
  return checkAt(text, definition, shape, trainer.params, trainer.currentBatch());
}

/** Runs the model's phases on copies of `params` and the batch, then judges every line. */
function checkAt(text: string, definition: ModelDefinition, shape: ModelShape, params: Params, batch: { inputs: Int32Array; targets: Int32Array; n: number }): LineVerdict[] {
  const exercise = definition.exercise;
  if (!exercise) throw new Error(`the model ${shape.kind} has no exercises`);
  if (batch.n === 0) throw new Error('the mini-batch is empty');
  const copies: Params = {};
  for (const [name, t] of Object.entries(params)) copies[name] = { name: t.name, shape: t.shape, data: Float32Array.from(t.data) };
  const model = definition.create(shape, copies, batch.n, jsKernels);
  model.setBatch(batch.inputs, batch.targets, batch.n);
  const modelPhases = model.phases;

  // Before phase k: what no phase writes (parameters, the batch), plus what the phases before k
  // wrote; a tensor of this iteration that is not computed yet is not there. What each phase wrote is kept, so lines may come in any order.
  const phaseOf = new Map<string, number>();
  modelPhases.forEach((p, k) => p.writes.forEach((name) => phaseOf.set(name, k)));
  const start = tensorsOf(model);
  const written: Map<string, Matrix>[] = [];
  for (const phase of modelPhases) {
    for (const sub of phase.subSteps) sub.run();
    const now = tensorsOf(model);
    written.push(new Map(phase.writes.map((name) => [name, now.get(name)!])));
  }
  const constants = constantsOf(model, exercise.sizes(shape));
  const before = (k: number): Map<string, Matrix> => {
    const env = new Map(constants);
    for (const [name, value] of start) if ((phaseOf.get(name) ?? -1) < 0) env.set(name, value);
    for (let j = 0; j < k; j++) for (const [name, value] of written[j]) env.set(name, value);
    return env;
  };
  const answers = exercise.answers(shape);
  const mistakes = exercise.mistakes(shape);

  const verdicts: LineVerdict[] = [];
  const helpers = new Map<string, Matrix>();
  const seen = new Map<string, number>();
  let point = 0;
  for (const entry of readExercise(text)) {
    if ('error' in entry) {
      const { error: e, name } = entry;
      verdicts.push({ line: entry.line, column: e.column, name, verdict: 'error', message: e.problem });
      if (name && !seen.has(name)) seen.set(name, entry.line);
      continue;
    }
    const { name, namePos, rightPos, expr } = entry.assignment;
    const line = entry.line;
    const fail = (message: string, column = namePos.column, hint?: string) => verdicts.push({ line, column, name, verdict: 'error', message, hint });
    const k = phaseOf.get(name);
    if (seen.has(name)) {
      fail(`${name} is already defined on line ${seen.get(name)}`);
      continue;
    }
    seen.set(name, line);
    if (k === undefined && (start.has(name) || constants.has(name))) {
      fail(`${name} is a tensor of the model that no phase of the iteration writes; name yours differently`);
      continue;
    }
    if (!expr) {
      fail(`${name} is left blank: write its expression after "="`, rightPos.column);
      continue;
    }
    const env = new Map([...before(k ?? point), ...helpers]);
    let value: Matrix;
    try {
      value = evaluate(expr, env);
    } catch (e) {
      if (!(e instanceof ExerciseError)) throw e;
      const later = phaseOf.has(unknownName(e.problem)) ? ` (${unknownName(e.problem)} is written by a later phase)` : '';
      fail(e.problem + later, e.column);
      continue;
    }
    if (k === undefined) {
      helpers.set(name, value);
      verdicts.push({ line, column: namePos.column, name, verdict: 'helper', message: `defines ${name}, ${shapeText(value)}` });
      continue;
    }
    point = Math.max(point, k + 1);
    const expected = written[k].get(name)!;
    if (value.rows !== expected.rows || value.cols !== expected.cols) {
      fail(`wrong shape: got ${shapeText(value)}, expected ${shapeText(expected)}`, rightPos.column, shapeHint(value, expected));
      continue;
    }
    const c = compare(value, expected);
    if (c.correct) {
      verdicts.push({ line, column: namePos.column, name, verdict: 'correct', message: 'correct', maxAbsDiff: c.maxAbsDiff, relDiff: c.relDiff });
      continue;
    }
    const known = (mistakes[name] ?? []).find((m) => {
      try {
        return close(value, evaluate(parseExpression(m.expression), before(k)));
      } catch (e) {
        if (!(e instanceof ExerciseError)) throw e;
        return false;
      }
    });
    const hint = known?.hint ?? valueHint(value, expected, model.n);
    const message = `differs by up to ${c.maxAbsDiff.toPrecision(3)} (relative ${c.relDiff.toPrecision(3)}) in ${c.where}`;
    verdicts.push({ line, column: rightPos.column, name, verdict: 'wrong', message, maxAbsDiff: c.maxAbsDiff, relDiff: c.relDiff, hint, difference: differenceGrid(value, expected) });
  }
  for (const phase of modelPhases) {
    for (const name of phase.writes) {
      if (!seen.has(name) && answers[name]) verdicts.push({ line: null, name, verdict: 'error', message: `no line for ${name} (phase ${phase.name})` });
    }
  }
  return verdicts;
}

/** The name an "unknown name X; …" error is about. */
function unknownName(problem: string): string {
  return /^unknown name (\S+);/.exec(problem)?.[1] ?? '';
}
