// "Train with my backward": the backward phases of a run compute the student's lines instead of
// the engine's, so training runs on the student's gradients (a wrong one visibly fails to learn).
// Each backward phase whose every tensor has a line is replaced (Trainer.replacePhase): its lines
// are evaluated on the model's tensors as they are then, helper lines above them first, and the
// values written into the model's tensors. The file is checked first on the run's current
// iteration: a line that cannot be evaluated (syntax, shape, a tensor not computed yet) is refused.
import { modelDefinition } from '../models';
import { Trainer } from '../trainer';
import { checkOnTrainer } from './checker';
import { constantsOf, tensorsOf, writeTensor } from './engineTensors';
import { Arena } from './arena';
import { evaluate } from './evaluator';
import { exercisePhases, exerciseTarget, linePhases, readExercise } from './exerciseFile';
import { withArena } from './matrix';
import { Expr, namesIn } from './parser';

interface Line {
  readonly line: number;
  readonly name: string;
  readonly expr: Expr;
}

/** Replaces the run's backward phases by the file's lines; returns the names of those replaced. */
export function trainWithStudentBackward(trainer: Trainer, text: string): string[] {
  const target = exerciseTarget(text);
  const exercise = modelDefinition(target.model).exercise;
  if (!exercise) throw new Error(`the model ${target.model} has no exercises`);
  const activation = exercise.usesActivation && target.activation !== trainer.config.activation;
  if (target.model !== trainer.shape.kind || activation) {
    const of = (model: string, a: string) => (exercise.usesActivation ? `${model} with ${a}` : model);
    throw new Error(`the exercise is for ${of(target.model, target.activation)}; the run is ${of(trainer.shape.kind, trainer.config.activation)}`);
  }
  const model = trainer.model;
  const names = (phases: readonly { name: string }[]) => phases.map((p) => p.name).join(' ');
  if (names(exercisePhases(target).phases) !== names(model.phases)) {
    throw new Error(`the run's phases (${names(model.phases)}) are not the exercise's (${names(exercisePhases(target).phases)}): exercises backpropagate through every time step (set nlm.bptt to 0)`);
  }
  const backward = model.phases.filter((p) => p.direction === 'backward');

  // Each tensor line goes with its phase (a sum over time steps has a line in each phase that
  // writes it; blank lines count); the others are helpers.
  const all = readExercise(text);
  const phaseOfLine = linePhases(all.map((e) => ('error' in e ? e.name : e.assignment.name)), model.phases);
  const written = new Set(model.phases.flatMap((p) => p.writes));
  const entries = all.flatMap((e, i) => ('assignment' in e && e.assignment.expr ? [{ line: e.line, name: e.assignment.name, expr: e.assignment.expr, phase: phaseOfLine[i] }] : []));
  const helpers = entries.filter((e) => !written.has(e.name));
  const linesOf = (phase: number): Line[] => entries.filter((e) => e.phase === phase);
  const replaced = backward.filter((p) => {
    const own = linesOf(model.phases.indexOf(p));
    return p.writes.every((name) => own.some((l) => l.name === name));
  });
  if (replaced.length === 0) throw new Error('the file has no backward phase with all its lines written: nothing to train with');

  // What would break during training breaks now, with the line.
  const usedNames = new Set([...replaced.flatMap((p) => p.writes), ...helpers.map((h) => h.name)]);
  const broken = checkOnTrainer(text, trainer).filter((v) => v.verdict === 'error' && usedNames.has(v.name));
  if (broken.length > 0) throw new Error(broken.map((v) => `line ${v.line}: ${v.name}: ${v.message}`).join('; '));

  const sizes = exercise.sizes(trainer.shape);
  for (const phase of replaced) {
    const own = linesOf(model.phases.indexOf(phase));
    const first = Math.min(...own.map((l) => l.line));
    const before = helpers.filter((h) => h.line < first);
    // Only the tensors the lines read are copied out of the model, each iteration.
    const reads = new Set<string>();
    for (const l of [...before, ...own]) namesIn(l.expr, reads);
    // The values of one run are written into the model before the next run reuses their memory.
    const scratch = new Arena(trainer.kernels);
    trainer.replacePhase(phase.name, () => {
      scratch.reset();
      withArena(scratch, () => {
        const env = new Map([...tensorsOf(model, reads), ...constantsOf(model, sizes)]);
        for (const h of before) env.set(h.name, evaluate(h.expr, env, trainer.kernels));
        for (const l of own) {
          const value = evaluate(l.expr, env, trainer.kernels);
          writeTensor(model, l.name, value);
          env.set(l.name, value);
        }
      });
    });
  }
  return replaced.map((p) => p.name);
}
