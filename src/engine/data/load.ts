// One entry point for every dataset a user can hand us: "demo", a CMPE 597 folder of .npy files
// (or one of its files), a CSC321/Coursera data.mat, or a raw .txt corpus.
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { Dataset, makeSplit, SPLITS, Split } from './dataset';
import { demoDataset } from './demo';
import { readMatDataset } from './matDataset';
import { asIds, readNpy } from './npy';
import { readCorpus } from './text';

export function loadDataset(source: string): Dataset {
  if (source === 'demo') return demoDataset();
  let stat: fs.Stats;
  try {
    stat = fs.statSync(source);
  } catch {
    throw new InputError(source, 'does not exist');
  }
  if (stat.isDirectory()) return readNpyFolder(source);
  const ext = path.extname(source).toLowerCase();
  if (ext === '.npy') return readNpyFolder(path.dirname(source));
  if (ext === '.mat') return readMatDataset(source);
  if (ext === '.txt') return readCorpus(source);
  throw new InputError(source, `is not a dataset NLM Lab reads (expected a CMPE 597 folder, a .npy file in one, a .mat or a .txt file)`);
}

/** CMPE 597 layout: vocab.npy and {train,valid,test}_{inputs,targets}.npy, ids 0-based. */
export function readNpyFolder(folder: string): Dataset {
  const file = (name: string) => {
    const p = path.join(folder, name);
    if (!fs.existsSync(p)) throw new InputError(p, `is missing: a CMPE 597 dataset folder needs vocab.npy and {train,valid,test}_{inputs,targets}.npy`);
    return p;
  };
  const vocabFile = file('vocab.npy');
  const vocabArray = readNpy(vocabFile);
  if (vocabArray.shape.length !== 1 || vocabArray.data.length === 0 || typeof vocabArray.data[0] !== 'string') {
    throw new InputError(vocabFile, `must be a 1-D array of strings, found ${vocabArray.descr} with shape (${vocabArray.shape.join(', ')})`);
  }
  const vocab = vocabArray.data as string[];
  const splits = {} as Record<(typeof SPLITS)[number], Split>;
  let context = 0;
  for (const name of SPLITS) {
    const inputsFile = file(`${name}_inputs.npy`);
    const targetsFile = file(`${name}_targets.npy`);
    const inputs = readNpy(inputsFile);
    const targets = readNpy(targetsFile);
    if (inputs.shape.length !== 2 || inputs.shape[1] < 1) {
      throw new InputError(inputsFile, `must have shape (n, context), found (${inputs.shape.join(', ')})`);
    }
    if (context && inputs.shape[1] !== context) throw new InputError(inputsFile, `has ${inputs.shape[1]} context words per row, the other splits ${context}`);
    context = inputs.shape[1];
    if (targets.shape.length !== 1 || targets.shape[0] !== inputs.shape[0]) {
      throw new InputError(targetsFile, `must have shape (${inputs.shape[0]},) to match ${path.basename(inputsFile)}, found (${targets.shape.join(', ')})`);
    }
    const ids = asIds(inputs, inputsFile);
    const tids = asIds(targets, targetsFile);
    checkRange(ids, vocab.length, inputsFile);
    checkRange(tids, vocab.length, targetsFile);
    splits[name] = makeSplit(ids, tids, context);
  }
  return { name: `${path.basename(path.dirname(path.resolve(folder)))}/${path.basename(path.resolve(folder))}`, source: folder, vocab, context, ...splits };
}

function checkRange(ids: Int32Array, v: number, file: string): void {
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] < 0 || ids[i] >= v) throw new InputError(file, `word id ${ids[i]} at index ${i} is outside the vocabulary of ${v} words (ids are 0-based)`);
  }
}
