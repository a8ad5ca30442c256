// The worker's side of NLM: Check Exercise: the checker runs on the loaded run's trainer at its
// current iteration (on copies: the run is not changed), or on a fresh run of the given settings
// when none is loaded. An error of the student's text becomes an error verdict on its line.
import { resolveConfig } from '../../engine/config';
import { loadDataset } from '../../engine/data/load';
import { checkExercise, checkOnTrainer, LineVerdict } from '../../engine/exercise/checker';
import { ExerciseError } from '../../engine/exercise/exerciseError';
import type { TrainConfig } from '../../engine/config';
import type { DatasetSpec, ExerciseReport } from '../protocol';
import type { LoadedRun } from './loadedRun';

/** Warm-up iterations of a fresh run, as `nlm exercise check` does: the biases are no longer zero. */
const WARMUP = 3;

export function checkExerciseFile(text: string, run: LoadedRun | undefined, fresh: { dataset: DatasetSpec; config: Partial<TrainConfig> }): ExerciseReport {
  try {
    if (run) return { verdicts: checkOnTrainer(text, run.trainer), at: describeStop(run) };
    const dataset = loadDataset(fresh.dataset.path, fresh.dataset.corpus);
    const verdicts = checkExercise(text, dataset, { config: resolveConfig(fresh.config), warmup: WARMUP });
    return { verdicts, at: `a fresh run of the settings on ${dataset.name}, after ${WARMUP} warm-up iterations (no run is loaded)` };
  } catch (e) {
    // A bad header: one error verdict on the line it names.
    if (!(e instanceof ExerciseError)) throw e;
    const verdict: LineVerdict = { line: e.line, column: e.column, name: '', verdict: 'error', message: e.problem };
    return { verdicts: [verdict], at: 'not checked' };
  }
}

/** "iteration 37 (epoch 1, batch 37), before phase dW3 of the loaded run". */
function describeStop({ trainer: t }: LoadedRun): string {
  const where = t.atIterationStart ? 'before its first phase' : `before phase ${t.currentPhase.name}${t.subIndex > 0 ? ` (sub-step ${t.subIndex + 1})` : ''}`;
  return `iteration ${t.steps + 1} (epoch ${t.epoch + 1}, batch ${t.batch + 1} of ${t.batchesPerEpoch}), ${where}, of the loaded run`;
}
