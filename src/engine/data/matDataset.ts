// The CSC321/Coursera data.mat layout: struct `data` with trainData/validData/testData
// (4×N, 1-based ids, last row the target) and vocab (1×V cell of char).
import * as path from 'path';
import { InputError } from '../errors';
import { Dataset, makeSplit, Split, SPLITS } from './dataset';
import { MatValue, readMat } from './mat';

const FIELDS = { train: 'trainData', valid: 'validData', test: 'testData' } as const;

export function readMatDataset(file: string): Dataset {
  const vars = readMat(file);
  const data = vars.get('data');
  if (!data) throw new InputError(file, `has no variable "data" (found: ${[...vars.keys()].join(', ') || 'none'})`);
  if (data.kind !== 'struct' || data.fields.vocab === undefined) throw new InputError(file, 'variable "data" is not a struct with fields vocab, trainData, validData, testData');
  const vocabCell = data.fields.vocab[0];
  if (vocabCell.kind !== 'cell' || vocabCell.items.some((i) => i.kind !== 'char')) throw new InputError(file, 'data.vocab is not a cell array of strings');
  const vocab = vocabCell.items.map((i) => (i as Extract<MatValue, { kind: 'char' }>).text);
  const splits = {} as Record<(typeof SPLITS)[number], Split>;
  let context = 0;
  for (const name of SPLITS) {
    const field = FIELDS[name];
    const m = data.fields[field]?.[0];
    if (!m) throw new InputError(file, `data has no field ${field}`);
    if (m.kind !== 'numeric' || m.dims.length !== 2 || m.dims[0] < 2) throw new InputError(file, `data.${field} must be a numeric (context+1)×N matrix`);
    const [rows, n] = m.dims;
    if (context && rows - 1 !== context) throw new InputError(file, `data.${field} has ${rows} rows but the other splits have ${context + 1}`);
    context = rows - 1;
    const inputs = new Int32Array(n * context);
    const targets = new Int32Array(n);
    // Column-major storage: column j is one n-gram; ids are 1-based.
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
    splits[name] = makeSplit(inputs, targets, context);
  }
  return { name: path.basename(file), source: file, vocab, context, ...splits };
}
