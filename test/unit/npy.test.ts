// The .npy reader: every version, byte order, dtype and memory order it supports, the ways a
// file can be broken or forged, and (when python3 has numpy) agreement with numpy itself.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { asIds, parseNpy, readNpy } from '../../src/engine/data/npy';
import { throwsInputError as throwsInput } from './inputErrors';
import { encodeValues, npyFromParts, npyHeaderText } from './npyWriter';
import { pythonSkip, runPython } from './python';

const F = 'a.npy';

/**
 * A .npy file around `body` (bytes in storage order, which need not fit the header): `shape` may
 * be the shape's Python text, and `header` replaces the whole dict.
 */
function npy(descr: string, shape: number[] | string, body: Uint8Array, o: { version?: 1 | 2 | 3; fortran?: boolean; header?: string } = {}): Uint8Array {
  const order = o.fortran ? 'True' : 'False';
  const header = o.header ?? (typeof shape === 'string' ? `{'descr': '${descr}', 'fortran_order': ${order}, 'shape': ${shape}, }` : npyHeaderText(descr, shape, o.fortran));
  return npyFromParts(header, body, o.version ?? 1);
}

/** Values of a numpy kind and size ('i', 4, …) in either byte order. */
function enc(kind: string, size: number, little: boolean, values: (number | bigint)[]): Uint8Array {
  return encodeValues(`${little ? '<' : '>'}${kind}${size}`, values);
}

/** Fixed-width NUL-padded UTF-32 strings. */
function uni(words: string[], width: number, little = true): Uint8Array {
  return encodeValues(`${little ? '<' : '>'}U${width}`, words);
}

const NUMERIC: [string, number, (number | bigint)[], string][] = [
  ['i', 1, [-128, 0, 127], 'Int8Array'],
  ['u', 1, [0, 1, 255], 'Uint8Array'],
  ['i', 2, [-32768, 5, 32767], 'Int16Array'],
  ['u', 2, [0, 7, 65535], 'Uint16Array'],
  ['i', 4, [-2147483648, 27, 2147483647], 'Int32Array'],
  ['u', 4, [0, 9, 4294967295], 'Uint32Array'],
  ['i', 8, [-(2n ** 53n) + 1n, -1n, 2n ** 53n - 1n], 'Float64Array'],
  ['u', 8, [0n, 3n, 2n ** 53n - 1n], 'Float64Array'],
  ['f', 4, [-1.5, 0, 3.25], 'Float32Array'],
  ['f', 8, [-1e300, Math.PI, 5e-324], 'Float64Array'],
];

test('every numeric dtype in both byte orders reads into the matching typed array', () => {
  for (const [kind, size, values, type] of NUMERIC) {
    for (const order of ['<', '>']) {
      const descr = `${order}${kind}${size}`;
      const a = parseNpy(npy(descr, [3], enc(kind, size, order === '<', values)), F);
      assert.equal(a.data.constructor.name, type, descr);
      assert.deepEqual(Array.from(a.data as ArrayLike<number>), values.map(Number), descr);
      assert.equal(a.dtype, descr);
      assert.deepEqual(a.shape, [3]);
      assert.equal(a.fortranOrder, false);
    }
  }
});

test("single-byte dtypes with '|' and native '=' byte order; bool becomes 0/1", () => {
  assert.deepEqual(Array.from(parseNpy(npy('|u1', [2], Uint8Array.of(4, 200)), F).data as Uint8Array), [4, 200]);
  assert.deepEqual(Array.from(parseNpy(npy('|i1', [2], Uint8Array.of(0xff, 1)), F).data as Int8Array), [-1, 1]);
  const b = parseNpy(npy('|b1', [4], Uint8Array.of(0, 1, 0, 7)), F);
  assert.ok(b.data instanceof Uint8Array);
  assert.deepEqual(Array.from(b.data), [0, 1, 0, 1]);
  const native = parseNpy(npy('=i4', [2], enc('i', 4, os.endianness() === 'LE', [1, -2])), F);
  assert.deepEqual(Array.from(native.data as Int32Array), [1, -2]);
});

test('format versions 1.0, 2.0 and 3.0 (4-byte header length, UTF-8 header) all read', () => {
  for (const version of [1, 2, 3] as const) {
    const a = parseNpy(npy('<i4', [2, 2], enc('i', 4, true, [1, 2, 3, 4]), { version }), F);
    assert.deepEqual(a.shape, [2, 2]);
    assert.deepEqual(Array.from(a.data as Int32Array), [1, 2, 3, 4]);
  }
});

test('Fortran-order arrays come back in C order, for 2-D and 3-D shapes', () => {
  // A 2×3 matrix [[1,2,3],[4,5,6]] stored column by column.
  const m = parseNpy(npy('<f8', [2, 3], enc('f', 8, true, [1, 4, 2, 5, 3, 6]), { fortran: true }), F);
  assert.equal(m.fortranOrder, true);
  assert.deepEqual(Array.from(m.data as Float64Array), [1, 2, 3, 4, 5, 6]);
  // 2×3×4 with value = 100i + 10j + k; Fortran storage runs i fastest, then j, then k.
  const fortran: number[] = [];
  for (let k = 0; k < 4; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) fortran.push(100 * i + 10 * j + k);
  const c: number[] = [];
  for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) c.push(100 * i + 10 * j + k);
  const t = parseNpy(npy('>i2', [2, 3, 4], enc('i', 2, false, fortran), { fortran: true }), F);
  assert.ok(t.data instanceof Int16Array);
  assert.deepEqual(Array.from(t.data), c);
  const words = parseNpy(npy('<U2', [2, 2], uni(['a', 'c', 'b', 'd'], 2), { fortran: true }), F);
  assert.deepEqual(words.data, ['a', 'b', 'c', 'd']);
});

test('unicode arrays in both byte orders: UTF-32 code points, trailing NULs stripped, astral characters kept', () => {
  const words = ['going', 'to', 'be', '.', 'naïve', '𝄞x', ''];
  for (const little of [true, false]) {
    const a = parseNpy(npy(little ? '<U5' : '>U5', [7], uni(words, 5, little)), F);
    assert.deepEqual(a.data, words);
  }
  const bad = uni(['ab'], 2);
  new DataView(bad.buffer).setUint32(0, 0xd800, true);
  throwsInput(() => parseNpy(npy('<U2', [1], bad), F), F, /string 0 holds 55296, which is not a Unicode code point/);
});

test('0-d, empty and zero-length arrays', () => {
  const scalar = parseNpy(npy('<f8', '()', enc('f', 8, true, [2.5])), F);
  assert.deepEqual(scalar.shape, []);
  assert.deepEqual(Array.from(scalar.data as Float64Array), [2.5]);
  const empty = parseNpy(npy('<i4', [0, 3], new Uint8Array(0)), F);
  assert.deepEqual(empty.shape, [0, 3]);
  assert.equal(empty.data.length, 0);
  // A zero dimension makes the data empty however large the other dimensions are.
  assert.equal(parseNpy(npy('<i4', [1000000000000, 0], new Uint8Array(0)), F).data.length, 0);
});

test('header dict variations numpy and Python 2 produce', () => {
  const body = enc('i', 4, true, [7, 8]);
  for (const header of [
    `{"descr": "<i4", "fortran_order": False, "shape": (2,)}`,
    `{'shape': (2L,), 'fortran_order': False, 'descr': '<i4'}`,
    `  {'descr':'<i4','fortran_order':False,'shape':( 2 , ),}  `,
    `{'descr': '<i4', 'fortran_order': False, 'shape': (1, 2), }`,
  ]) {
    assert.deepEqual(Array.from(parseNpy(npy('', [], body, { header }), F).data as Int32Array), [7, 8], header);
  }
});

test('64-bit integers beyond 2^53 are an error, not a silent rounding', () => {
  throwsInput(() => parseNpy(npy('<i8', [2], enc('i', 8, true, [1n, 2n ** 53n + 1n])), F), F, /holds 9007199254740993 at flat index 1, beyond 2\^53/);
  throwsInput(() => parseNpy(npy('>u8', [1], enc('u', 8, false, [2n ** 64n - 1n])), F), F, /beyond 2\^53/);
});

test('broken files: empty, wrong magic, truncated preamble or header, unknown version', () => {
  throwsInput(() => parseNpy(new Uint8Array(0), F), F, /^is empty$/);
  throwsInput(() => parseNpy(Buffer.from('PK\x03\x04 a zip, not an npy'), F), F, /is not a \.npy file \(wrong magic bytes\)/);
  throwsInput(() => parseNpy(Buffer.from('hello'), F), F, /wrong magic bytes/);
  const good = npy('<i4', [2], enc('i', 4, true, [1, 2]));
  throwsInput(() => parseNpy(good.subarray(0, 6), F), F, /wrong magic bytes|truncated inside the \.npy preamble/);
  throwsInput(() => parseNpy(good.subarray(0, 9), F), F, /truncated inside the \.npy preamble/);
  throwsInput(() => parseNpy(good.subarray(0, 40), F), F, /is truncated: the header claims 118 bytes but only 30 follow/);
  throwsInput(() => parseNpy(npy('<i4', [2], enc('i', 4, true, [1, 2]), { version: 2 }).subarray(0, 11), F), F, /truncated inside the \.npy preamble/);
  const v4 = Uint8Array.from(good);
  v4[6] = 4;
  throwsInput(() => parseNpy(v4, F), F, /uses \.npy format version 4\.0, which is not supported \(1\.0, 2\.0 and 3\.0 are\)/);
});

test('data that does not match the shape: short, long, and absurd shapes never allocate', () => {
  const body = enc('i', 4, true, [1, 2, 3]);
  throwsInput(() => parseNpy(npy('<i4', [4], body), F), F, /shape \(4\) of <i4 needs 16 data bytes but the file has 12 after the header/);
  throwsInput(() => parseNpy(npy('<i4', [2], body), F), F, /needs 8 data bytes but the file has 12/);
  // A 200-byte file claiming 10**12 elements (or far more) must be refused before any allocation.
  const forged = npy('<f8', [1000000000000], new Uint8Array(72));
  assert.equal(forged.length, 200);
  throwsInput(() => parseNpy(forged, F), F, /shape \(1000000000000\) of <f8 needs 8000000000000 data bytes but the file has 72/);
  throwsInput(() => parseNpy(npy('<f8', '(4294967296, 4294967296, 4294967296)', new Uint8Array(8)), F), F, /needs 633825300114114700748351602688 data bytes/);
  throwsInput(() => parseNpy(npy('<f8', '(99999999999999999999,)', new Uint8Array(8)), F), F, /impossible dimension 99999999999999999999/);
  throwsInput(() => parseNpy(npy('<i4', '(-1, 3)', body), F), F, /negative dimension -1/);
});

test('unsupported dtypes: pickled objects, structured, float16, complex, byte strings', () => {
  throwsInput(() => parseNpy(npy('|O', [1], new Uint8Array(8)), F), F, /holds Python objects \(pickled data\), which are never loaded/);
  const structured = `{'descr': [('a', '<i4'), ('b', '<f8')], 'fortran_order': False, 'shape': (1,), }`;
  throwsInput(() => parseNpy(npy('', [], new Uint8Array(12), { header: structured }), F), F, /structured dtype, which is not supported/);
  for (const descr of ['<f2', '<c16', '|S5', '<M8[ns]', 'int32']) {
    throwsInput(() => parseNpy(npy(descr, [1], new Uint8Array(16)), F), F, new RegExp(`dtype "${descr.replace(/[[\]|]/g, '\\$&')}", which is not supported`));
  }
});

test('malformed headers are rejected by the literal parser, and nothing in them is ever evaluated', () => {
  const body = enc('i', 4, true, [1]);
  const cases: [string, RegExp][] = [
    [`['descr', '<i4']`, /malformed \.npy header \(not a dict\)/],
    [`{'descr': '<i4', 'fortran_order': False}`, /keys are \{descr, fortran_order\}/],
    [`{'descr': '<i4', 'fortran_order': False, 'shape': (1,), 'extra': 1}`, /keys are \{descr, extra, fortran_order, shape\}/],
    [`{'descr': '<i4', 'fortran_order': 0, 'shape': (1,)}`, /fortran_order is not True or False/],
    [`{'descr': '<i4', 'fortran_order': False, 'shape': [1]}`, /shape is not a tuple/],
    [`{'descr': '<i4', 'fortran_order': False, 'shape': (1.5,)}`, /malformed/],
    [`{'descr': '<i4', 'fortran_order': False, 'shape': ('1',)}`, /shape holds a non-integer/],
    [`{'descr': 4, 'fortran_order': False, 'shape': (1,)}`, /descr is not a string/],
    [`{'descr': '<i4', 'descr': '<i4', 'fortran_order': False, 'shape': (1,)}`, /duplicate key "descr"/],
    [`{'descr': '<i4', 'fortran_order': False, 'shape': (1,)`, /unexpected end/],
    [`{'descr': __import__('os').system('touch /tmp/pwned'), 'fortran_order': False, 'shape': (1,)}`, /unexpected "_"/],
    [`{'descr': '<i4', 'fortran_order': False, 'shape': (1,)} trailing`, /unexpected text after the literal/],
    [`${'('.repeat(100)}${')'.repeat(100)}`, /nested too deeply/],
    [``, /unexpected end/],
  ];
  for (const [header, problem] of cases) throwsInput(() => parseNpy(npy('', [], body, { header }), F), F, problem);
  const badUtf8 = npy('<i4', [1], body, { version: 3 });
  badUtf8[12] = 0xff;
  throwsInput(() => parseNpy(badUtf8, F), F, /\.npy 3\.0 header that is not valid UTF-8/);
});

test('asIds: integer arrays become Int32Array word ids, checked against the vocabulary', () => {
  const a = parseNpy(npy('<i4', [2, 3], enc('i', 4, true, [0, 1, 2, 3, 4, 5])), F);
  const ids = asIds(a, F, 6);
  assert.ok(ids instanceof Int32Array);
  assert.deepEqual(Array.from(ids), [0, 1, 2, 3, 4, 5]);
  const wide = parseNpy(npy('>u8', [2], enc('u', 8, false, [5n, 9n])), F);
  assert.deepEqual(Array.from(asIds(wide, F, 10)), [5, 9]);
  throwsInput(() => asIds(a, F, 5), F, /word id 5 at \[1, 2\] is outside the vocabulary \(ids 0\.\.4\)/);
  const negative = parseNpy(npy('<i2', [2], enc('i', 2, true, [0, -1])), F);
  throwsInput(() => asIds(negative, F, 3), F, /word id -1 at \[1\] is outside the vocabulary/);
  const huge = parseNpy(npy('<i8', [1], enc('i', 8, true, [2n ** 40n])), F);
  throwsInput(() => asIds(huge, F), F, /outside the int32 range/);
  const floats = parseNpy(npy('<f8', [1], enc('f', 8, true, [1])), F);
  throwsInput(() => asIds(floats, F), F, /has dtype <f8 where integer word ids were expected/);
  const words = parseNpy(npy('<U1', [1], uni(['a'], 1)), F);
  throwsInput(() => asIds(words, F), F, /has dtype <U1 where integer word ids were expected/);
});

test('readNpy names a missing file', () => {
  const missing = path.join(os.tmpdir(), 'nlm-no-such-file.npy');
  throwsInput(() => readNpy(missing), missing, /^does not exist$/);
});

test('files written by numpy (np.save and format.write_array, versions 1–3) read as numpy reads them', { skip: pythonSkip('numpy') }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-npy-'));
  try {
    const script = `
import json, os, sys
import numpy as np
from numpy.lib import format as fmt
d = sys.argv[1]
arrays = {
  'i4': np.arange(12, dtype='<i4').reshape(3, 4) - 5,
  'i4_fortran': np.asfortranarray(np.arange(24, dtype='<i4').reshape(2, 3, 4)),
  'f8_be': np.linspace(-1, 1, 7).astype('>f8'),
  'f4': np.array([[0.5, -2.25], [1e-3, 3e4]], dtype='<f4'),
  'u2_be_fortran': np.asfortranarray(np.arange(6, dtype='>u2').reshape(2, 3) * 1000),
  'i8': np.array([-(2**53) + 1, 0, 2**53 - 1], dtype='<i8'),
  'u1': np.array([0, 128, 255], dtype='u1'),
  'bool': np.array([[True, False], [False, True]]),
  'words': np.array(['going', 'to', 'be', '.', 'naïve', '𝄞']),
  'words_be': np.array(['ab', 'c']).astype('>U3'),
  'scalar': np.array(3.5),
  'empty': np.zeros((0, 3), dtype='<i4'),
}
meta = {}
for name, a in arrays.items():
  for version in [(1, 0), (2, 0), (3, 0)]:
    file = f'{name}_v{version[0]}.npy'
    with open(os.path.join(d, file), 'wb') as f:
      fmt.write_array(f, a, version=version)
    meta[file] = {'dtype': a.dtype.str, 'shape': list(a.shape), 'fortran': bool(a.flags.f_contiguous and not a.flags.c_contiguous),
                  'values': [v if isinstance(v, str) else float(v) for v in a.ravel(order='C').tolist()]}
np.save(os.path.join(d, 'saved.npy'), np.arange(5, dtype='<i4'))
meta['saved.npy'] = {'dtype': '<i4', 'shape': [5], 'fortran': False, 'values': [0.0, 1.0, 2.0, 3.0, 4.0]}
json.dump(meta, open(os.path.join(d, 'meta.json'), 'w'), ensure_ascii=False)
`;
    runPython(['numpy'], script, [dir]);
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as Record<string, { dtype: string; shape: number[]; fortran: boolean; values: (number | string)[] }>;
    assert.equal(Object.keys(meta).length, 37);
    for (const [file, want] of Object.entries(meta)) {
      const a = readNpy(path.join(dir, file));
      assert.equal(a.dtype, want.dtype, file);
      assert.deepEqual(a.shape, want.shape, file);
      assert.equal(a.fortranOrder, want.fortran, file);
      assert.deepEqual(Array.isArray(a.data) ? a.data : Array.from(a.data), want.values, file);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
