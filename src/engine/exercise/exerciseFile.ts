// The exercise file (.nlmx): a header naming the model, then one `NAME = EXPRESSION` line per
// tensor a phase of the model's iteration writes, in the engine's order, each phase introduced by
// a comment with what it reads and the shapes it writes. Generated from the model's phases and
// its answers (models/<kind>/), so nothing here names a model's tensors.
import { ActivationName, ACTIVATIONS } from '../activations';
import { DEFAULT_CONFIG } from '../config';
import { CORPUS_SETTINGS } from '../data/text';
import { jsKernels } from '../kernels';
import { modelDefinition, MODEL_KINDS } from '../models';
import { ExerciseDefinition, ModelDefinition, ModelShape } from '../models/model';
import { Phase, PhaseDirection } from '../phase';
import { tensor } from '../tensor';
import { ExerciseError } from './exerciseError';
import { FUNCTIONS } from './functions';
import { Assignment, parseLine } from './parser';

export const BLANKS = ['backward', 'forward', 'all', 'none'] as const;
export type Blank = (typeof BLANKS)[number];

/** What an exercise is for: the model and the settings its phases depend on. */
export interface ExerciseTarget {
  readonly model: string;
  /** The hidden layer's activation, for a model whose phases depend on it (the MLP's). */
  readonly activation: ActivationName;
  /** Context words per example (a recurrent model's time steps); the course data's 3 unless set. */
  readonly context?: number;
}

/** The context of the course's 4-grams (and of a text corpus by default). */
export const DEFAULT_CONTEXT = CORPUS_SETTINGS.context.default;

export const DEFAULT_TARGET: ExerciseTarget = { model: 'mlp', activation: DEFAULT_CONFIG.activation };

/** One line of an exercise file as read: an assignment, or the error that stopped its parsing
 *  (with the name the line assigns, when it starts with `NAME =`). */
export type ExerciseLine = { readonly line: number; readonly assignment: Assignment } | { readonly line: number; readonly name: string; readonly error: ExerciseError };

/** The model's exercise definition, a small shape of it for `target` and its phases (a small
 *  instance: only the phases' names, directions and tensors are needed, not their numbers). */
export function exercisePhases(target: ExerciseTarget): { definition: ModelDefinition; exercise: ExerciseDefinition; shape: ModelShape; phases: readonly Phase[] } {
  const definition = modelDefinition(target.model, 'exercise');
  const exercise = definition.exercise;
  if (!exercise) throw new Error(`the model ${target.model} has no exercises`);
  // Exercises are written for backpropagation through every time step.
  const shape = { ...definition.gradcheckShape({ activation: target.activation, bptt: 0 }), context: target.context ?? DEFAULT_CONTEXT };
  const params = Object.fromEntries(definition.paramSpecs(shape).map((s) => [s.name, tensor(s.name, s.shape)]));
  return { definition, exercise, shape, phases: definition.create(shape, params, 1, jsKernels).phases };
}

/** The entry of a model's answers or mistakes for the line of `name` in `phase`: NAME@PHASE, else
 *  NAME (see ExerciseDefinition). */
export function forLine<T>(record: Readonly<Record<string, T>>, name: string, phase: string): T | undefined {
  return record[`${name}@${phase}`] ?? record[name];
}

/** Which phase each tensor line is for: a tensor's k-th line goes with the k-th phase that writes
 *  it (a sum over time steps has a line per phase). Returns the phase's index for each of
 *  `names` (in file order), undefined for a name no phase writes or one line too many. */
export function linePhases(names: readonly string[], phases: readonly { readonly writes: readonly string[] }[]): (number | undefined)[] {
  const writers = new Map<string, number[]>();
  phases.forEach((p, k) => p.writes.forEach((name) => writers.set(name, [...(writers.get(name) ?? []), k])));
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return writers.get(name)?.[count];
  });
}

/** The longest exercise file read: a bound on work for any input. */
export const MAX_FILE_LENGTH = 200_000;

const HEADER = /^#\s*nlm exercise:\s*model\s+([^\s,]+)\s*(?:,\s*activation\s+([^\s,]+)\s*)?(?:,\s*context\s+(\S+)\s*)?$/;

/** The exercise file for `target`, with the lines of `blank` phases left for the student. */
export function newExercise(target: ExerciseTarget, blank: Blank): string {
  const { definition, exercise, shape, phases } = exercisePhases(target);
  const answers = exercise.answers(shape);
  const sizes = Object.keys(exercise.sizes(shape));
  const params = definition.paramSpecs(shape).map((s) => s.name);
  const isBlank = (d: PhaseDirection) => blank === 'all' || blank === d;
  const context = Array.from({ length: shape.context }, (_, k) => `x${k + 1}`);
  const out = [
    header(target, exercise),
    `# Write the right side of each blank line; \`nlm exercise check FILE.nlmx\` runs it on a real`,
    `# training run, phase by phase, on the same inputs as the engine, and compares.`,
    `# Names: the parameters ${params.join(' ')}, the batch's ids ${context.join(' ')} and targets y (N×1),`,
    `# the sizes N (examples) ${sizes.join(' ')}, tensors written by earlier phases, and names you define on`,
    `# earlier lines. Operators: @ .T + - * / (broadcasting a 1×n row over a batch), unary -.`,
    `# Functions: ${Object.values(FUNCTIONS).map((f) => f.signature).join(' ')}`,
    ...(exercise.notes?.(shape) ?? []),
  ];
  for (const phase of phases) {
    const answer = (name: string) => forLine(answers, name, phase.name);
    const shapes = phase.writes.map((name) => `${name} ${answer(name)?.shape ?? '?'}`).join(', ');
    out.push('', `# phase ${phase.name} (${phase.direction}): reads ${phase.reads.join(', ')}; writes ${shapes}`);
    for (const name of phase.writes) out.push(`${name} = ${isBlank(phase.direction) ? '' : (answer(name)?.expression ?? '')}`);
  }
  return out.join('\n') + '\n';
}

/** A file name (without .nlmx) for an exercise: "mlp-sigmoid-backward", "rnn-backward". */
export function exerciseStem(target: ExerciseTarget, blank: Blank): string {
  const { exercise } = exercisePhases(target);
  return [target.model, ...(exercise.usesActivation ? [target.activation] : []), blank].join('-');
}

/** The first line: the model, and what else its phases depend on (the context only when it is
 *  not the course data's, so files of the default context read as before). */
function header(target: ExerciseTarget, exercise: ExerciseDefinition): string {
  const activation = exercise.usesActivation ? `, activation ${target.activation}` : '';
  const context = (target.context ?? DEFAULT_CONTEXT) !== DEFAULT_CONTEXT ? `, context ${target.context}` : '';
  return `# nlm exercise: model ${target.model}${activation}${context}`;
}

/** The model and settings an exercise file's header names (the defaults without a header). */
export function exerciseTarget(text: string): ExerciseTarget {
  const first = text.split('\n', 1)[0];
  const m = HEADER.exec(first);
  if (!m) return DEFAULT_TARGET;
  const [, model, activation = DEFAULT_TARGET.activation, context] = m;
  if (!MODEL_KINDS.includes(model)) throw new ExerciseError(1, first.indexOf(model) + 1, `unknown model ${model}; the models are ${MODEL_KINDS.join(', ')}`);
  if (!(ACTIVATIONS as readonly string[]).includes(activation)) {
    throw new ExerciseError(1, first.lastIndexOf(activation) + 1, `unknown activation ${activation}; expected one of ${ACTIVATIONS.join(', ')}`);
  }
  if (context !== undefined && !/^([1-9]|10)$/.test(context)) throw new ExerciseError(1, first.lastIndexOf(context) + 1, `the context is a whole number of words from 1 to 10, not ${context}`);
  return { model, activation: activation as ActivationName, ...(context !== undefined && { context: Number(context) }) };
}

/** Every assignment line of an exercise file, parsed independently: a bad line spoils only itself. */
export function readExercise(text: string): ExerciseLine[] {
  if (text.length > MAX_FILE_LENGTH) throw new ExerciseError(1, 1, `the file is longer than ${MAX_FILE_LENGTH} characters`);
  const lines: ExerciseLine[] = [];
  text.split('\n').forEach((source, i) => {
    const line = i + 1;
    try {
      const assignment = parseLine(source, line);
      if (assignment) lines.push({ line, assignment });
    } catch (e) {
      if (!(e instanceof ExerciseError)) throw e;
      lines.push({ line, name: /^\s*([A-Za-z_]\w*)\s*=/.exec(source)?.[1] ?? '', error: e });
    }
  });
  return lines;
}
