// The names an exercise file may use, with a line about each, from the model's declarations (its
// parameters, its phases' tensors with their shapes, its sizes) and the language's function table:
// what the editor completes and explains. Nothing here names a model's tensors.
import { ExerciseTarget, exercisePhases, forLine } from './exerciseFile';
import { FUNCTIONS } from './functions';

export type NameKind = 'parameter' | 'gradient' | 'tensor' | 'batch' | 'size' | 'function';

export interface ExerciseName {
  readonly name: string;
  readonly kind: NameKind;
  /** "N×V · written by phase dZ2", "hidden layer weights (3D×M)", "sum(X, axis)". */
  readonly detail: string;
}

/** The sizes' meanings; a model may declare others (then they are just "a size"). */
const SIZE_MEANING: Readonly<Record<string, string>> = {
  N: 'examples in the mini-batch',
  V: 'words in the vocabulary',
  D: 'embedding dimensions',
  M: 'hidden units',
  C: 'context words per example',
};

export function exerciseNames(target: ExerciseTarget): ExerciseName[] {
  const { definition, exercise, shape, phases } = exercisePhases(target);
  const answers = exercise.answers(shape);
  const out: ExerciseName[] = [];
  const seen = new Set<string>();
  const add = (n: ExerciseName) => {
    if (seen.has(n.name)) return;
    seen.add(n.name);
    out.push(n);
  };
  for (const spec of definition.paramSpecs(shape)) add({ name: spec.name, kind: 'parameter', detail: spec.description });
  for (const phase of phases) {
    for (const name of phase.writes) {
      const shapeText = forLine(answers, name, phase.name)?.shape ?? '?';
      add({ name, kind: /^d/.test(name) ? 'gradient' : 'tensor', detail: `${shapeText} · written by phase ${phase.name} (${phase.direction})` });
    }
  }
  for (let k = 1; k <= shape.context; k++) add({ name: `x${k}`, kind: 'batch', detail: `N×1 · the id of context word ${k} of each example` });
  add({ name: 'y', kind: 'batch', detail: 'N×1 · the id of each example’s target word' });
  for (const size of ['N', ...Object.keys(exercise.sizes(shape))]) add({ name: size, kind: 'size', detail: `1×1 · ${SIZE_MEANING[size] ?? 'a size of the model'}` });
  for (const [name, f] of Object.entries(FUNCTIONS)) add({ name, kind: 'function', detail: f.signature });
  return out;
}
