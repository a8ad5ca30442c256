// The exercise file (.nlmx): a header naming the model, then one `NAME = EXPRESSION` line per
// tensor a phase of the model's iteration writes, in the engine's order, each phase introduced by
// a comment with what it reads and the shapes it writes. Generated from the model's phases and
// its answers (models/<kind>/), so nothing here names a model's tensors.
import { ActivationName, ACTIVATIONS } from '../activations';
import { DEFAULT_CONFIG } from '../config';
import { jsKernels } from '../kernels';
import { modelDefinition, MODEL_KINDS } from '../models';
import { ExerciseDefinition, ModelDefinition } from '../models/model';
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
  readonly activation: ActivationName;
}

export const DEFAULT_TARGET: ExerciseTarget = { model: 'mlp', activation: DEFAULT_CONFIG.activation };

/** One line of an exercise file as read: an assignment, or the error that stopped its parsing
 *  (with the name the line assigns, when it starts with `NAME =`). */
export type ExerciseLine = { readonly line: number; readonly assignment: Assignment } | { readonly line: number; readonly name: string; readonly error: ExerciseError };

/** The model's exercise definition and its phases for `target` (a small instance: only the phases'
 *  names, directions and tensors are needed, not their numbers). */
export function exercisePhases(target: ExerciseTarget): { definition: ModelDefinition; exercise: ExerciseDefinition; phases: readonly Phase[] } {
  const definition = modelDefinition(target.model, 'exercise');
  const exercise = definition.exercise;
  if (!exercise) throw new Error(`the model ${target.model} has no exercises`);
  const shape = definition.gradcheckShape({ activation: target.activation });
  const params = Object.fromEntries(definition.paramSpecs(shape).map((s) => [s.name, tensor(s.name, s.shape)]));
  return { definition, exercise, phases: definition.create(shape, params, 1, jsKernels).phases };
}

/** The longest exercise file read: a bound on work for any input. */
export const MAX_FILE_LENGTH = 200_000;

const HEADER = /^#\s*nlm exercise:\s*model\s+(\S+)\s*,\s*activation\s+(\S+)\s*$/;

/** The exercise file for `target`, with the lines of `blank` phases left for the student. */
export function newExercise(target: ExerciseTarget, blank: Blank): string {
  const { definition, exercise, phases } = exercisePhases(target);
  const shape = definition.gradcheckShape({ activation: target.activation });
  const answers = exercise.answers(shape);
  const sizes = Object.keys(exercise.sizes(shape));
  const params = definition.paramSpecs(shape).map((s) => s.name);
  const isBlank = (d: PhaseDirection) => blank === 'all' || blank === d;
  const out = [
    `# nlm exercise: model ${target.model}, activation ${target.activation}`,
    `# Write the right side of each blank line; \`nlm exercise check FILE.nlmx\` runs it on a real`,
    `# training run, phase by phase, on the same inputs as the engine, and compares.`,
    `# Names: the parameters ${params.join(' ')}, the batch's ids ${contextNames(definition).join(' ')} and targets y (N×1),`,
    `# the sizes N (examples) ${sizes.join(' ')}, tensors written by earlier phases, and names you define on`,
    `# earlier lines. Operators: @ .T + - * / (broadcasting a 1×n row over a batch), unary -.`,
    `# Functions: ${Object.values(FUNCTIONS).map((f) => f.signature).join(' ')}`,
  ];
  for (const phase of phases) {
    const shapes = phase.writes.map((name) => `${name} ${answers[name]?.shape ?? '?'}`).join(', ');
    out.push('', `# phase ${phase.name} (${phase.direction}): reads ${phase.reads.join(', ')}; writes ${shapes}`);
    for (const name of phase.writes) out.push(`${name} = ${isBlank(phase.direction) ? '' : (answers[name]?.expression ?? '')}`);
  }
  return out.join('\n') + '\n';
}

/** x1 … xC: one name per context position of the model's inputs. */
function contextNames(definition: ModelDefinition): string[] {
  const shape = definition.gradcheckShape({});
  return Array.from({ length: shape.context }, (_, k) => `x${k + 1}`);
}

/** The model and settings an exercise file's header names (the defaults without a header). */
export function exerciseTarget(text: string): ExerciseTarget {
  const first = text.split('\n', 1)[0];
  const m = HEADER.exec(first);
  if (!m) return DEFAULT_TARGET;
  const [, model, activation] = m;
  if (!MODEL_KINDS.includes(model)) throw new ExerciseError(1, first.indexOf(model) + 1, `unknown model ${model}; the models are ${MODEL_KINDS.join(', ')}`);
  if (!(ACTIVATIONS as readonly string[]).includes(activation)) {
    throw new ExerciseError(1, first.lastIndexOf(activation) + 1, `unknown activation ${activation}; expected one of ${ACTIVATIONS.join(', ')}`);
  }
  return { model, activation: activation as ActivationName };
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
