// loadDataset's dispatch (demo, a CMPE 597 folder or one of its .npy files, a .mat, a .txt), the
// folder's checks, and the real course data in all three formats when it is beside the repository.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dataset, SPLITS } from '../../src/engine/data/dataset';
import { demoDataset } from '../../src/engine/data/demo';
import { loadDataset } from '../../src/engine/data/load';
import { UNK } from '../../src/engine/data/text';
import { realDataSkip, requireRealData } from './fixtures';
import { throwsInputError } from './inputErrors';
import { dataStruct, matFile } from './matWriter';
import { npyBytes, npyFromParts, NpyWriteOptions } from './npyWriter';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-load-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const VOCAB = ['the', 'cat', 'sat', 'on', '.'];
const ROWS = {
  train: [[0, 1, 2, 3], [1, 2, 3, 0], [2, 3, 0, 4], [4, 4, 4, 4], [0, 0, 1, 1]],
  valid: [[3, 2, 1, 0], [0, 1, 2, 4]],
  test: [[1, 1, 1, 1]],
};

type Files = Record<string, NpyWriteOptions | Uint8Array | null>;

/** A CMPE 597 folder of the tiny dataset; `change` replaces (or with null removes) files. */
function npyFolder(name: string, change: Files = {}): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  const files: Files = { 'vocab.npy': { descr: '<U3', shape: [VOCAB.length], values: VOCAB } };
  for (const split of SPLITS) {
    const rows = ROWS[split];
    files[`${split}_inputs.npy`] = { descr: '<i4', shape: [rows.length, 3], values: rows.flatMap((r) => r.slice(0, 3)) };
    files[`${split}_targets.npy`] = { descr: '<i4', shape: [rows.length], values: rows.map((r) => r[3]) };
  }
  Object.assign(files, change);
  for (const [file, spec] of Object.entries(files)) {
    if (spec === null) continue;
    fs.writeFileSync(path.join(dir, file), spec instanceof Uint8Array ? spec : npyBytes(spec));
  }
  return dir;
}

function assertTiny(ds: Dataset): void {
  assert.deepEqual(ds.vocab, VOCAB);
  assert.equal(ds.context, 3);
  for (const split of SPLITS) {
    assert.deepEqual(Array.from(ds[split].inputs), ROWS[split].flatMap((r) => r.slice(0, 3)), split);
    assert.deepEqual(Array.from(ds[split].targets), ROWS[split].map((r) => r[3]), split);
    assert.equal(ds[split].n, ROWS[split].length);
  }
}

test('dispatch: "demo", a folder, a .npy file in it, a .mat and a .txt file', () => {
  const demo = loadDataset('demo');
  const again = demoDataset();
  assert.deepEqual(demo.vocab, again.vocab);
  assert.deepEqual(demo.train.inputs, again.train.inputs);
  assert.ok(demo.wordClasses);

  const dir = npyFolder('course/npy');
  const folder = loadDataset(dir);
  assertTiny(folder);
  assert.equal(folder.source, dir);
  assert.equal(folder.name, 'course/npy');
  for (const file of ['vocab.npy', 'train_inputs.npy', 'test_targets.npy']) {
    const viaFile = loadDataset(path.join(dir, file));
    assertTiny(viaFile);
    assert.equal(viaFile.name, 'course/npy', 'a file in the folder means the folder');
  }

  const mat = path.join(tmp, 'course', 'data.mat');
  fs.writeFileSync(mat, matFile([['data', dataStruct(VOCAB, ROWS)]], { compress: true }));
  const fromMat = loadDataset(mat);
  assertTiny(fromMat);
  assert.equal(fromMat.source, mat);
  const upper = path.join(tmp, 'course', 'DATA.MAT');
  fs.copyFileSync(mat, upper);
  assertTiny(loadDataset(upper));

  const txt = path.join(tmp, 'course', 'corpus.txt');
  fs.writeFileSync(txt, 'the cat sat on the mat .\nthe dog sat on the log .\n');
  const fromTxt = loadDataset(txt);
  assert.equal(fromTxt.vocab[0], 'the');
  assert.equal(fromTxt.train.n + fromTxt.valid.n + fromTxt.test.n, 8);
  const upperTxt = path.join(tmp, 'course', 'CORPUS.TXT');
  fs.copyFileSync(txt, upperTxt);
  assert.deepEqual(loadDataset(upperTxt).vocab, fromTxt.vocab);
});

test('load options reach the demo corpus and the text corpus', () => {
  assert.deepEqual(loadDataset('demo', { seed: 2 }).train.targets, demoDataset({ seed: 2 }).train.targets);
  const txt = path.join(tmp, 'options.txt');
  fs.writeFileSync(txt, Array.from({ length: 40 }, (_, i) => `w${i % 7} w${i % 5} w${i % 3} w${i % 11} w${i % 2}`).join('\n'));
  const ds = loadDataset(txt, { vocabSize: 6, context: 2, seed: 3 });
  assert.equal(ds.vocab.length, 6);
  assert.equal(ds.vocab[5], UNK);
  assert.equal(ds.context, 2);
  assert.equal(ds.train.n + ds.valid.n + ds.test.n, 40 * 3);
  assert.notDeepEqual(loadDataset(txt, { vocabSize: 6, context: 2, seed: 4 }).train.targets, ds.train.targets, 'another seed, another split');
});

test('dispatch errors: unknown extension, no extension, missing path', () => {
  for (const name of ['weights.csv', 'model.safetensors', 'README']) {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, 'x');
    throwsInputError(() => loadDataset(file), file, /is not a dataset NLM Lab reads \(expected a CMPE 597 folder, a \.npy file in one, a \.mat or a \.txt file\)/);
  }
  const missing = path.join(tmp, 'nowhere', 'data.mat');
  throwsInputError(() => loadDataset(missing), missing, /does not exist/);
  throwsInputError(() => loadDataset('Demo'), 'Demo', /does not exist/);
});

test('an npy folder with (n, 1) targets and other integer dtypes loads the same', () => {
  const dir = npyFolder('variants', {
    'train_targets.npy': { descr: '<i8', shape: [5, 1], values: ROWS.train.map((r) => BigInt(r[3])) },
    'valid_inputs.npy': { descr: '|u1', shape: [2, 3], values: ROWS.valid.flatMap((r) => r.slice(0, 3)) },
    'test_inputs.npy': { descr: '>i2', shape: [1, 3], values: [1, 1, 1], fortranOrder: true },
    'vocab.npy': { descr: '>U5', shape: [VOCAB.length], values: VOCAB },
  });
  assertTiny(loadDataset(dir));
});

test('a folder missing any of its seven files names the missing file', () => {
  for (const file of ['vocab.npy', 'train_inputs.npy', 'train_targets.npy', 'valid_inputs.npy', 'valid_targets.npy', 'test_inputs.npy', 'test_targets.npy']) {
    const dir = npyFolder(`missing-${file}`, { [file]: null });
    throwsInputError(() => loadDataset(dir), path.join(dir, file), /is missing: a CMPE 597 dataset folder holds vocab\.npy and \{train,valid,test\}_\{inputs,targets\}\.npy/);
  }
  const empty = path.join(tmp, 'empty-folder');
  fs.mkdirSync(empty);
  throwsInputError(() => loadDataset(empty), path.join(empty, 'vocab.npy'), /is missing/);
});

test('npy folder: shapes that do not fit together', () => {
  const rowMismatch = npyFolder('rows', { 'valid_targets.npy': { descr: '<i4', shape: [3], values: [0, 1, 2] } });
  throwsInputError(() => loadDataset(rowMismatch), path.join(rowMismatch, 'valid_targets.npy'), /must have shape \(2,\) to match the 2 rows of valid_inputs\.npy, found \(3,\)/);
  const twoD = npyFolder('targets2d', { 'train_targets.npy': { descr: '<i4', shape: [5, 2], values: new Array(10).fill(0) } });
  throwsInputError(() => loadDataset(twoD), path.join(twoD, 'train_targets.npy'), /must have shape \(5,\).*found \(5, 2\)/);
  const flat = npyFolder('flatinputs', { 'train_inputs.npy': { descr: '<i4', shape: [15], values: ROWS.train.flatMap((r) => r.slice(0, 3)) } });
  throwsInputError(() => loadDataset(flat), path.join(flat, 'train_inputs.npy'), /must have shape \(n, context\), found \(15,\)/);
  const ctx = npyFolder('context', { 'test_inputs.npy': { descr: '<i4', shape: [1, 2], values: [1, 1] } });
  throwsInputError(() => loadDataset(ctx), path.join(ctx, 'test_inputs.npy'), /has 2 context words per row, the other splits 3/);
});

test('npy folder: a vocabulary that is not a 1-D array of unique strings', () => {
  const ints = npyFolder('vocab-ints', { 'vocab.npy': { descr: '<i4', shape: [5], values: [0, 1, 2, 3, 4] } });
  throwsInputError(() => loadDataset(ints), path.join(ints, 'vocab.npy'), /must be a non-empty 1-D array of strings, found <i4 with shape \(5,\)/);
  const twoD = npyFolder('vocab-2d', { 'vocab.npy': { descr: '<U3', shape: [5, 1], values: VOCAB } });
  throwsInputError(() => loadDataset(twoD), path.join(twoD, 'vocab.npy'), /1-D array of strings, found <U3 with shape \(5, 1\)/);
  const empty = npyFolder('vocab-empty', { 'vocab.npy': { descr: '<U3', shape: [0], values: [] } });
  throwsInputError(() => loadDataset(empty), path.join(empty, 'vocab.npy'), /non-empty/);
  const dup = npyFolder('vocab-dup', { 'vocab.npy': { descr: '<U3', shape: [5], values: ['the', 'cat', 'sat', 'cat', '.'] } });
  throwsInputError(() => loadDataset(dup), dup, /vocabulary entries 1 and 3 are both "cat"/);
  const garbage = npyFolder('vocab-garbage', { 'vocab.npy': new TextEncoder().encode('the\ncat\nsat\non\n.\n') });
  throwsInputError(() => loadDataset(garbage), path.join(garbage, 'vocab.npy'), /not a \.npy file/);
});

test('npy folder: ids out of range, negative, or not integers, in inputs and targets', () => {
  const cases: [string, NpyWriteOptions, RegExp][] = [
    ['train_targets.npy', { descr: '<i4', shape: [5], values: [3, 0, 4, 5, 1] }, /word id 5 at \[3\] is outside the vocabulary \(ids 0\.\.4\)/],
    ['valid_targets.npy', { descr: '<i4', shape: [2], values: [-1, 4] }, /word id -1 at \[0\] is outside the vocabulary/],
    ['test_inputs.npy', { descr: '<i8', shape: [1, 3], values: [1n, 250n, 1n] }, /word id 250 at \[0, 1\] is outside the vocabulary/],
    ['train_inputs.npy', { descr: '<i2', shape: [5, 3], values: [0, 1, 2, 1, 2, 3, 2, 3, 0, 4, 4, -7, 0, 0, 1] }, /word id -7 at \[3, 2\]/],
    ['train_targets.npy', { descr: '<f8', shape: [5], values: [3, 0, 1.5, 4, 1] }, /dtype <f8 where integer word ids were expected/],
    ['valid_inputs.npy', { descr: '<f4', shape: [2, 3], values: [3, 2, 1, 0, 1, 2] }, /dtype <f4 where integer word ids were expected/],
    ['test_targets.npy', { descr: '<U1', shape: [1], values: ['1'] }, /dtype <U1 where integer word ids were expected/],
  ];
  for (const [file, spec, problem] of cases) {
    const dir = npyFolder(`ids-${file}-${spec.descr.replace(/\W/g, '')}`, { [file]: spec });
    throwsInputError(() => loadDataset(dir), path.join(dir, file), problem);
  }
  // A pickled object array: refused from its header, never unpickled.
  const obj = npyFromParts(`{'descr': '|O', 'fortran_order': False, 'shape': (5,), }`, new TextEncoder().encode('cos\nsystem\n(S"echo pwned"\ntR.'));
  const objDir = npyFolder('objects', { 'train_targets.npy': obj });
  throwsInputError(() => loadDataset(objDir), path.join(objDir, 'train_targets.npy'), /Python objects \(pickled data\), which are never loaded/);
});

// ---- the real course data ----

const skipReal = realDataSkip();

function timed<T>(label: string, fn: () => T): T {
  const t0 = performance.now();
  const out = fn();
  const s = (performance.now() - t0) / 1000;
  console.log(`${label}: ${s.toFixed(3)} s`);
  // Generous: measured 0.02–0.6 s; only a loader ten times slower than that is a regression.
  assert.ok(s < 20, `${label} took ${s.toFixed(2)} s`);
  return out;
}

test('real data, npy folder: 372500/46500/46500 4-grams, V = 250, "going to be" → "."', { skip: skipReal }, () => {
  const ds = timed('load npy folder', () => loadDataset(path.join(requireRealData(), 'npy')));
  assert.equal(ds.vocab.length, 250);
  assert.equal(ds.context, 3);
  assert.deepEqual([ds.train.n, ds.valid.n, ds.test.n], [372500, 46500, 46500]);
  assert.deepEqual(Array.from(ds.train.inputs.subarray(0, 3)), [27, 25, 89]);
  assert.equal(ds.train.targets[0], 143);
  assert.deepEqual([...ds.train.inputs.subarray(0, 3)].map((id) => ds.vocab[id]), ['going', 'to', 'be']);
  assert.equal(ds.vocab[143], '.');
  assert.deepEqual(ds.vocab.slice(0, 5), ['all', 'set', 'just', 'show', 'being']);
  // The same through one of its files.
  const viaFile = loadDataset(path.join(requireRealData(), 'npy', 'train_inputs.npy'));
  assert.deepEqual(viaFile.train.targets, ds.train.targets);
});

test('real data, data.mat: exactly the npy vocabulary and ids, every element of every split', { skip: skipReal }, () => {
  const npy = loadDataset(path.join(requireRealData(), 'npy'));
  const mat = timed('load data.mat', () => loadDataset(path.join(requireRealData(), 'mat', 'data.mat')));
  assert.deepEqual(mat.vocab, npy.vocab);
  assert.equal(mat.context, 3);
  for (const split of SPLITS) {
    assert.equal(mat[split].n, npy[split].n, split);
    assert.ok(Buffer.from(mat[split].inputs.buffer, mat[split].inputs.byteOffset, mat[split].inputs.byteLength).equals(
      Buffer.from(npy[split].inputs.buffer, npy[split].inputs.byteOffset, npy[split].inputs.byteLength)), `${split} inputs`);
    assert.deepEqual(mat[split].targets, npy[split].targets, `${split} targets`);
  }
});

test('real data, raw_sentences.txt: V = 250, no <unk>, 465,686 4-grams, the same words as the npy vocabulary', { skip: skipReal }, () => {
  const ds = timed('load raw_sentences.txt', () => loadDataset(path.join(requireRealData(), 'raw', 'raw_sentences.txt')));
  assert.equal(ds.vocab.length, 250);
  assert.ok(!ds.vocab.includes(UNK));
  assert.equal(ds.train.n + ds.valid.n + ds.test.n, 465_686);
  const npy = loadDataset(path.join(requireRealData(), 'npy'));
  assert.deepEqual([...ds.vocab].sort(), [...npy.vocab].sort());
  // About 80/10/10 by sentence.
  const share = ds.train.n / 465_686;
  assert.ok(share > 0.78 && share < 0.82, `train share ${share}`);
});
