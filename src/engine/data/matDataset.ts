// The CSC321/Coursera data.mat layout: struct `data` with trainData/validData/testData
// ((context+1)×N, 1-based ids, last row the target) and vocab (1×V cell of char).
import * as path from 'path';
import { InputError } from '../errors';
import { Dataset, makeSplit, Split, SplitName, SPLITS } from './dataset';
import { MatValue, readMat } from './mat';

const FIELDS: Record<SplitName, string> = { train: 'trainData', valid: 'validData', test: 'testData' };

export function readMatDataset(file: string): Dataset {
  const vars = readMat(file);
  const data = vars.get('data');
  if (!data) throw new InputError(file, `has no variable "data" (found: ${[...vars.keys()].join(', ') || 'none'})`);
  if (data.kind !== 'struct' || data.fields.vocab?.length !== 1) {
    throw new InputError(file, 'variable "data" is not a 1×1 struct with fields vocab, trainData, validData, testData');
  }
  const vocab = readVocab(data.fields.vocab[0], file);
  const splits = {} as Record<SplitName, Split>;
  let context = 0;
  for (const split of SPLITS) {
    const field = FIELDS[split];
    const m = data.fields[field]?.[0];
    if (!m) throw new InputError(file, `data has no field ${field}`);
    if (m.kind !== 'numeric' || m.dims.length !== 2 || m.dims[0] < 2) {
      throw new InputError(file, `data.${field} must be a numeric (context+1)×N matrix, found ${describe(m)}`);
    }
    const [rows, n] = m.dims;
    if (context && rows - 1 !== context) throw new InputError(file, `data.${field} has ${rows} rows but the other splits have ${context + 1}`);
    context = rows - 1;
    const inputs = new Int32Array(n * context);
    const targets = new Int32Array(n);
    // Column j is one n-gram (column-major storage); ids are 1-based.
    for (let j = 0; j < n; j++) {
      for (let r = 0; r < rows; r++) {
        const v = m.data[j * rows + r];
        if (!Number.isInteger(v) || v < 1 || v > vocab.length) {
          throw new InputError(file, `data.${field}(${r + 1}, ${j + 1}) = ${v} is not a word id in 1..${vocab.length}`);
        }
        if (r < context) inputs[j * context + r] = v - 1;
        else targets[j] = v - 1;
      }
    }
    splits[split] = makeSplit(inputs, targets, context);
  }
  return { name: path.basename(file), source: file, vocab, context, ...splits };
}

function readVocab(v: MatValue, file: string): string[] {
  if (v.kind !== 'cell' || v.items.length === 0) throw new InputError(file, `data.vocab must be a non-empty cell array of strings, found ${describe(v)}`);
  return v.items.map((item, i) => {
    if (item.kind !== 'char') throw new InputError(file, `data.vocab{${i + 1}} is ${describe(item)}, not a string`);
    return item.text;
  });
}

function describe(v: MatValue): string {
  const kind = v.kind === 'numeric' ? v.class : v.kind;
  return `a ${v.dims.join('×')} ${kind}`;
}
