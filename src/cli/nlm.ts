#!/usr/bin/env node
// The headless CLI: the same engine as the extension, for terminals, scripts and CI.
// Errors are one line on stderr naming the file and the problem, exit code 1.
import { allowRelaxedSimd, pickKernels } from '../engine/backend';
import { resolveConfig, TrainConfig } from '../engine/config';
import { loadDataset } from '../engine/data/load';
import { Dataset, SplitName, SPLITS } from '../engine/data/dataset';
import { Evaluator } from '../engine/evaluate';
import { gradientCheck } from '../engine/gradcheck';
import { Predictor } from '../engine/inference';
import { loadModel, SavedModel, savedShape, checkVocabMatches } from '../engine/modelfile/modelFile';
import { runModelFile, writeModelFile } from '../engine/modelfile/runModelFile';
import { RunRecorder } from '../engine/runs/runRecorder';
import { describeSchedule } from '../engine/schedules';
import { Trainer } from '../engine/trainer';
import { DEFAULT_STREAM_WINDOW } from '../engine/models/recurrent';
import { args, CORPUS_OPTIONS, corpusOptions, DEFAULT_RUNS_DIR, RUNS_OPTIONS, TRAIN_OPTIONS, trainSettings, UsageError } from './cliArgs';
import { runsCommand } from './runsCommand';
import { sweepCommand, SWEEP_USAGE } from './sweepCommand';
import { StopSignal } from './stopSignal';
import { runTraining } from './trainRun';
import { exercise } from './exerciseCommand';

const USAGE = `usage:
  nlm train [--data PATH|demo] [--embed D] [--hidden P] [--activation sigmoid|tanh|relu|linear]
            [--optimizer sgd|momentum|adam] [--lr X] [--momentum M] [--batch B] [--epochs E]
            [--seed S] [--init normal|xavier|he] [--l2 L] [--lr-decay F] [--patience N]
            [--schedule exponential|step|cosine|plateau] [--lr-step E] [--lr-min X]
            [--lr-patience N] [--warmup STEPS]
            [--threads 1|2] [--model mlp|rnn|lstm] [--bptt K] [--clip C]
            [--task stream] (rnn, lstm: the text as token streams, B = --batch parallel
            streams read in windows of K = --bptt tokens (default 35), loss at every position)
            [--out FILE.safetensors] [--npz FILE.npz] [--json] [CORPUS OPTIONS]
            [--test] (evaluate the test split at the end)
            [--runs-dir DIR] [--no-record] (every run is recorded in DIR, default ${DEFAULT_RUNS_DIR})
  nlm eval --model FILE --data PATH [--split test|valid|train] [--json] [CORPUS OPTIONS]
  nlm predict --model FILE "city of new" [-k 10]
  nlm neighbours --model FILE WORD [-k 10] [--among N] (among the first N words: a text corpus's N most frequent)
  nlm generate --model FILE "life in the" [--words 10] [--temperature T] [--seed S]
  nlm gradcheck [--model mlp|rnn|lstm] [--bptt K] [--task stream] [--activation A] [--json]
  nlm runs [--runs-dir DIR] [--json]
${SWEEP_USAGE}
  nlm exercise new [--model mlp] [--activation A] [--blank backward|forward|all|none]
  nlm exercise check FILE.nlmx [--data PATH|demo] [--seed S] [--json]
PATH is a CMPE 597 folder of .npy files, a CSC321 data.mat file, a .txt corpus, or a folder of
  train.txt, valid.txt, test.txt (token streams, e.g. Penn Treebank).
CORPUS OPTIONS (a .txt corpus): [--vocab V] (largest vocabulary, <unk> included; default 10000)
  [--min-count K] (rarer words become <unk>) [--context N] (1–10 context words; default 3)
  [--keep-case] [--keep-punctuation] (default: lowercase, split punctuation off words)
  [--task ngram|stream] (n-grams within lines, or token streams: each line's words and <eos>;
  a single .txt is split by lines in order, 80 % train, 10 % valid, 10 % test)`;

/** "kjv.txt: V=8000, 913,373 tokens (12,842 distinct, 0.61 % now <unk>, punctuation split)". */
function describeDataset(ds: Dataset): string {
  const grams = `${ds.context + 1}-grams`;
  const counts = ds.stream
    ? `token streams of ${ds.stream.train.length} train / ${ds.stream.valid.length} valid / ${ds.stream.test.length} test tokens (<eos> included)`
    : `${ds.train.n} train / ${ds.valid.n} valid / ${ds.test.n} test ${grams}`;
  const c = ds.corpus;
  if (!c) return `${ds.name}: V=${ds.vocab.length}, ${counts}`;
  const unk = ((100 * c.unkTokens) / c.tokens).toFixed(2);
  return `${ds.name}: V=${ds.vocab.length}, ${c.tokens} tokens (${c.distinct} distinct, ${unk} % now <unk>, punctuation ${c.punctuation}); ${counts}`;
}

function main(argv: string[]): void | Promise<void> {
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
    case 'runs':
      return runsCommand(rest);
    case 'sweep':
      return sweepCommand(rest, (t) => runModelFile(t));
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

async function train(argv: string[]): Promise<void> {
  const { values } = args(argv, {
    data: { type: 'string' },
    ...TRAIN_OPTIONS,
    out: { type: 'string' },
    npz: { type: 'string' },
    json: { type: 'boolean' },
    test: { type: 'boolean' },
    ...RUNS_OPTIONS,
    'no-record': { type: 'boolean' },
    ...CORPUS_OPTIONS,
  });
  const config = resolveConfig(trainSettings(values));
  const dataPath = values.data ?? 'demo';
  const dataOptions = corpusOptions(values);
  const dataset = loadDataset(dataPath, dataOptions);
  const kernels = pickKernels();
  const trainer = new Trainer(dataset, config, kernels);
  const json = values.json === true;
  if (!json) {
    console.log(describeDataset(dataset));
    console.log(describe(config, trainer.shape.task === 'stream') + `, kernels ${kernels.name}, ${trainer.threads === 2 ? '2 threads' : '1 thread'}`);
  }
  const recorder = values['no-record'] ? undefined : new RunRecorder(values['runs-dir'] ?? DEFAULT_RUNS_DIR, { config, dataset, datasetPath: dataPath, datasetOptions: dataOptions, kernels: kernels.name });
  if (recorder && !json) console.log(`recording in ${recorder.dir}`);
  const stop = new StopSignal();
  const outcome = await runTraining({ trainer, epochLines: json ? 'json' : 'text', bar: !json, recorder, model: (t) => runModelFile(t), test: values.test === true, stop }).finally(() => stop.dispose());
  if (outcome.signal) {
    process.exitCode = stop.exitCode;
    console.error(`nlm: stopped after ${trainer.steps} steps (${outcome.signal})` + (recorder ? `; the run is kept in ${recorder.dir}` : '') + (values.out || values.npz ? '; --out/--npz not written' : ''));
    return;
  }
  if (trainer.stoppedEarly && !json) console.log(`early stopping after epoch ${trainer.epoch}`);
  const t = outcome.test;
  if (t && json) console.log(JSON.stringify({ test_ce: t.ce, test_acc: t.acc, test_top5: t.top5, test_perplexity: t.perplexity }));
  else if (t) console.log(`test: CE ${t.ce.toFixed(4)} acc ${t.acc.toFixed(4)} top-5 ${t.top5.toFixed(4)} ppl ${t.perplexity.toFixed(2)}`);
  const saved = runModelFile(trainer);
  if (values.out) {
    writeModelFile(values.out, 'safetensors', saved);
    if (!json) console.log(`saved ${values.out}`);
  }
  if (values.npz) {
    writeModelFile(values.npz, 'npz', saved);
    if (!json) console.log(`exported ${values.npz}`);
  }
}

function describe(c: TrainConfig, stream: boolean): string {
  const opt = c.optimizer === 'momentum' ? `momentum ${c.momentum}` : c.optimizer;
  const bptt = stream ? `${c.batchSize} streams, windows of ${c.bptt || DEFAULT_STREAM_WINDOW} tokens (state carried, truncated BPTT)` : `BPTT ${c.bptt > 0 ? `last ${c.bptt} steps` : 'full'}`;
  const model = c.model === 'mlp' ? `D=${c.embeddingDim} P=${c.hiddenUnits} ${c.activation}` : `${c.model} D=${c.embeddingDim} P=${c.hiddenUnits}, ${bptt}`;
  const clip = c.clip > 0 ? `, clip ${c.clip}` : '';
  return `${model}, ${opt} lr ${c.lr} (${describeSchedule(c)})${clip}, batch ${c.batchSize}, ${c.epochs} epochs, seed ${c.seed}`;
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
  const shape = savedShape(model.meta, values.model);
  // A stream model reads its data as streams unless told otherwise.
  const options = corpusOptions(values);
  const dataset = loadDataset(values.data, { ...options, task: options.task ?? (shape.task === 'stream' ? 'stream' : undefined) });
  checkVocabMatches(model.meta.vocab, dataset.vocab, values.model!, values.data);
  const r = new Evaluator(shape, model.params, pickKernels()).evaluateSplit(dataset, split);
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
  const { values, positionals } = args(argv, { model: { type: 'string' }, k: { type: 'string', short: 'k' }, among: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError('give exactly one WORD');
  const p = predictor(values.model);
  const among = values.among === undefined ? undefined : count(values.among, '--among', 1);
  for (const { word, score } of p.nearest(positionals[0], count(values.k, '-k', 10), among)) console.log(`${score.toFixed(4)}  ${word}`);
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
  const { values } = args(argv, { json: { type: 'boolean' }, activation: { type: 'string' }, model: { type: 'string' }, bptt: { type: 'string' }, task: { type: 'string' } });
  const { activation, model, bptt } = resolveConfig({ activation: values.activation, model: values.model, bptt: values.bptt });
  const task = corpusOptions({ task: values.task }).task;
  if (task === 'stream' && model === 'mlp') throw new UsageError('--task stream is for --model rnn or lstm');
  const r = gradientCheck({ kind: model, activation, bptt, task });
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
Promise.resolve()
  .then(() => main(process.argv.slice(2)))
  .catch((e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    console.error(`nlm: ${message}`);
    if (e instanceof UsageError) console.error(USAGE);
    process.exitCode = 1;
  });
