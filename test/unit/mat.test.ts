// Our MATLAB level-5 reader and the CSC321 data.mat loader, against files built here (both byte
// orders, compressed or not, small data elements or not), against scipy.io.savemat when a Python
// with scipy is around, and against bad input.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { MatValue, parseMat, readMat } from '../../src/engine/data/mat';
import { readMatDataset } from '../../src/engine/data/matDataset';
import { throwsInputError } from './inputErrors';
import { cellOfStrings, compressedElement, dataElement, dataStruct, encodeNumbers, matFile, matHeader, MatSpec, matrixContent, matrixElement, MatWriteOptions, MI, MX } from './matWriter';
import { pythonSkip, runPython } from './python';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-mat-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const F = 'some/dir/data.mat';

/** Every writer variant: byte order × compression × small data elements. */
const VARIANTS: MatWriteOptions[] = [];
for (const little of [true, false]) for (const compress of [false, true]) for (const small of [true, false]) VARIANTS.push({ little, compress, small });
const label = (o: MatWriteOptions) => `${o.little ? 'IM' : 'MI'}${o.compress ? ' compressed' : ''}${o.small ? ' small' : ''}`;

function numeric(v: MatValue | undefined): Extract<MatValue, { kind: 'numeric' }> {
  assert.ok(v && v.kind === 'numeric', `expected a numeric array, got ${v?.kind}`);
  return v;
}

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  return file;
}

// A tiny dataset: 5 words, 4-grams as rows of 0-based ids.
const VOCAB = ['the', 'cat', 'sat', 'on', '.'];
const SPLITS = {
  train: [[0, 1, 2, 3], [1, 2, 3, 0], [2, 3, 0, 4], [4, 4, 4, 4], [0, 0, 1, 1]],
  valid: [[3, 2, 1, 0], [0, 1, 2, 4]],
  test: [[1, 1, 1, 1]],
};

test('an int32 matrix, a double matrix, a char row, a cell of strings and a struct, in every variant', () => {
  for (const o of VARIANTS) {
    const bytes = matFile(
      [
        ['ints', { kind: 'numeric', cls: 'int32', dims: [2, 3], data: [1, -4, 2, 5, -2147483648, 2147483647] }],
        ['dbl', { kind: 'numeric', cls: 'double', dims: [3, 2], data: [0.5, -1e300, Math.PI, 0, 7, -0.25] }],
        ['s', { kind: 'char', rows: ['hello'] }],
        ['words', cellOfStrings(['a', 'bb', 'café', ''])],
        ['st', { kind: 'struct', fields: [['x', { kind: 'numeric', cls: 'double', dims: [1, 1], data: [42] }], ['label', { kind: 'char', rows: ['yes'] }]] }],
      ],
      o,
    );
    const vars = parseMat(bytes, F);
    assert.deepEqual([...vars.keys()], ['ints', 'dbl', 's', 'words', 'st'], label(o));
    const ints = numeric(vars.get('ints'));
    assert.equal(ints.class, 'int32');
    assert.deepEqual(ints.dims, [2, 3]);
    assert.deepEqual(Array.from(ints.data), [1, -4, 2, 5, -2147483648, 2147483647], 'column-major values as stored');
    const dbl = numeric(vars.get('dbl'));
    assert.equal(dbl.class, 'double');
    assert.deepEqual(dbl.dims, [3, 2]);
    assert.deepEqual(Array.from(dbl.data), [0.5, -1e300, Math.PI, 0, 7, -0.25]);
    assert.deepEqual(vars.get('s'), { kind: 'char', dims: [1, 5], text: 'hello' });
    const words = vars.get('words');
    assert.ok(words?.kind === 'cell');
    assert.deepEqual(words.dims, [1, 4]);
    assert.deepEqual(words.items.map((i) => (i.kind === 'char' ? i.text : i.kind)), ['a', 'bb', 'café', ''], label(o));
    const st = vars.get('st');
    assert.ok(st?.kind === 'struct');
    assert.deepEqual(Object.keys(st.fields), ['x', 'label']);
    assert.deepEqual(Array.from(numeric(st.fields.x[0]).data), [42]);
    assert.deepEqual(st.fields.label[0], { kind: 'char', dims: [1, 3], text: 'yes' });
  }
});

test('the numeric classes, and values stored in a smaller type as MATLAB does', () => {
  const cases: [MatSpec, number[]][] = [
    [{ kind: 'numeric', cls: 'int8', dims: [1, 3], data: [-128, 0, 127] }, [-128, 0, 127]],
    [{ kind: 'numeric', cls: 'uint8', dims: [1, 3], data: [0, 1, 255], logical: false }, [0, 1, 255]],
    [{ kind: 'numeric', cls: 'uint8', dims: [1, 2], data: [1, 0], logical: true }, [1, 0]],
    [{ kind: 'numeric', cls: 'int16', dims: [1, 2], data: [-32768, 32767] }, [-32768, 32767]],
    [{ kind: 'numeric', cls: 'uint16', dims: [1, 1], data: [65535] }, [65535]],
    [{ kind: 'numeric', cls: 'uint32', dims: [1, 1], data: [4294967295] }, [4294967295]],
    [{ kind: 'numeric', cls: 'single', dims: [1, 2], data: [1.5, -0.1] }, [1.5, Math.fround(-0.1)]],
    [{ kind: 'numeric', cls: 'int64', dims: [1, 2], data: [-(2 ** 53 - 1), 2 ** 40] }, [-(2 ** 53 - 1), 2 ** 40]],
    [{ kind: 'numeric', cls: 'uint64', dims: [1, 1], data: [2 ** 52] }, [2 ** 52]],
    // MATLAB stores a double array of small integers as uint8/int16 data to save space.
    [{ kind: 'numeric', cls: 'double', dims: [2, 2], data: [1, 2, 250, 3], miType: MI.UINT8 }, [1, 2, 250, 3]],
    [{ kind: 'numeric', cls: 'double', dims: [1, 3], data: [-300, 0, 300], miType: MI.INT16 }, [-300, 0, 300]],
    [{ kind: 'numeric', cls: 'int32', dims: [1, 2], data: [1, 250], miType: MI.UINT8 }, [1, 250]],
    [{ kind: 'numeric', cls: 'double', dims: [0, 0], data: [] }, []],
  ];
  for (const o of VARIANTS) {
    for (const [spec, values] of cases) {
      const m = numeric(parseMat(matFile([['v', spec]], o), F).get('v'));
      assert.equal(m.class, (spec as { cls: string }).cls);
      assert.deepEqual(Array.from(m.data), values, `${label(o)} ${JSON.stringify(spec)}`);
    }
  }
});

test('char arrays: UTF-16 and UTF-8 data, non-ASCII, empty, and a 2-row matrix stored column-major', () => {
  for (const o of VARIANTS) {
    const vars = parseMat(
      matFile(
        [
          ['a', { kind: 'char', rows: ['naïve café'] }],
          ['b', { kind: 'char', rows: ['naïve café'], utf8: true }],
          ['e', { kind: 'char', rows: [''] }],
          ['m', { kind: 'char', rows: ['abc', 'def'] }],
          ['x', { kind: 'char', rows: ['x'] }],
        ],
        o,
      ),
      F,
    );
    const text = (n: string) => {
      const v = vars.get(n);
      assert.ok(v?.kind === 'char', `${n} is char`);
      return v.text;
    };
    assert.equal(text('a'), 'naïve café', label(o));
    assert.equal(text('b'), 'naïve café', label(o));
    assert.equal(text('e'), '');
    assert.equal(text('m'), 'abc\ndef');
    assert.equal(text('x'), 'x');
  }
});

test('characters beyond the BMP: MATLAB counts UTF-16 units, scipy counts UTF-8 data in code points', () => {
  for (const o of VARIANTS) {
    const vars = parseMat(
      matFile(
        [
          ['utf16', { kind: 'char', rows: ['a🙂b'] }],
          ['scipy', { kind: 'char', rows: ['a🙂b'], utf8: true }],
          ['units', { kind: 'char', rows: ['a🙂b'], utf8: true, dims: [1, 4] }],
          ['words', { kind: 'cell', dims: [1, 2], items: [{ kind: 'char', rows: ['🙂'], utf8: true }, { kind: 'char', rows: ['naïve'], utf8: true }] }],
        ],
        o,
      ),
      F,
    );
    for (const name of ['utf16', 'scipy', 'units']) assert.deepEqual(vars.get(name), { kind: 'char', dims: name === 'scipy' ? [1, 3] : [1, 4], text: 'a🙂b' }, `${label(o)} ${name}`);
    const words = vars.get('words');
    assert.ok(words?.kind === 'cell');
    assert.deepEqual(words.items.map((i) => (i.kind === 'char' ? i.text : '?')), ['🙂', 'naïve']);
  }
  // A 2×2 char matrix with an astral character, as scipy writes it (column-major code points).
  assert.deepEqual(parseMat(matFile([['m', { kind: 'char', rows: ['🙂b', 'cd'], utf8: true }]]), F).get('m'), { kind: 'char', dims: [2, 2], text: '🙂b\ncd' });
  assert.deepEqual(parseMat(matFile([['m', { kind: 'char', rows: ['🙂b', 'cde'] }]]), F).get('m'), { kind: 'char', dims: [2, 3], text: '🙂b\ncde' });
  // More characters than the dimensions hold, however they are counted.
  throwsInputError(() => parseMat(matFile([['m', { kind: 'char', rows: ['a🙂b'], utf8: true, dims: [1, 2] }]]), F), F, /char variable "m" has \d characters for dimensions \[1, 2\]/);
});

test('a long char array (300,000 characters) reads', () => {
  const long = 'abcdefghij'.repeat(30_000);
  for (const utf8 of [false, true]) {
    const v = parseMat(matFile([['long', { kind: 'char', rows: [long], utf8 }]], { compress: true }), F).get('long');
    assert.ok(v?.kind === 'char');
    assert.equal(v.text.length, long.length);
    assert.equal(v.text, long);
  }
});

test('an empty cell item and a cell of cells', () => {
  const inner = cellOfStrings(['x', 'y']);
  const content = matrixContent('c', { kind: 'cell', dims: [1, 3], items: [inner, { kind: 'raw', content: new Uint8Array(0) }, { kind: 'char', rows: ['z'] }] });
  const vars = parseMat(new Uint8Array([...matHeader(), ...dataElement(MI.MATRIX, content, { small: false })]), F);
  const c = vars.get('c');
  assert.ok(c?.kind === 'cell');
  assert.equal(c.items.length, 3);
  assert.ok(c.items[0].kind === 'cell' && c.items[0].items.length === 2);
  assert.deepEqual(c.items[1], { kind: 'numeric', class: 'double', dims: [0, 0], data: new Float64Array(0), logical: false });
  assert.ok(c.items[2].kind === 'char' && c.items[2].text === 'z');
});

test('readMatDataset: the made-up dataset in every variant, 1-based column-major data to 0-based rows', () => {
  for (const o of VARIANTS) {
    for (const cls of ['int32', 'double', 'uint8'] as const) {
      const file = write('tiny.mat', matFile([['data', dataStruct(VOCAB, SPLITS, cls)]], o));
      const ds = readMatDataset(file);
      assert.deepEqual(ds.vocab, VOCAB, label(o));
      assert.equal(ds.context, 3);
      assert.equal(ds.source, file);
      assert.equal(ds.name, 'tiny.mat');
      for (const name of ['train', 'valid', 'test'] as const) {
        const rows = SPLITS[name];
        const split = ds[name];
        assert.equal(split.n, rows.length);
        assert.ok(split.inputs instanceof Int32Array && split.targets instanceof Int32Array);
        assert.deepEqual(Array.from(split.inputs), rows.flatMap((r) => r.slice(0, 3)), `${label(o)} ${cls} ${name} inputs`);
        assert.deepEqual(Array.from(split.targets), rows.map((r) => r[3]), `${label(o)} ${cls} ${name} targets`);
      }
    }
  }
});

test('readMatDataset keeps other variables and a context other than 3', () => {
  const five = { train: [[0, 1, 2, 3, 4, 0]], valid: [[1, 2, 3, 4, 0, 1]], test: [[4, 3, 2, 1, 0, 4]] };
  const file = write('ctx5.mat', matFile([['readme', { kind: 'char', rows: ['other stuff'] }], ['data', dataStruct(VOCAB, five)]], { compress: true }));
  const ds = readMatDataset(file);
  assert.equal(ds.context, 5);
  assert.deepEqual(Array.from(ds.train.inputs), [0, 1, 2, 3, 4]);
  assert.deepEqual(Array.from(ds.test.targets), [4]);
});

// ---- scipy itself ----

for (const compression of [false, true]) {
  test(`files written by scipy.io.savemat (do_compression=${compression ? 'True' : 'False'})`, { skip: pythonSkip('numpy', 'scipy') }, () => {
    const file = path.join(tmp, `scipy-${compression}.mat`);
    const script = `
import sys, numpy as np, scipy.io as sio
vocab = np.empty((1, 5), dtype=object)
for i, w in enumerate(['the', 'cat', 'sat', 'on', '.']): vocab[0, i] = w
train = np.array([[1, 2, 3, 5, 1], [2, 3, 4, 5, 1], [3, 4, 1, 5, 2], [4, 1, 5, 5, 2]], dtype=np.int32)
sio.savemat(sys.argv[1], {
  'ints': np.arange(6, dtype=np.int32).reshape(2, 3) - 2,
  'dbl': np.arange(6, dtype=np.float64).reshape(3, 2) / 4,
  'name': 'café au lait',
  'emoji': 'a🙂b',
  'words': np.array(['a', 'bb', 'ccc'], dtype=object),
  'data': {'trainData': train, 'validData': train[:, :2].astype(np.float64), 'testData': train[:, 4:], 'vocab': vocab},
}, do_compression=sys.argv[2] == 'True')
`;
    runPython(['numpy', 'scipy'], script, [file, compression ? 'True' : 'False']);
    const vars = readMat(file);
    const ints = numeric(vars.get('ints'));
    assert.deepEqual(ints.dims, [2, 3]);
    // numpy [[-2,-1,0],[1,2,3]] column-major: -2 1 -1 2 0 3
    assert.deepEqual(Array.from(ints.data), [-2, 1, -1, 2, 0, 3]);
    const dbl = numeric(vars.get('dbl'));
    assert.deepEqual(dbl.dims, [3, 2]);
    assert.deepEqual(Array.from(dbl.data), [0, 0.5, 1, 0.25, 0.75, 1.25]);
    assert.deepEqual(vars.get('name'), { kind: 'char', dims: [1, 12], text: 'café au lait' });
    assert.equal((vars.get('emoji') as { text?: string }).text, 'a🙂b');
    const words = vars.get('words');
    assert.ok(words?.kind === 'cell');
    assert.deepEqual(words.items.map((i) => (i.kind === 'char' ? i.text : '?')), ['a', 'bb', 'ccc']);

    const ds = readMatDataset(file);
    assert.deepEqual(ds.vocab, ['the', 'cat', 'sat', 'on', '.']);
    assert.equal(ds.context, 3);
    // Columns are 4-grams: (1,2,3,4) → [0,1,2]→3, (2,3,4,1) → [1,2,3]→0, (3,4,1,5) → [2,3,0]→4, …
    assert.deepEqual(Array.from(ds.train.inputs), [0, 1, 2, 1, 2, 3, 2, 3, 0, 4, 4, 4, 0, 0, 1]);
    assert.deepEqual(Array.from(ds.train.targets), [3, 0, 4, 4, 1]);
    assert.deepEqual(Array.from(ds.valid.inputs), [0, 1, 2, 1, 2, 3]);
    assert.deepEqual(Array.from(ds.test.targets), [1]);
  });
}

// ---- bad input ----

const tinyDataset = (o: MatWriteOptions = {}) => matFile([['data', dataStruct(VOCAB, SPLITS)]], o);

test('empty, too short and not a MAT-file', () => {
  throwsInputError(() => parseMat(new Uint8Array(0), F), F, /is empty/);
  throwsInputError(() => parseMat(tinyDataset().subarray(0, 100), F), F, /too short for a MAT-file header \(100 of 128 bytes\)/);
  const text = new TextEncoder().encode('this is just some text, long enough to have a header, '.repeat(4));
  throwsInputError(() => parseMat(text, F), F, /not a MATLAB level-5 MAT-file/);
  const missing = path.join(tmp, 'missing.mat');
  throwsInputError(() => readMat(missing), missing, /does not exist|could not be read/);
});

test('a MATLAB v7.3 (HDF5) file is recognised', () => {
  // What MATLAB writes with -v7.3: a MAT-style 128-byte text header (version 0x0200, "IM"), then
  // an HDF5 file whose superblock starts at byte 512.
  const v73 = new Uint8Array(2048);
  v73.set(matHeader({ headerText: 'MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Nov 23 08:00:00 2026 HDF5 schema 1.00 .', version: 0x0200 }));
  v73.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0], 512);
  for (let i = 524; i < v73.length; i++) v73[i] = (i * 37) & 0xff;
  const file = write('v73.mat', v73);
  throwsInputError(() => readMat(file), file, /v7\.3 \(HDF5\)/);
  throwsInputError(() => readMatDataset(file), file, /v7\.3 \(HDF5\)/);
  // A bare HDF5 file renamed to .mat.
  const bare = v73.slice(512);
  throwsInputError(() => parseMat(bare, F), F, /v7\.3 \(HDF5\)|not a MATLAB level-5/);
});

test('truncated elements, corrupt and truncated zlib streams', () => {
  for (const o of [{ little: true }, { little: false }]) {
    const plain = tinyDataset(o);
    for (const cut of [plain.length - 1, plain.length - 100, 200, 136]) {
      throwsInputError(() => parseMat(plain.subarray(0, cut), F), F, /runs past the end|truncated|ends before/);
    }
    const packed = tinyDataset({ ...o, compress: true });
    throwsInputError(() => parseMat(packed.subarray(0, packed.length - 3), F), F, /runs past the end/);
    const corrupt = packed.slice();
    for (let i = 140; i < 150; i++) corrupt[i] ^= 0x5a;
    throwsInputError(() => parseMat(corrupt, F), F, /compressed element at byte 128 does not inflate/);
    // A well-formed zlib stream holding a truncated matrix element.
    const whole = matrixElement('data', dataStruct(VOCAB, SPLITS), o);
    const cutInside = new Uint8Array([...matHeader(o), ...compressedElement(whole.subarray(0, whole.length - 40), o)]);
    throwsInputError(() => parseMat(cutInside, F), F, /inside the compressed element at byte 128/);
    // A zlib stream cut short but with a consistent element size.
    const z = zlib.deflateSync(whole).subarray(0, 30);
    const tag = new Uint8Array(8);
    new DataView(tag.buffer).setUint32(0, MI.COMPRESSED, o.little);
    new DataView(tag.buffer).setUint32(4, z.length, o.little);
    throwsInputError(() => parseMat(new Uint8Array([...matHeader(o), ...tag, ...z]), F), F, /does not inflate/);
  }
});

test('forged sizes and shapes fail fast without allocating', () => {
  const big = (dims: number[], spec: 'numeric' | 'cell' | 'struct') => {
    const head = [
      dataElement(MI.UINT32, encodeNumbers(MI.UINT32, [spec === 'numeric' ? MX.double : spec === 'cell' ? MX.cell : MX.struct, 0], true)),
      dataElement(MI.INT32, encodeNumbers(MI.INT32, dims, true)),
      dataElement(MI.INT8, new TextEncoder().encode('big')),
    ];
    const tail = spec === 'numeric' ? [dataElement(MI.DOUBLE, new Uint8Array(16))] : spec === 'struct' ? [dataElement(MI.INT32, encodeNumbers(MI.INT32, [4], true)), dataElement(MI.INT8, new TextEncoder().encode('abc\0'))] : [];
    const content = new Uint8Array(head.concat(tail).reduce((a: number[], p) => a.concat(Array.from(p)), []));
    return new Uint8Array([...matHeader(), ...dataElement(MI.MATRIX, content, { small: false })]);
  };
  const t0 = performance.now();
  throwsInputError(() => parseMat(big([1_000_000_000, 1_000_000_000], 'numeric'), F), F, /has 2 values for dimensions \[1000000000, 1000000000\]/);
  throwsInputError(() => parseMat(big([1_000_000_000, 1], 'cell'), F), F, /cell of 1000000000 items does not fit/);
  throwsInputError(() => parseMat(big([100_000, 100_000], 'struct'), F), F, /struct of 10000000000 × 1 fields does not fit/);
  throwsInputError(() => parseMat(big([-1, 3], 'numeric'), F), F, /negative dimension in \[-1, 3\]/);
  // A tag claiming 4 GB.
  const tag = new Uint8Array([...matHeader(), 14, 0, 0, 0, 0xf0, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
  throwsInputError(() => parseMat(tag, F), F, /data element of 4294967280 bytes runs past the end of its data \(8 bytes left\) \(at byte 128\)/);
  // A small data element claiming more than 4 bytes.
  const small = new Uint8Array([...matHeader(), 14, 0, 9, 0, 0, 0, 0, 0]);
  throwsInputError(() => parseMat(small, F), F, /small data element claims 9 bytes.*at byte 128/);
  // Generous for a busy 2-core machine: what it guards against is allocating gigabytes first.
  assert.ok(performance.now() - t0 < 2000, 'all of the above fail at once');
});

test('unsupported arrays: complex, sparse, object, unknown class, non-numeric data', () => {
  const one = (spec: MatSpec) => matFile([['v', spec]]);
  throwsInputError(() => parseMat(one({ kind: 'numeric', cls: 'double', dims: [1, 1], data: [1], complex: true }), F), F, /variable "v" is complex, which is not supported/);
  const withClass = (cls: number) =>
    new Uint8Array([
      ...matHeader(),
      ...dataElement(
        MI.MATRIX,
        new Uint8Array([...dataElement(MI.UINT32, encodeNumbers(MI.UINT32, [cls, 0], true)), ...dataElement(MI.INT32, encodeNumbers(MI.INT32, [1, 1], true)), ...dataElement(MI.INT8, new TextEncoder().encode('v'))]),
        { small: false },
      ),
    ]);
  throwsInputError(() => parseMat(withClass(MX.sparse), F), F, /sparse array, which is not supported/);
  throwsInputError(() => parseMat(withClass(MX.object), F), F, /object array, which is not supported/);
  throwsInputError(() => parseMat(withClass(16), F), F, /function array, which is not supported/);
  throwsInputError(() => parseMat(withClass(99), F), F, /unknown array class 99/);
  throwsInputError(() => parseMat(withClass(MX.double), F), F, /matrix ends before its real part/);
  // Numeric data stored as UTF-8 text, and 6 bytes of int32 data.
  const content = (type: number, payload: Uint8Array) =>
    new Uint8Array([...dataElement(MI.UINT32, encodeNumbers(MI.UINT32, [MX.double, 0], true)), ...dataElement(MI.INT32, encodeNumbers(MI.INT32, [1, 1], true)), ...dataElement(MI.INT8, new TextEncoder().encode('v')), ...dataElement(type, payload)]);
  throwsInputError(() => parseMat(matFile([['v', { kind: 'raw', content: content(MI.UTF8, new Uint8Array(8)) }]]), F), F, /data type 16 is not numeric/);
  throwsInputError(() => parseMat(matFile([['v', { kind: 'raw', content: content(MI.INT32, new Uint8Array(6)) }]]), F), F, /6 bytes is not a whole number of 4-byte values/);
});

test('readMatDataset: the data it needs is missing or of the wrong kind', () => {
  const mat = (name: string, vars: [string, MatSpec][], o: MatWriteOptions = {}) => write(name, matFile(vars, o));
  const noData = mat('nodata.mat', [['x', { kind: 'numeric', cls: 'double', dims: [1, 1], data: [1] }], ['y', { kind: 'char', rows: ['y'] }]]);
  throwsInputError(() => readMatDataset(noData), noData, /has no variable "data" \(found: x, y\)/);
  const empty = mat('empty.mat', []);
  throwsInputError(() => readMatDataset(empty), empty, /has no variable "data" \(found: none\)/);
  const notStruct = mat('notstruct.mat', [['data', { kind: 'numeric', cls: 'double', dims: [4, 1], data: [1, 2, 3, 4] }]]);
  throwsInputError(() => readMatDataset(notStruct), notStruct, /variable "data" is not a 1×1 struct with fields vocab, trainData, validData, testData/);
  const full = dataStruct(VOCAB, SPLITS) as Extract<MatSpec, { kind: 'struct' }>;
  const without = (field: string): MatSpec => ({ kind: 'struct', fields: full.fields.filter(([f]) => f !== field) });
  const replace = (field: string, value: MatSpec): MatSpec => ({ kind: 'struct', fields: full.fields.map(([f, v]) => [f, f === field ? value : v]) });
  const noVocab = mat('novocab.mat', [['data', without('vocab')]]);
  throwsInputError(() => readMatDataset(noVocab), noVocab, /not a 1×1 struct with fields vocab/);
  const noValid = mat('novalid.mat', [['data', without('validData')]]);
  throwsInputError(() => readMatDataset(noValid), noValid, /data has no field validData/);
  const numbersVocab = mat('numvocab.mat', [['data', replace('vocab', { kind: 'cell', dims: [1, 2], items: [{ kind: 'char', rows: ['a'] }, { kind: 'numeric', cls: 'double', dims: [1, 1], data: [3] }] })]]);
  throwsInputError(() => readMatDataset(numbersVocab), numbersVocab, /data\.vocab\{2\} is a 1×1 double, not a string/);
  const charVocab = mat('charvocab.mat', [['data', replace('vocab', { kind: 'char', rows: ['the cat'] })]]);
  throwsInputError(() => readMatDataset(charVocab), charVocab, /data\.vocab must be a non-empty cell array of strings, found a 1×7 char/);
  const oneRow = mat('onerow.mat', [['data', replace('trainData', { kind: 'numeric', cls: 'int32', dims: [1, 3], data: [1, 2, 3] })]]);
  throwsInputError(() => readMatDataset(oneRow), oneRow, /data\.trainData must be a numeric \(context\+1\)×N matrix/);
  const textData = mat('textdata.mat', [['data', replace('testData', { kind: 'char', rows: ['1234'] })]]);
  throwsInputError(() => readMatDataset(textData), textData, /data\.testData must be a numeric/);
  const fiveRows = mat('fiverows.mat', [['data', replace('validData', { kind: 'numeric', cls: 'int32', dims: [5, 1], data: [1, 2, 3, 4, 5] })]]);
  throwsInputError(() => readMatDataset(fiveRows), fiveRows, /data\.validData has 5 rows but the other splits have 4/);
});

test('readMatDataset: ids out of range or not integers, named by field and 1-based position', () => {
  const full = dataStruct(VOCAB, SPLITS) as Extract<MatSpec, { kind: 'struct' }>;
  const withTrain = (data: number[], cls: 'int32' | 'double' = 'int32') =>
    matFile([['data', { kind: 'struct', fields: full.fields.map(([f, v]) => [f, f === 'trainData' ? { kind: 'numeric', cls, dims: [4, 2], data } : v]) }]], { compress: true });
  const cases: [number[], 'int32' | 'double', RegExp][] = [
    [[1, 2, 3, 4, 1, 2, 3, 0], 'int32', /data\.trainData\(4, 2\) = 0 is not a word id in 1\.\.5/],
    [[1, 2, 3, 4, 1, 6, 3, 4], 'int32', /data\.trainData\(2, 2\) = 6 is not a word id in 1\.\.5/],
    [[-1, 2, 3, 4, 1, 2, 3, 4], 'int32', /data\.trainData\(1, 1\) = -1 is not a word id/],
    [[1, 2, 1.5, 4, 1, 2, 3, 4], 'double', /data\.trainData\(3, 1\) = 1\.5 is not a word id/],
    [[1, 2, 3, NaN, 1, 2, 3, 4], 'double', /data\.trainData\(4, 1\) = NaN is not a word id/],
  ];
  for (const [data, cls, problem] of cases) {
    const file = write('badids.mat', withTrain(data, cls));
    throwsInputError(() => readMatDataset(file), file, problem);
  }
});

test('more forged structure: deep nesting, trailing bytes, odd top-level elements, repeated fields, values that do not fit', () => {
  // Cells nested 1000 deep must give an error, not a stack overflow.
  let spec: MatSpec = { kind: 'char', rows: ['x'] };
  for (let i = 0; i < 1000; i++) spec = { kind: 'cell', dims: [1, 1], items: [spec] };
  throwsInputError(() => parseMat(matFile([['deep', spec]]), F), F, /nested deeper than \d+ levels/);
  let ok: MatSpec = { kind: 'char', rows: ['x'] };
  for (let i = 0; i < 10; i++) ok = { kind: 'cell', dims: [1, 1], items: [ok] };
  assert.equal(parseMat(matFile([['ok', ok]]), F).get('ok')?.kind, 'cell', '10 levels are fine');

  const good = matFile([['v', { kind: 'numeric', cls: 'double', dims: [1, 1], data: [1] }]]);
  throwsInputError(() => parseMat(new Uint8Array([...good, 1, 2, 3]), F), F, /truncated data element: 3 bytes left/);
  const text = new Uint8Array([...matHeader(), ...dataElement(MI.INT8, new TextEncoder().encode('stray text'), { small: false })]);
  throwsInputError(() => parseMat(text, F), F, /unexpected top-level data type 1/);
  throwsInputError(() => parseMat(new Uint8Array([...matHeader(), ...compressedElement(dataElement(MI.DOUBLE, new Uint8Array(8)))]), F), F, /unexpected top-level data type 9.*inside the compressed element at byte 128/);
  const version = matHeader({ version: 0x0300 });
  throwsInputError(() => parseMat(version, F), F, /MAT-file version 0x0300/);

  const twice: MatSpec = { kind: 'struct', fields: [['a', { kind: 'char', rows: ['1'] }], ['a', { kind: 'char', rows: ['2'] }]] };
  throwsInputError(() => parseMat(matFile([['s', twice]]), F), F, /repeated field name/);
  const half: MatSpec = { kind: 'numeric', cls: 'int32', dims: [1, 2], data: [1, 1.5], miType: MI.DOUBLE };
  throwsInputError(() => parseMat(matFile([['h', half]]), F), F, /value 1\.5 does not fit the array's class int32/);
  const wide: MatSpec = { kind: 'numeric', cls: 'uint8', dims: [1, 1], data: [300], miType: MI.INT16 };
  throwsInputError(() => parseMat(matFile([['w', wide]]), F), F, /value 300 does not fit the array's class uint8/);
  const huge = new Uint8Array([...matHeader(), ...matrixElement('big', { kind: 'raw', content: new Uint8Array([
    ...dataElement(MI.UINT32, encodeNumbers(MI.UINT32, [MX.int64, 0], true)),
    ...dataElement(MI.INT32, encodeNumbers(MI.INT32, [1, 1], true)),
    ...dataElement(MI.INT8, new TextEncoder().encode('big')),
    ...dataElement(MI.INT64, (() => { const b = new Uint8Array(8); new DataView(b.buffer).setBigInt64(0, 2n ** 60n, true); return b; })()),
  ]) })]);
  throwsInputError(() => parseMat(huge, F), F, /64-bit integer 1152921504606846976 is beyond 2\^53/);
});
