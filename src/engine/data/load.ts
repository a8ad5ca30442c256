// One entry point for every dataset a user can hand us: "demo", a CMPE 597 folder of .npy files
// (or one of its files), a CSC321/Coursera data.mat, or a raw .txt corpus.
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { Dataset, makeSplit, Split, SplitName, SPLITS, validateIds } from './dataset';
import { demoDataset } from './demo';
import { readMatDataset } from './matDataset';
import type { LoadProgress } from './loadProgress';
import { asIds, NpyArray, readNpy } from './npy';
import { isStreamFolder, readStreamCorpus } from './stream';
import { CORPUS_SETTINGS, CorpusOptions, readCorpus } from './text';

/** How a text corpus becomes a dataset (text.ts); `seed` also seeds the demo corpus. */
export type LoadOptions = CorpusOptions;

/** `progress` hears of the stages of a text corpus, the only kind slow enough to need it. */
export function loadDataset(source: string, opts: LoadOptions = {}, progress?: LoadProgress): Dataset {
  // The settings and launch configurations hand over what a user typed.
  if (opts.task !== undefined && !CORPUS_SETTINGS.task.choices.includes(opts.task)) throw new RangeError(`task must be ${CORPUS_SETTINGS.task.choices.join(' or ')} (got ${JSON.stringify(opts.task)})`);
  if (source === 'demo' && opts.task === 'stream') throw new InputError(source, 'is a set of n-grams: the stream task reads a .txt corpus or a folder of train.txt, valid.txt and test.txt');
  if (source === 'demo') return demoDataset({ seed: opts.seed });
  let stat: fs.Stats;
  try {
    stat = fs.statSync(source);
  } catch {
    throw new InputError(source, 'does not exist');
  }
  const ext = path.extname(source).toLowerCase();
  let ds: Dataset;
  let file = source;
  const stream = opts.task === 'stream' || (opts.task === undefined && stat.isDirectory() && isStreamFolder(source));
  if (stream && !(stat.isDirectory() || ext === '.txt')) throw new InputError(source, 'is not a text corpus: the stream task reads a .txt file or a folder of train.txt, valid.txt and test.txt');
  if (stream) ds = readStreamCorpus(source, opts);
  else if (stat.isDirectory()) ds = readNpyFolder(source);
  else if (ext === '.npy') ds = readNpyFolder((file = path.dirname(source)));
  else if (ext === '.mat') ds = readMatDataset(source);
  else if (ext === '.txt') ds = readCorpus(source, opts, progress);
  else throw new InputError(source, 'is not a dataset NLM Lab reads (expected a CMPE 597 folder, a .npy file in one, a .mat or a .txt file)');
  checkVocab(ds.vocab, file);
  validateIds(ds, file);
  return { ...ds, name: datasetName(file) };
}

/** The last two parts of the path, e.g. "ngram4/npy" or "mat/data.mat". */
function datasetName(file: string): string {
  const full = path.resolve(file);
  return `${path.basename(path.dirname(full))}/${path.basename(full)}`;
}

/** CMPE 597 layout: vocab.npy and {train,valid,test}_{inputs,targets}.npy, ids 0-based. */
function readNpyFolder(folder: string): Dataset {
  const read = (name: string): [NpyArray, string] => {
    const file = path.join(folder, name);
    if (!fs.existsSync(file)) {
      throw new InputError(file, 'is missing: a CMPE 597 dataset folder holds vocab.npy and {train,valid,test}_{inputs,targets}.npy');
    }
    return [readNpy(file), file];
  };
  const [vocabArray, vocabFile] = read('vocab.npy');
  if (!Array.isArray(vocabArray.data) || vocabArray.shape.length !== 1 || vocabArray.data.length === 0) {
    throw new InputError(vocabFile, `must be a non-empty 1-D array of strings, found ${vocabArray.dtype} with shape ${shapeText(vocabArray.shape)}`);
  }
  const vocab = vocabArray.data;
  const splits = {} as Record<SplitName, Split>;
  let context = 0;
  for (const name of SPLITS) {
    const [inputs, inputsFile] = read(`${name}_inputs.npy`);
    const [targets, targetsFile] = read(`${name}_targets.npy`);
    if (inputs.shape.length !== 2 || inputs.shape[1] < 1) {
      throw new InputError(inputsFile, `must have shape (n, context), found ${shapeText(inputs.shape)}`);
    }
    if (context && inputs.shape[1] !== context) throw new InputError(inputsFile, `has ${inputs.shape[1]} context words per row, the other splits ${context}`);
    context = inputs.shape[1];
    const n = inputs.shape[0];
    // (n,) is the CMPE 597 layout; (n, 1) is accepted as the same thing.
    const targetShapeOk = targets.shape[0] === n && (targets.shape.length === 1 || (targets.shape.length === 2 && targets.shape[1] === 1));
    if (!targetShapeOk) {
      throw new InputError(targetsFile, `must have shape (${n},) to match the ${n} rows of ${path.basename(inputsFile)}, found ${shapeText(targets.shape)}`);
    }
    splits[name] = makeSplit(asIds(inputs, inputsFile, vocab.length), asIds(targets, targetsFile, vocab.length), context);
  }
  return { name: path.basename(folder), source: folder, vocab, context, ...splits };
}

/** Words must be unique, or ids would be ambiguous when the model is used by word. */
function checkVocab(vocab: readonly string[], file: string): void {
  const seen = new Map<string, number>();
  vocab.forEach((w, i) => {
    const j = seen.get(w);
    if (j !== undefined) throw new InputError(file, `vocabulary entries ${j} and ${i} are both "${w}"`);
    seen.set(w, i);
  });
}

function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}
