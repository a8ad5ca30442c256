// Checks an exercise file on a real training run: the trainer is stepped phase by phase through
// one iteration (after a few warm-up iterations, so that biases are no longer zero); each line is
// evaluated on the tensors as they were before the phase that writes its tensor, and compared
// with what the engine wrote. Names the student defines (helper lines) are evaluated in file order.
import { TrainConfig } from '../config';
import { Dataset } from '../data/dataset';
import { jsKernels } from '../kernels';
import { modelDefinition } from '../models';
import { Trainer } from '../trainer';
import { close, compare, shapeHint, valueHint } from './compare';
import { constantsOf, tensorsOf } from './engineTensors';
import { evaluate } from './evaluator';
import { ExerciseError } from './exerciseError';
import { exerciseTarget, readExercise } from './exerciseFile';
import { Matrix, shapeText } from './matrix';
import { parseExpression } from './parser';

export type Verdict = 'correct' | 'wrong' | 'error' | 'helper';

export interface LineVerdict {
  /** 1-based line in the file; null for a tensor the file has no line for. */
  readonly line: number | null;
  readonly column?: number;
  readonly name: string;
  readonly verdict: Verdict;
  /** What is wrong, or for a helper line its shape. */
  readonly message: string;
  readonly maxAbsDiff?: number;
  readonly relDiff?: number;
  readonly hint?: string;
}

export interface CheckOptions {
  /** Settings of the run (the file's header sets the model's activation). */
  readonly config: TrainConfig;
  /** Iterations trained before the checked one. */
  readonly warmup?: number;
}

export function checkExercise(text: string, dataset: Dataset, options: CheckOptions): LineVerdict[] {
  const target = exerciseTarget(text);
  const definition = modelDefinition(target.model, 'exercise');
  const exercise = definition.exercise;
  if (!exercise) throw new Error(`the model ${target.model} has no exercises`);
  const config: TrainConfig = { ...options.config, activation: target.activation, threads: 1 };
  const trainer = new Trainer(dataset, config, jsKernels, undefined, definition);
  const model = trainer.model;
  const modelPhases = model.phases;
  for (let i = 0; i < (options.warmup ?? 3) && !trainer.finished; i++) trainer.step();
  if (trainer.finished) throw new Error('the run finished during its warm-up; train for more epochs');

  // Before phase k: what no phase writes (parameters, the batch), plus what the phases before k
  // wrote; a tensor of this iteration that is not computed yet is not there. What each phase wrote is kept, so lines may come in any order.
  const phaseOf = new Map<string, number>();
  modelPhases.forEach((p, k) => p.writes.forEach((name) => phaseOf.set(name, k)));
  // A phase writes only its `writes`, so what no phase writes is the same after the first phase
  // (which loads the batch) as before it.
  let start = new Map<string, Matrix>();
  const written: Map<string, Matrix>[] = [];
  for (let k = 0; k < modelPhases.length; k++) {
    trainer.stepPhase();
    const now = tensorsOf(model);
    if (k === 0) start = now;
    written.push(new Map(modelPhases[k].writes.map((name) => [name, now.get(name)!])));
  }
  const constants = constantsOf(model, exercise.sizes(trainer.shape));
  const before = (k: number): Map<string, Matrix> => {
    const env = new Map(constants);
    for (const [name, value] of start) if ((phaseOf.get(name) ?? -1) < 0) env.set(name, value);
    for (let j = 0; j < k; j++) for (const [name, value] of written[j]) env.set(name, value);
    return env;
  };
  const answers = exercise.answers(trainer.shape);
  const mistakes = exercise.mistakes(trainer.shape);

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
    verdicts.push({ line, column: rightPos.column, name, verdict: 'wrong', message, maxAbsDiff: c.maxAbsDiff, relDiff: c.relDiff, hint });
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
