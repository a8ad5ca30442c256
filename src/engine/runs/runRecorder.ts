// Records one training run as it goes (format: runFiles.ts). Each file is written so that a run
// that crashes or is stopped keeps what it had: JSON files are replaced atomically, metrics.jsonl
// grows by whole lines, and the model is saved atomically after every epoch and at the end.
import * as fs from 'fs';
import * as path from 'path';
import { TrainConfig } from '../config';
import { Dataset } from '../data/dataset';
import { LoadOptions } from '../data/load';
import { writeFileAtomic } from '../modelfile/atomic';
import { EpochRecord, StepRecord } from '../trainer';
import { datasetHash } from './datasetHash';
import type { GradientNorms } from './gradientNorms';
import { CONFIG_FILE, EpochLine, METRICS_FILE, MODEL_FILE, RUN_FORMAT, RunConfig, RunStatus, RunSummary, STEP_WINDOW, StepsLine, SUMMARY_FILE } from './runFiles';
import { createRunFolder } from './runId';

export interface RunStart {
  config: TrainConfig;
  dataset: Dataset;
  datasetPath: string;
  datasetOptions: LoadOptions;
  kernels: string;
  sweep?: RunConfig['sweep'];
  /** The model file the run started from, when it did not start from fresh weights. */
  modelFile?: string;
  branchedFrom?: RunConfig['branchedFrom'];
}

export class RunRecorder {
  readonly id: string;
  readonly dir: string;
  private readonly summary: RunSummary;
  private readonly startedAt = performance.now();
  private window: { epoch: number; firstStep: number; lastStep: number; loss: number; acc: number; examples: number; lr: number; grads?: GradientNorms } | undefined;

  constructor(runsDir: string, start: RunStart) {
    const now = new Date();
    this.id = createRunFolder(runsDir, now);
    this.dir = path.join(runsDir, this.id);
    const ds = start.dataset;
    const config: RunConfig = {
      format: RUN_FORMAT,
      id: this.id,
      created: now.toISOString(),
      config: start.config,
      dataset: {
        path: start.datasetPath,
        name: ds.name,
        options: start.datasetOptions,
        hash: datasetHash(ds),
        vocab: ds.vocab.length,
        context: ds.context,
        examples: { train: ds.train.n, valid: ds.valid.n, test: ds.test.n },
      },
      kernels: start.kernels,
      ...(start.sweep ? { sweep: start.sweep } : {}),
      ...(start.modelFile !== undefined ? { modelFile: start.modelFile } : {}),
      ...(start.branchedFrom ? { branchedFrom: start.branchedFrom } : {}),
    };
    this.writeJson(CONFIG_FILE, config);
    fs.writeFileSync(path.join(this.dir, METRICS_FILE), '');
    this.summary = {
      id: this.id,
      status: 'running',
      started: now.toISOString(),
      ended: null,
      seconds: 0,
      steps: 0,
      epochs: 0,
      stoppedEarly: false,
      bestValidCe: null,
      bestValidAcc: null,
      final: null,
      test: null,
      model: null,
    };
    this.writeSummary();
  }

  /** Adds one iteration to the current window; writes the window when it is full. `grads`: the
   *  gradient norms as this iteration left them, asked for once per window (at its first step), so
   *  recording costs training one pass over the gradients in STEP_WINDOW iterations. */
  step(s: StepRecord, grads?: () => GradientNorms): void {
    const epoch = s.epoch + 1;
    if (this.window && this.window.epoch !== epoch) this.flushSteps();
    this.window ??= { epoch, firstStep: s.step, lastStep: s.step, loss: 0, acc: 0, examples: 0, lr: s.lr, grads: grads?.() };
    const w = this.window;
    w.lastStep = s.step;
    w.loss += s.loss * s.examples;
    w.acc += s.acc * s.examples;
    w.examples += s.examples;
    w.lr = s.lr;
    this.summary.steps = s.step;
    if (w.lastStep - w.firstStep + 1 >= STEP_WINDOW) this.flushSteps();
  }

  /** Records a finished epoch; `model` is the model file's bytes at its end. */
  epoch(e: EpochRecord, steps: number, model: Uint8Array): void {
    this.flushSteps();
    const line: EpochLine = {
      type: 'epoch',
      epoch: e.epoch,
      step: steps,
      trainCe: e.trainCe,
      trainAcc: e.trainAcc,
      validCe: e.valid.ce,
      validAcc: e.valid.acc,
      validTop5: e.valid.top5,
      validPerplexity: e.valid.perplexity,
      lr: e.lr,
      seconds: e.seconds,
    };
    this.appendLine(line);
    const s = this.summary;
    s.epochs = e.epoch;
    s.steps = steps;
    if (!s.bestValidCe || e.valid.ce < s.bestValidCe.ce) s.bestValidCe = { epoch: e.epoch, ce: e.valid.ce, acc: e.valid.acc };
    if (!s.bestValidAcc || e.valid.acc > s.bestValidAcc.acc) s.bestValidAcc = { epoch: e.epoch, ce: e.valid.ce, acc: e.valid.acc };
    s.final = { epoch: e.epoch, trainCe: e.trainCe, trainAcc: e.trainAcc, validCe: e.valid.ce, validAcc: e.valid.acc };
    this.saveModel(model);
    this.writeSummary();
  }

  /** Ends the record. `model`: the model file's bytes as training left them (none on failure). */
  finish(status: Exclude<RunStatus, 'running'>, opts: { model?: Uint8Array; stoppedEarly?: boolean; test?: RunSummary['test']; error?: string } = {}): RunSummary {
    this.flushSteps();
    const s = this.summary;
    s.status = status;
    s.ended = new Date().toISOString();
    s.stoppedEarly = opts.stoppedEarly ?? false;
    if (opts.test) s.test = opts.test;
    if (opts.error !== undefined) s.error = opts.error;
    if (opts.model) this.saveModel(opts.model);
    this.writeSummary();
    return { ...s };
  }

  /** A finished or stopped run trained on (the debugger's extra epoch): running again. */
  reopen(): void {
    this.summary.status = 'running';
    this.summary.ended = null;
    delete this.summary.error;
    this.writeSummary();
  }

  private flushSteps(): void {
    const w = this.window;
    if (!w) return;
    this.window = undefined;
    const line: StepsLine = { type: 'steps', epoch: w.epoch, firstStep: w.firstStep, lastStep: w.lastStep, loss: w.loss / w.examples, acc: w.acc / w.examples, lr: w.lr };
    if (w.grads) {
      line.gradNorm = w.grads.total;
      line.gradNorms = w.grads.norms;
    }
    this.appendLine(line);
  }

  private saveModel(bytes: Uint8Array): void {
    writeFileAtomic(path.join(this.dir, MODEL_FILE), bytes);
    this.summary.model = MODEL_FILE;
  }

  private appendLine(line: object): void {
    fs.appendFileSync(path.join(this.dir, METRICS_FILE), JSON.stringify(line) + '\n');
  }

  private writeSummary(): void {
    this.summary.seconds = (performance.now() - this.startedAt) / 1000;
    this.writeJson(SUMMARY_FILE, this.summary);
  }

  private writeJson(name: string, value: unknown): void {
    writeFileAtomic(path.join(this.dir, name), new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n'));
  }
}
