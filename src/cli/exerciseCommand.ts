// `nlm exercise new` prints an exercise file for a model; `nlm exercise check FILE.nlmx` is the
// headless autograder: one verdict per line, exit code 0 only when every checked line is correct.
import * as fs from 'fs';
import { parseArgs } from 'util';
import { ACTIVATIONS, ActivationName } from '../engine/activations';
import { resolveConfig } from '../engine/config';
import { loadDataset } from '../engine/data/load';
import { InputError } from '../engine/errors';
import { checkExercise, LineVerdict } from '../engine/exercise/checker';
import { ExerciseError } from '../engine/exercise/exerciseError';
import { Blank, BLANKS, DEFAULT_CONTEXT, DEFAULT_TARGET, newExercise } from '../engine/exercise/exerciseFile';

export const EXERCISE_USAGE = `usage:
  nlm exercise new [--model mlp|rnn|lstm] [--activation sigmoid|tanh|relu|linear] [--context C] [--blank backward|forward|all|none]
  nlm exercise check FILE.nlmx [--data PATH|demo] [--seed S] [--json]`;

class ExerciseUsageError extends Error {
  constructor(problem: string) {
    super(`${problem}\n${EXERCISE_USAGE}`);
  }
}

function options<const T extends Record<string, { type: 'string' | 'boolean' }>>(argv: string[], spec: T) {
  try {
    return parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>({ args: argv, options: spec, allowPositionals: true, strict: true });
  } catch (e) {
    throw new ExerciseUsageError((e as Error).message);
  }
}

export function exercise(argv: string[]): void {
  const [sub, ...rest] = argv;
  if (sub === 'new') return newCommand(rest);
  if (sub === 'check') return checkCommand(rest);
  if (sub === undefined || sub === '-h' || sub === '--help') {
    console.log(EXERCISE_USAGE);
    return;
  }
  throw new ExerciseUsageError(`unknown exercise command "${sub}"`);
}

function newCommand(argv: string[]): void {
  const { values, positionals } = options(argv, { model: { type: 'string' }, activation: { type: 'string' }, context: { type: 'string' }, blank: { type: 'string' } });
  if (positionals.length > 0) throw new ExerciseUsageError(`unexpected argument "${positionals[0]}"`);
  const blank = (values.blank ?? 'backward') as Blank;
  if (!BLANKS.includes(blank)) throw new ExerciseUsageError(`--blank must be one of ${BLANKS.join(', ')}`);
  const activation = (values.activation ?? DEFAULT_TARGET.activation) as ActivationName;
  if (!ACTIVATIONS.includes(activation)) throw new ExerciseUsageError(`--activation must be one of ${ACTIVATIONS.join(', ')}`);
  const context = Number(values.context ?? DEFAULT_CONTEXT);
  if (!(Number.isInteger(context) && context >= 1 && context <= 10)) throw new ExerciseUsageError('--context must be a whole number of context words from 1 to 10');
  process.stdout.write(newExercise({ model: values.model ?? DEFAULT_TARGET.model, activation, context }, blank));
}

function checkCommand(argv: string[]): void {
  const { values, positionals } = options(argv, { data: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new ExerciseUsageError('give exactly one exercise FILE.nlmx');
  const file = positionals[0];
  const text = fs.readFileSync(file, 'utf8');
  const dataset = loadDataset(values.data ?? 'demo');
  let verdicts: LineVerdict[];
  try {
    verdicts = checkExercise(text, dataset, { config: resolveConfig({ seed: values.seed }) });
  } catch (e) {
    if (e instanceof ExerciseError) throw new InputError(file, e.message);
    throw e;
  }
  for (const v of verdicts) console.log(values.json ? JSON.stringify(jsonOf(v)) : textOf(file, v));
  const graded = verdicts.filter((v) => v.verdict !== 'helper');
  const correct = graded.filter((v) => v.verdict === 'correct').length;
  if (!values.json) console.log(`${correct} of ${graded.length} lines correct`);
  if (graded.length === 0 || correct < graded.length) process.exitCode = 1;
}

function jsonOf(v: LineVerdict) {
  return {
    line: v.line,
    column: v.column ?? null,
    name: v.name,
    verdict: v.verdict,
    maxAbsDiff: v.maxAbsDiff ?? null,
    relDiff: v.relDiff ?? null,
    message: v.message,
    hint: v.hint ?? null,
  };
}

/** "FILE:31:1 dW3: wrong — differs by … (hint: …)", the form editors and terminals link. */
function textOf(file: string, v: LineVerdict): string {
  const where = v.line === null ? file : `${file}:${v.line}:${v.column ?? 1}`;
  const what = v.verdict === 'correct' ? 'correct' : `${v.verdict} — ${v.message}`;
  return `${where} ${v.name || '?'}: ${what}${v.hint ? ` (hint: ${v.hint})` : ''}`;
}
