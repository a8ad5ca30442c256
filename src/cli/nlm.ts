#!/usr/bin/env node
// The headless CLI: the same engine as the extension, for terminals, scripts and CI.
// Errors are one line on stderr naming the file and the problem, exit code 1.
import { parseArgs } from 'util';
import { allowRelaxedSimd, pickKernels } from '../engine/backend';
import { resolveConfig, TrainConfig } from '../engine/config';
import { loadDataset, LoadOptions } from '../engine/data/load';
import { Dataset, SplitName, SPLITS } from '../engine/data/dataset';
import { describeDivergence, DivergenceWatch } from '../engine/divergence';
import { Evaluator } from '../engine/evaluate';
import { gradientCheck } from '../engine/gradcheck';
import { Predictor } from '../engine/inference';
import { loadModel, modelMeta, saveModel, SavedModel, savedShape, checkVocabMatches } from '../engine/modelfile/modelFile';
import { exportNpz } from '../engine/modelfile/npz';
import { Trainer, EpochRecord, Progress } from '../engine/trainer';
import { exercise } from './exerciseCommand';
import { ProgressBar } from './progressBar';

const USAGE = `usage:
  nlm train [--data PATH|demo] [--embed D] [--hidden P] [--activation sigmoid|tanh|relu|linear]
            [--optimizer sgd|momentum|adam] [--lr X] [--momentum M] [--batch B] [--epochs E]
            [--seed S] [--init normal|xavier|he] [--l2 L] [--lr-decay F] [--patience N]
            [--threads 1|2] [--out FILE.safetensors] [--npz FILE.npz] [--json] [CORPUS OPTIONS]
  nlm eval --model FILE --data PATH [--split test|valid|train] [--json] [CORPUS OPTIONS]
  nlm predict --model FILE "city of new" [-k 10]
  nlm neighbours --model FILE WORD [-k 10]
  nlm generate --model FILE "life in the" [--words 10] [--temperature T] [--seed S]
  nlm gradcheck [--json]
PATH is a CMPE 597 folder of .npy files, a CSC321 data.mat file or a .txt corpus.
CORPUS OPTIONS (a .txt corpus): [--vocab V] (largest vocabulary, <unk> included; default 10000)
  [--min-count K] (rarer words become <unk>) [--context N] (1–10 context words; default 3)
  [--keep-case] [--keep-punctuation] (default: lowercase, split punctuation off words)`;

/** The options of a text corpus, on every command that reads a dataset. */
const CORPUS_OPTIONS = {
  vocab: { type: 'string' },
  'min-count': { type: 'string' },
  context: { type: 'string' },
  'keep-case': { type: 'boolean' },
  'keep-punctuation': { type: 'boolean' },
} as const;

function corpusOptions(values: { vocab?: string; 'min-count'?: string; context?: string; 'keep-case'?: boolean; 'keep-punctuation'?: boolean }): LoadOptions {
  const whole = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (text.trim() === '' || !Number.isInteger(n)) throw new UsageError(`--${flag} must be a whole number (got "${text}")`);
    return n;
  };
  return {
    vocabSize: whole('vocab', values.vocab),
    minCount: whole('min-count', values['min-count']),
    context: whole('context', values.context),
    lowercase: !values['keep-case'],
    splitPunctuation: !values['keep-punctuation'],
  };
}

/** "kjv.txt: V=8000, 913,373 tokens (12,842 distinct, 0.61 % now <unk>, punctuation split)". */
function describeDataset(ds: Dataset): string {
  const grams = `${ds.context + 1}-grams`;
  const counts = `${ds.train.n} train / ${ds.valid.n} valid / ${ds.test.n} test ${grams}`;
  const c = ds.corpus;
  if (!c) return `${ds.name}: V=${ds.vocab.length}, ${counts}`;
  const unk = ((100 * c.unkTokens) / c.tokens).toFixed(2);
  return `${ds.name}: V=${ds.vocab.length}, ${c.tokens} tokens (${c.distinct} distinct, ${unk} % now <unk>, punctuation ${c.punctuation}); ${counts}`;
}

class UsageError extends Error {}

function main(argv: string[]): void {
  const [command, ...rest] = argv;
  switch (command) {
    case 'train':
      return train(rest);
    case 'eval':
      return evaluate(rest);
    case 'predict':
      return predict(rest);
    case 'neighbours':
    case 'neighbors':
      return neighbours(rest);
    case 'generate':
      return generate(rest);
    case 'gradcheck':
      return gradcheck(rest);
    case 'exercise':
      return exercise(rest);
    case undefined:
    case '-h':
    case '--help':
      console.log(USAGE);
      return;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

type Options = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function args<const T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function train(argv: string[]): void {
  const { values } = args(argv, {
    data: { type: 'string' },
    embed: { type: 'string' },
    hidden: { type: 'string' },
    activation: { type: 'string' },
    optimizer: { type: 'string' },
    lr: { type: 'string' },
    momentum: { type: 'string' },
    batch: { type: 'string' },
    epochs: { type: 'string' },
    seed: { type: 'string' },
    init: { type: 'string' },
    l2: { type: 'string' },
    'lr-decay': { type: 'string' },
    patience: { type: 'string' },
    threads: { type: 'string' },
    out: { type: 'string' },
    npz: { type: 'string' },
    json: { type: 'boolean' },
    ...CORPUS_OPTIONS,
  });
  const config = resolveConfig({
    embeddingDim: values.embed,
    hiddenUnits: values.hidden,
    activation: values.activation,
    optimizer: values.optimizer,
    lr: values.lr,
    momentum: values.momentum,
    batchSize: values.batch,
    epochs: values.epochs,
    seed: values.seed,
    init: values.init,
    weightDecay: values.l2,
    lrDecay: values['lr-decay'],
    patience: values.patience,
    threads: values.threads,
  });
  const dataPath = values.data ?? 'demo';
  const dataset = loadDataset(dataPath, corpusOptions(values));
  const kernels = pickKernels();
  const trainer = new Trainer(dataset, config, kernels);
  const json = values.json === true;
  if (!json) {
    console.log(describeDataset(dataset));
    console.log(describe(config) + `, kernels ${kernels.name}, ${trainer.threads === 2 ? '2 threads' : '1 thread'}`);
  }
  const bar = !json && process.stderr.isTTY ? new ProgressBar(trainer.batchesPerEpoch, config.batchSize) : undefined;
  const watch = new DivergenceWatch(dataset.vocab.length);
  let wasDiverged = false;
  while (!trainer.finished) {
    bar?.startEpoch(trainer.epoch + 1, config.epochs);
    let divergedInEpoch = false;
    let p: Progress;
    do {
      p = trainer.step();
      const step = p.iteration!;
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
    report(p.epoch, divergedInEpoch, json);
  }
  if (trainer.stoppedEarly && !json) console.log(`early stopping after epoch ${trainer.epoch}`);
  const saved = savedModel(trainer, dataPath);
  if (values.out) {
    saveModel(values.out, saved);
    if (!json) console.log(`saved ${values.out}`);
  }
  if (values.npz) {
    exportNpz(values.npz, saved);
    if (!json) console.log(`exported ${values.npz}`);
  }
}

function describe(c: TrainConfig): string {
  const opt = c.optimizer === 'momentum' ? `momentum ${c.momentum}` : c.optimizer;
  return `D=${c.embeddingDim} P=${c.hiddenUnits} ${c.activation}, ${opt} lr ${c.lr} (×${c.lrDecay}/epoch), batch ${c.batchSize}, ${c.epochs} epochs, seed ${c.seed}`;
}

/** One line per epoch; `diverged`: whether the divergence rule fired at any step of it. */
function report(e: EpochRecord, diverged: boolean, json: boolean): void {
  const line = {
    epoch: e.epoch,
    train_ce: e.trainCe,
    train_acc: e.trainAcc,
    valid_ce: e.valid.ce,
    valid_acc: e.valid.acc,
    seconds: e.seconds,
    diverged,
  };
  if (json) console.log(JSON.stringify(line));
  else {
    console.log(
      `epoch ${e.epoch}: train CE ${e.trainCe.toFixed(4)} acc ${e.trainAcc.toFixed(4)} | valid CE ${e.valid.ce.toFixed(4)} ` +
        `acc ${e.valid.acc.toFixed(4)} top-5 ${e.valid.top5.toFixed(4)} ppl ${e.valid.perplexity.toFixed(2)} | ${e.seconds.toFixed(2)} s` +
        (diverged ? ' | diverged' : ''),
    );
  }
}

function savedModel(t: Trainer, dataPath: string): SavedModel {
  return {
    meta: modelMeta(t.shape, t.dataset.vocab, t.config.init, {
      dataset: dataPath,
      epochs: t.epoch,
      seed: t.config.seed,
      optimizer: t.config.optimizer,
      lr: t.config.lr,
      batchSize: t.config.batchSize,
    }),
    params: t.params,
  };
}

function requireModel(file: string | undefined): SavedModel {
  if (!file) throw new UsageError('--model FILE is required');
  return loadModel(file);
}

function evaluate(argv: string[]): void {
  const { values } = args(argv, { model: { type: 'string' }, data: { type: 'string' }, split: { type: 'string' }, json: { type: 'boolean' }, ...CORPUS_OPTIONS });
  const model = requireModel(values.model);
  if (!values.data) throw new UsageError('--data PATH is required');
  const split = (values.split ?? 'test') as SplitName;
  if (!SPLITS.includes(split)) throw new UsageError(`--split must be one of ${SPLITS.join(', ')}`);
  const dataset = loadDataset(values.data, corpusOptions(values));
  checkVocabMatches(model.meta.vocab, dataset.vocab, values.model!, values.data);
  const r = new Evaluator(savedShape(model.meta, values.model), model.params, pickKernels()).evaluate(dataset[split]);
  if (values.json) console.log(JSON.stringify({ n: r.n, ce: r.ce, acc: r.acc, top5: r.top5, perplexity: r.perplexity }));
  else console.log(`${dataset.name} ${split}: n=${r.n} CE ${r.ce.toFixed(4)} acc ${r.acc.toFixed(4)} top-5 ${r.top5.toFixed(4)} perplexity ${r.perplexity.toFixed(2)}`);
}

function predictor(file: string | undefined): Predictor {
  const model = requireModel(file);
  return new Predictor(savedShape(model.meta, file), model.params, model.meta.vocab, pickKernels());
}

function count(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive whole number (got "${value}")`);
  return n;
}

function predict(argv: string[]): void {
  const { values, positionals } = args(argv, { model: { type: 'string' }, k: { type: 'string', short: 'k' } });
  const p = predictor(values.model);
  const text = positionals.join(' ');
  for (const { word, score } of p.topK(text, count(values.k, '-k', 10))) console.log(`${score.toFixed(4)}  ${word}`);
}

function neighbours(argv: string[]): void {
  const { values, positionals } = args(argv, { model: { type: 'string' }, k: { type: 'string', short: 'k' } });
  if (positionals.length !== 1) throw new UsageError('give exactly one WORD');
  const p = predictor(values.model);
  for (const { word, score } of p.nearest(positionals[0], count(values.k, '-k', 10))) console.log(`${score.toFixed(4)}  ${word}`);
}

function generate(argv: string[]): void {
  const { values, positionals } = args(argv, {
    model: { type: 'string' },
    words: { type: 'string' },
    temperature: { type: 'string' },
    seed: { type: 'string' },
  });
  const p = predictor(values.model);
  const text = positionals.join(' ');
  const temperature = values.temperature === undefined ? 0 : Number(values.temperature);
  if (!(temperature >= 0)) throw new UsageError('--temperature must be a number ≥ 0');
  const words = p.generate(text, count(values.words, '--words', 10), temperature, count(values.seed, '--seed', 1));
  console.log(`${text} ${words.join(' ')}`);
}

function gradcheck(argv: string[]): void {
  const { values } = args(argv, { json: { type: 'boolean' }, activation: { type: 'string' } });
  const activation = values.activation === undefined ? undefined : resolveConfig({ activation: values.activation }).activation;
  const r = gradientCheck({ activation });
  if (values.json) {
    const params = Object.fromEntries(Object.entries(r.params).map(([name, v]) => [name, { maxRelError: v.maxRelError, relError: v.relError }]));
    console.log(JSON.stringify({ params, maxRelError: r.maxRelError }));
    return;
  }
  for (const [name, v] of Object.entries(r.params)) {
    console.log(`${name.padEnd(3)} relative error ${v.relError.toExponential(2)} (worst entry ${v.maxRelError.toExponential(2)}, ${v.checked} entries)`);
  }
  console.log(r.maxRelError < 1e-6 ? 'gradient check passed' : 'gradient check FAILED');
  if (r.maxRelError >= 1e-6) process.exitCode = 1;
}

allowRelaxedSimd();
try {
  main(process.argv.slice(2));
} catch (e) {
  const message = e instanceof Error ? e.message : String(e);
  console.error(`nlm: ${message}`);
  if (e instanceof UsageError) console.error(USAGE);
  process.exitCode = 1;
}
