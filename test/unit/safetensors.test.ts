import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../src/engine/errors';
import { decodeSafetensors, encodeSafetensors } from '../../src/engine/modelfile/safetensors';
import { Tensor } from '../../src/engine/tensor';
import { pythonSkip, runPython } from './python';

const FILE = 'bad.safetensors';

function f32(name: string, shape: number[], values: number[]): Tensor {
  return { name, shape, data: Float32Array.from(values) };
}

/** The raw bits, so NaN payloads, -0 and denormals compare exactly. */
function bits(a: Float32Array): number[] {
  return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
}

/** A hand-made file: the header is written exactly as given (no padding) followed by `data`. */
function raw(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function f32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

function headerOf(bytes: Uint8Array): { length: number; text: string } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { length, text: Buffer.from(bytes.subarray(8, 8 + length)).toString('utf8') };
}

/** Asserts an InputError of the form "bad.safetensors: <problem matching pattern>". */
function assertRejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => decodeSafetensors(bytes, FILE),
    (e: unknown) => {
      assert.ok(e instanceof InputError, `expected an InputError, got ${String(e)}`);
      assert.equal(e.file, FILE);
      assert.ok(e.message.startsWith(`${FILE}: `), e.message);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

const tricky = [0, -0, 1, -1.5, 3.4028234663852886e38, 1.401298464324817e-45, Infinity, -Infinity, 0.1];

test('round trip is bit-exact and keeps metadata', () => {
  const tensors = [f32('a', [3, 3], tricky), f32('b', [2], [7, 8]), f32('s', [], [42]), f32('empty', [0, 5], [])];
  const metadata = { note: 'héllo "world"', empty: '' };
  const decoded = decodeSafetensors(encodeSafetensors(tensors, metadata), FILE);
  assert.deepEqual(decoded.metadata, metadata);
  assert.deepEqual([...decoded.tensors.keys()], ['a', 'b', 's', 'empty']);
  for (const t of tensors) {
    const d = decoded.tensors.get(t.name)!;
    assert.equal(d.dtype, 'F32');
    assert.deepEqual(d.shape, t.shape);
    assert.ok(d.data instanceof Float32Array);
    assert.deepEqual(bits(d.data), bits(t.data as Float32Array));
  }
});

test('header layout: JSON with dtype, shape and contiguous data_offsets, space-padded to 8 bytes', () => {
  const bytes = encodeSafetensors([f32('W', [2, 3], [1, 2, 3, 4, 5, 6]), f32('b', [3], [7, 8, 9])], { k: 'v' });
  const { length, text } = headerOf(bytes);
  assert.equal(length % 8, 0);
  assert.match(text, /^\{.*\} *$/);
  assert.deepEqual(JSON.parse(text), {
    __metadata__: { k: 'v' },
    W: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] },
    b: { dtype: 'F32', shape: [3], data_offsets: [24, 36] },
  });
  assert.equal(bytes.length, 8 + length + 36);
  // Little-endian float32 right after the header.
  assert.equal(Buffer.from(bytes).readFloatLE(8 + length + 24), 7);
});

test('metadata is omitted from the header when empty', () => {
  const { text } = headerOf(encodeSafetensors([f32('x', [1], [1])], {}));
  assert.deepEqual(Object.keys(JSON.parse(text)), ['x']);
});

test('Float64Array data is written as float32', () => {
  const t: Tensor = { name: 'x', shape: [2], data: Float64Array.from([0.1, 1 / 3]) };
  const d = decodeSafetensors(encodeSafetensors([t], {}), FILE).tensors.get('x')!;
  assert.deepEqual(Array.from(d.data), [Math.fround(0.1), Math.fround(1 / 3)]);
});

test('encoding refuses inconsistent or duplicate tensors', () => {
  assert.throws(() => encodeSafetensors([f32('x', [2, 2], [1, 2, 3])], {}), /3 values for shape \[2,2\]/);
  assert.throws(() => encodeSafetensors([f32('x', [1], [1]), f32('x', [1], [2])], {}), /"x" is reserved or used twice/);
  assert.throws(() => encodeSafetensors([f32('__metadata__', [1], [1])], {}), /reserved/);
});

test('decodes from a buffer at an unaligned byte offset', () => {
  const bytes = encodeSafetensors([f32('x', [3], [1.5, -2, 1e-3])], {});
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  const d = decodeSafetensors(shifted.subarray(3), FILE).tensors.get('x')!;
  assert.deepEqual(Array.from(d.data), [1.5, -2, Math.fround(1e-3)]);
});

test('decodes an unpadded header whose data section starts unaligned, and copies the data', () => {
  const header = { x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const bytes = raw(header, f32Bytes([3.25, -7]));
  assert.notEqual((8 + headerOf(bytes).length) % 4, 0, 'the test needs an unaligned data section');
  const d = decodeSafetensors(bytes, FILE).tensors.get('x')!;
  assert.deepEqual(Array.from(d.data), [3.25, -7]);
  bytes.fill(0);
  assert.deepEqual(Array.from(d.data), [3.25, -7], 'decoded data must not alias the input');
});

test('F64, F16 and BF16 are converted to float32', () => {
  const data = new Uint8Array(8 + 2 * 6 + 2 * 2);
  const v = new DataView(data.buffer);
  v.setFloat64(0, 0.1, true);
  // F16: 1, -2, 65504 (max), 2^-24 (smallest subnormal), +inf, NaN
  [0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x7e00].forEach((h, i) => v.setUint16(8 + 2 * i, h, true));
  // BF16: 1, -0.5 (the top 16 bits of the float32)
  [0x3f80, 0xbf00].forEach((h, i) => v.setUint16(20 + 2 * i, h, true));
  const header = {
    d: { dtype: 'F64', shape: [1], data_offsets: [0, 8] },
    h: { dtype: 'F16', shape: [2, 3], data_offsets: [8, 20] },
    b: { dtype: 'BF16', shape: [2], data_offsets: [20, 24] },
  };
  const { tensors } = decodeSafetensors(raw(header, data), FILE);
  assert.equal(tensors.get('d')!.dtype, 'F64');
  assert.deepEqual(Array.from(tensors.get('d')!.data), [Math.fround(0.1)]);
  assert.deepEqual(Array.from(tensors.get('h')!.data), [1, -2, 65504, 2 ** -24, Infinity, NaN]);
  assert.deepEqual(Array.from(tensors.get('b')!.data), [1, -0.5]);
});

test('rejects a file shorter than 8 bytes', () => {
  assertRejects(new Uint8Array(5), /5 bytes long, too short/);
});

test('rejects a header length beyond the end of the file', () => {
  const bytes = raw({});
  new DataView(bytes.buffer).setBigUint64(0, 1000n, true);
  assertRejects(bytes, /header length 1000 runs past the end of the file \(10 bytes\)/);
  new DataView(bytes.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
  assertRejects(bytes, /header length 18446744073709551615 runs past the end/);
});

test('rejects an absurdly long header before parsing it', () => {
  const bytes = new Uint8Array(8 + 100_000_001);
  new DataView(bytes.buffer).setBigUint64(0, 100_000_001n, true);
  assertRejects(bytes, /header length 100000001 exceeds the 100000000-byte limit/);
});

test('rejects a header that is not UTF-8, not JSON, or not an object', () => {
  const invalidUtf8 = raw('{}');
  invalidUtf8[9] = 0xff;
  assertRejects(invalidUtf8, /header is not valid UTF-8/);
  assertRejects(raw('{"x": '), /header is not valid JSON/);
  assertRejects(raw('[1, 2]'), /header is not a JSON object/);
  assertRejects(raw('  7  '), /header is not a JSON object/);
});

test('rejects bad __metadata__', () => {
  assertRejects(raw({ __metadata__: ['a'] }), /"__metadata__" must be an object of strings/);
  assertRejects(raw({ __metadata__: { epochs: 3 } }), /"__metadata__" value "epochs" must be a string, not 3/);
});

test('rejects a tensor entry that is not an object', () => {
  assertRejects(raw({ x: 'F32' }), /tensor "x" must be described by an object/);
});

test('rejects unknown and unsupported dtypes', () => {
  assertRejects(raw({ x: { dtype: 'F33', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor "x" has dtype "F33", which is not supported \(expected one of F32/);
  assertRejects(raw({ x: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), /dtype "I64", which is not supported/);
  assertRejects(raw({ x: { shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /dtype undefined, which is not supported/);
});

test('rejects shapes that are not arrays of non-negative integers', () => {
  for (const shape of [[-1], [1.5], '4', [1, null], undefined]) {
    assertRejects(raw({ x: { dtype: 'F32', shape, data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor "x" has shape .*; a shape must be an array of non-negative integers/);
  }
});

test('rejects malformed data_offsets', () => {
  for (const offsets of [[0], [4, 0], [-4, 0], [0, '4'], undefined]) {
    assertRejects(raw({ x: { dtype: 'F32', shape: [1], data_offsets: offsets } }, new Uint8Array(4)), /tensor "x" has data_offsets .*; expected \[begin, end\]/);
  }
});

test('rejects data_offsets beyond the data section', () => {
  assertRejects(raw({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4)), /tensor "x" has data_offsets \[0,8\] beyond the end of the data section \(4 bytes\)/);
});

test('rejects a byte span that does not match dtype and shape', () => {
  assertRejects(raw({ x: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 12] } }, new Uint8Array(12)), /tensor "x" spans 12 bytes but F32 shape \[2,2\] needs 16/);
});

test('rejects overlapping tensors, gaps and uncovered bytes', () => {
  const overlap = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } };
  assertRejects(raw(overlap, new Uint8Array(8)), /tensor "b" starts at byte 4, which overlaps the data before it \(ending at byte 8\)/);
  const gap = { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } };
  assertRejects(raw(gap, new Uint8Array(12)), /tensor "b" starts at byte 8, which leaves a gap after the data before it/);
  const late = { a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } };
  assertRejects(raw(late, new Uint8Array(8)), /tensor "a" starts at byte 4, which leaves a gap/);
  assertRejects(raw({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(6)), /the tensors cover 4 bytes but the data section holds 6/);
});

test('a "__proto__" metadata key stays plain data', () => {
  const { metadata } = decodeSafetensors(raw('{"__metadata__": {"__proto__": "x"}}'), FILE);
  assert.equal(Object.getPrototypeOf(metadata), Object.prototype);
  assert.deepEqual(Object.entries(metadata), [['__proto__', 'x']]);
});

// ---- independent check with Python: the header parsed by json, the data read by numpy ----

const skipPython = pythonSkip('numpy');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-safetensors-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const READ_WITH_NUMPY = `
import json, struct, sys
import numpy as np
data = open(sys.argv[1], 'rb').read()
(n,) = struct.unpack('<Q', data[:8])
header = json.loads(data[8:8 + n])
out = {'metadata': header.pop('__metadata__', {}), 'tensors': {}}
for name, info in header.items():
    begin, end = info['data_offsets']
    assert info['dtype'] == 'F32'
    a = np.frombuffer(data[8 + n + begin:8 + n + end], dtype='<f4').reshape(info['shape'])
    out['tensors'][name] = {'shape': list(a.shape), 'bits': a.view('<u4').ravel().tolist()}
print(json.dumps(out))
`;

test('numpy reads what we write', { skip: skipPython }, () => {
  const tensors = [f32('W', [3, 3], tricky), f32('b', [2], [-1, 2.5])];
  const file = path.join(tmp, 'ours.safetensors');
  fs.writeFileSync(file, encodeSafetensors(tensors, { who: 'nlm' }));
  const seen = JSON.parse(runPython(['numpy'], READ_WITH_NUMPY, [file]));
  assert.deepEqual(seen.metadata, { who: 'nlm' });
  for (const t of tensors) {
    assert.deepEqual(seen.tensors[t.name], { shape: t.shape, bits: bits(t.data as Float32Array) });
  }
});

const WRITE_WITH_NUMPY = `
import json, struct, sys
import numpy as np
values = [0.1, -2.5, 65504.0, 6e-8, 1e-5, 3.0]
arrays = {
    'f64': np.array(values, dtype='<f8').reshape(2, 3),
    'f16': np.array(values, dtype='<f2'),
    'bf16': (np.array(values, dtype='<f4').view('<u4') >> 16).astype('<u2'),
}
dtypes = {'f64': 'F64', 'f16': 'F16', 'bf16': 'BF16'}
header, offset = {'__metadata__': {'by': 'numpy'}}, 0
for name, a in arrays.items():
    header[name] = {'dtype': dtypes[name], 'shape': list(a.shape), 'data_offsets': [offset, offset + a.nbytes]}
    offset += a.nbytes
text = json.dumps(header).encode()
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<Q', len(text)) + text + b''.join(a.tobytes() for a in arrays.values()))
expected = {
    'f64': arrays['f64'].astype('<f4').ravel().tolist(),
    'f16': arrays['f16'].astype('<f4').tolist(),
    'bf16': (arrays['bf16'].astype('<u4') << 16).view('<f4').tolist(),
}
print(json.dumps(expected))
`;

test('we read F64, F16 and BF16 files written with numpy as numpy converts them', { skip: skipPython }, () => {
  const file = path.join(tmp, 'numpy.safetensors');
  const expected: Record<string, number[]> = JSON.parse(runPython(['numpy'], WRITE_WITH_NUMPY, [file]));
  const { tensors, metadata } = decodeSafetensors(fs.readFileSync(file), file);
  assert.deepEqual(metadata, { by: 'numpy' });
  assert.deepEqual(tensors.get('f64')!.shape, [2, 3]);
  for (const [name, values] of Object.entries(expected)) {
    assert.deepEqual(Array.from(tensors.get(name)!.data), values, name);
  }
});
