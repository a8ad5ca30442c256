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
import { DEFAULT_CONTEXT, ExerciseTarget, exerciseTarget, forLine, linePhases, readExercise } from './exerciseFile';
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
  checkContext(target, dataset.context, 'the data has');
  const definition = modelDefinition(target.model, 'exercise');
  // Exercises are written for backpropagation through every time step.
  const config: TrainConfig = { ...options.config, activation: target.activation, threads: 1, bptt: 0 };
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
  checkContext(target, trainer.shape.context, 'the run reads');
  const definition = modelDefinition(target.model, 'exercise');
  // The file's activation wins: the parameters are the same whatever the activation; and the
  // check runs its own copy of the model through every time step (truncated BPTT or not).
  const shape = definition.shapeFor({ ...trainer.config, activation: target.activation, bptt: 0 }, { vocabSize: trainer.shape.vocabSize, context: trainer.shape.context });
  return checkAt(text, definition, shape, trainer.params, trainer.currentBatch());
}

/** An exercise names one tensor per context word (time step): it fits data of that context only. */
function checkContext(target: ExerciseTarget, context: number, what: string): void {
  const wanted = target.context ?? DEFAULT_CONTEXT;
  if (wanted !== context) throw new Error(`the exercise is for ${wanted} context words, but ${what} ${context} (make one for it: NLM: New Exercise, or nlm exercise new --context ${context})`);
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
  // wrote; a tensor of this iteration that is not computed yet is not there. What each phase wrote
  // is kept, so lines may come in any order. A tensor several phases write (a sum over time
  // steps) has a line per phase: its k-th line is judged after the k-th of them.
  const writers = new Map<string, number[]>();
  modelPhases.forEach((p, k) => p.writes.forEach((name) => writers.set(name, [...(writers.get(name) ?? []), k])));
  const start = tensorsOf(model);
  const written: Map<string, Matrix>[] = [];
  for (const phase of modelPhases) {
    for (const sub of phase.subSteps) sub.run();
    const now = tensorsOf(model);
    written.push(new Map(phase.writes.map((name) => [name, now.get(name)!])));
  }
  const constants = constantsOf(model, exercise.sizes(shape));
  /** The tensors of phase k that lines above have been judged for: a later line of the same phase
   *  reads them (the RNN's dWxh = … reads dA2, which its step computes first). */
  const judged = modelPhases.map(() => new Set<string>());
  const before = (k: number): Map<string, Matrix> => {
    const env = new Map(constants);
    for (const [name, value] of start) if (!writers.has(name)) env.set(name, value);
    for (let j = 0; j < k; j++) for (const [name, value] of written[j]) env.set(name, value);
    for (const name of judged[k] ?? []) env.set(name, written[k].get(name)!);
    return env;
  };
  const answers = exercise.answers(shape);
  const mistakes = exercise.mistakes(shape);

  const verdicts: LineVerdict[] = [];
  const helpers = new Map<string, Matrix>();
  /** The lines of each name so far. */
  const seen = new Map<string, number[]>();
  const entries = readExercise(text);
  const phaseOfLine = linePhases(entries.map((e) => ('error' in e ? e.name : e.assignment.name)), modelPhases);
  let point = 0;
  const judge = (entry: (typeof entries)[number], i: number): void => {
    const name = 'error' in entry ? entry.name : entry.assignment.name;
    const earlier = seen.get(name) ?? [];
    if (name) seen.set(name, [...earlier, entry.line]);
    if ('error' in entry) {
      verdicts.push({ line: entry.line, column: entry.error.column, name, verdict: 'error', message: entry.error.problem });
      return;
    }
    const { namePos, rightPos, expr } = entry.assignment;
    const line = entry.line;
    const fail = (message: string, column = namePos.column, hint?: string) => verdicts.push({ line, column, name, verdict: 'error', message, hint });
    const k = phaseOfLine[i];
    if (earlier.length > 0 && k === undefined) {
      const phases = writers.get(name);
      const each = phases && phases.length > 1 ? `${name} has a line for each of the ${phases.length} phases that write it already (lines ${earlier.join(', ')})` : undefined;
      fail(each ?? `${name} is already defined on line ${earlier[0]}`);
      return;
    }
    if (k === undefined && (start.has(name) || constants.has(name))) {
      fail(`${name} is a tensor of the model that no phase of the iteration writes; name yours differently`);
      return;
    }
    if (!expr) {
      fail(`${name} is left blank: write its expression after "="`, rightPos.column);
      return;
    }
    const env = new Map([...before(k ?? point), ...helpers]);
    let value: Matrix;
    try {
      value = evaluate(expr, env);
    } catch (e) {
      if (!(e instanceof ExerciseError)) throw e;
      const later = writers.has(unknownName(e.problem)) ? ` (${unknownName(e.problem)} is written by a later phase)` : '';
      fail(e.problem + later, e.column);
      return;
    }
    if (k === undefined) {
      helpers.set(name, value);
      verdicts.push({ line, column: namePos.column, name, verdict: 'helper', message: `defines ${name}, ${shapeText(value)}` });
      return;
    }
    point = Math.max(point, k + 1);
    const expected = written[k].get(name)!;
    const env0 = before(k);
    if (value.rows !== expected.rows || value.cols !== expected.cols) {
      fail(`wrong shape: got ${shapeText(value)}, expected ${shapeText(expected)}`, rightPos.column, shapeHint(value, expected));
      return;
    }
    const c = compare(value, expected);
    if (c.correct) {
      verdicts.push({ line, column: namePos.column, name, verdict: 'correct', message: 'correct', maxAbsDiff: c.maxAbsDiff, relDiff: c.relDiff });
      return;
    }
    const known = (forLine(mistakes, name, modelPhases[k].name) ?? []).find((m) => {
      try {
        return close(value, evaluate(parseExpression(m.expression), env0));
      } catch (e) {
        if (!(e instanceof ExerciseError)) throw e;
        return false;
      }
    });
    const hint = known?.hint ?? valueHint(value, expected, model.n);
    const message = `differs by up to ${c.maxAbsDiff.toPrecision(3)} (relative ${c.relDiff.toPrecision(3)}) in ${c.where}`;
    verdicts.push({ line, column: rightPos.column, name, verdict: 'wrong', message, maxAbsDiff: c.maxAbsDiff, relDiff: c.relDiff, hint, difference: differenceGrid(value, expected) });
  };
  entries.forEach((entry, i) => {
    judge(entry, i);
    // Whatever its verdict, the lines below see the engine's value of this line's tensor.
    const k = phaseOfLine[i];
    if (k !== undefined) judged[k].add('error' in entry ? entry.name : entry.assignment.name);
  });
  modelPhases.forEach((phase, k) => {
    for (const name of phase.writes) {
      const occurrence = writers.get(name)!.indexOf(k);
      if ((seen.get(name)?.length ?? 0) <= occurrence && forLine(answers, name, phase.name)) {
        verdicts.push({ line: null, name, verdict: 'error', message: `no line for ${name} (phase ${phase.name})` });
      }
    }
  });
  return verdicts;
}

/** The name an "unknown name X; …" error is about. */
function unknownName(problem: string): string {
  return /^unknown name (\S+);/.exec(problem)?.[1] ?? '';
}
