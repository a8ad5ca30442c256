// One training run from start to end, the same for `nlm train` and every run of `nlm sweep` (so
// their numbers agree to the last bit): steps, divergence warnings, the progress bar, the epoch
// lines, the run record. A StopSignal (Ctrl-C, SIGTERM) stops it between two steps; the record
// keeps what the run had. The loop yields to the event loop now and then, else no signal could land.
import { describeDivergence, DivergenceWatch } from '../engine/divergence';
import { Evaluator } from '../engine/evaluate';
import { encodeModel, SavedModel } from '../engine/modelfile/modelFile';
import { RunSummary } from '../engine/runs/runFiles';
import { RunRecorder } from '../engine/runs/runRecorder';
import { EpochRecord, Progress, Trainer } from '../engine/trainer';
import { ProgressBar } from './progressBar';
import { StopSignal } from './stopSignal';

export interface TrainingRun {
  trainer: Trainer;
  /** On stdout after every epoch: a text line, a JSON line, or nothing (a sweep reports on stderr). */
  epochLines: 'text' | 'json' | 'none';
  /** A progress bar on stderr (TTYs only). */
  bar: boolean;
  recorder: RunRecorder | undefined;
  /** The model file as training left it. */
  model: (t: Trainer) => SavedModel;
  onEpoch?: (e: EpochRecord) => void;
  /** Evaluate the finished model on the test split (not after a stop). */
  test: boolean;
  stop: StopSignal;
}

export interface TrainingOutcome {
  status: 'finished' | 'stopped';
  /** The signal that stopped the run. */
  signal?: NodeJS.Signals;
  /** The record's summary, when the run was recorded. */
  summary?: RunSummary;
  test?: RunSummary['test'];
}

/** How long the loop may run before it lets a pending signal in. */
const YIELD_MS = 50;

export async function runTraining(run: TrainingRun): Promise<TrainingOutcome> {
  const { trainer, recorder } = run;
  try {
    await trainLoop(run);
    const signal = run.stop.signal;
    const status = signal ? 'stopped' : 'finished';
    const test = run.test && !signal ? testMetrics(trainer) : undefined;
    const summary = recorder?.finish(status, { model: encodeModel(run.model(trainer)), stoppedEarly: trainer.stoppedEarly, test });
    return { status, signal, summary, test };
  } catch (e) {
    recorder?.finish('failed', { error: e instanceof Error ? e.message : String(e) });
    throw e;
  } finally {
    trainer.close();
  }
}

async function trainLoop(run: TrainingRun): Promise<void> {
  const { trainer, recorder } = run;
  const config = trainer.config;
  const bar = run.bar && process.stderr.isTTY ? new ProgressBar(trainer.batchesPerEpoch, config.batchSize) : undefined;
  const watch = new DivergenceWatch(trainer.dataset.vocab.length);
  let wasDiverged = false;
  let lastYield = performance.now();
  while (!trainer.finished) {
    bar?.startEpoch(trainer.epoch + 1, config.epochs);
    let divergedInEpoch = false;
    let p: Progress;
    do {
      if (performance.now() - lastYield > YIELD_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
      if (run.stop.signal) {
        bar?.done();
        return;
      }
      p = trainer.step();
      const step = p.iteration!;
      recorder?.step(step);
      watch.add(step.loss);
      const diverged = watch.current;
      // Said once when the run crosses into divergence (again, if it recovered in between).
      if (diverged && !wasDiverged) {
        bar?.done();
        console.error(`nlm: step ${step.step} (epoch ${step.epoch + 1}): ${describeDivergence(diverged)}`);
      }
      wasDiverged = diverged !== undefined;
      divergedInEpoch ||= wasDiverged;
      if (!p.epoch) bar?.update(trainer.batch, step.loss);
    } while (!p.epoch);
    bar?.done();
    recorder?.epoch(p.epoch, trainer.steps, encodeModel(run.model(trainer)));
    report(p.epoch, divergedInEpoch, run.epochLines);
    run.onEpoch?.(p.epoch);
  }
}

function testMetrics(t: Trainer): NonNullable<RunSummary['test']> {
  const r = new Evaluator(t.shape, t.params, t.kernels).evaluateSplit(t.dataset, 'test');
  return { ce: r.ce, acc: r.acc, top5: r.top5, perplexity: r.perplexity };
}

/** One line per epoch; `diverged`: whether the divergence rule fired at any step of it. */
function report(e: EpochRecord, diverged: boolean, lines: TrainingRun['epochLines']): void {
  const line = {
    epoch: e.epoch,
    train_ce: e.trainCe,
    train_acc: e.trainAcc,
    valid_ce: e.valid.ce,
    valid_acc: e.valid.acc,
    seconds: e.seconds,
    diverged,
  };
  if (lines === 'json') console.log(JSON.stringify(line));
  else if (lines === 'text') {
    console.log(
      `epoch ${e.epoch}: train CE ${e.trainCe.toFixed(4)} acc ${e.trainAcc.toFixed(4)} | valid CE ${e.valid.ce.toFixed(4)} ` +
        `acc ${e.valid.acc.toFixed(4)} top-5 ${e.valid.top5.toFixed(4)} ppl ${e.valid.perplexity.toFixed(2)} | ${e.seconds.toFixed(2)} s` +
        (diverged ? ' | diverged' : ''),
    );
  }
}
