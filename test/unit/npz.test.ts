import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { SavedModel } from '../../src/engine/modelfile/modelFile';
import { crc32, encodeNpz, exportNpz } from '../../src/engine/modelfile/npz';
import { Tensor } from '../../src/engine/tensor';
import { pythonSkip, runPython } from './python';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-npz-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function filled(name: string, shape: number[], start: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { name, shape, data: Float32Array.from({ length: n }, (_, i) => Math.cos(start + i) * 2 ** ((i % 7) - 3)) };
}

// Non-ASCII words check the UTF-32 encoding; '🙂' is one code point but two UTF-16 units.
const VOCAB = ['the', 'café', '🙂', 'naïve', 'a'];

function model(): SavedModel {
  return {
    meta: {
      vocab: [...VOCAB],
      activation: 'sigmoid',
      context: 3,
      embeddingDim: 2,
      hiddenUnits: 4,
      provenance: { dataset: 'demo', epochs: 1, seed: 1, optimizer: 'sgd' },
      format: 'nlm-lab/1',
    },
    params: {
      W1: filled('W1', [5, 2], 1),
      W2: filled('W2', [6, 4], 2),
      b1: filled('b1', [4], 3),
      W3: filled('W3', [4, 5], 4),
      b2: filled('b2', [5], 5),
    },
  };
}

interface Member {
  name: string;
  method: number;
  data: Buffer;
}

/** A strict reader for the subset of ZIP we write: checks signatures, sizes, offsets and CRCs. */
function unzip(bytes: Uint8Array): Member[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = b.length - 22;
  assert.equal(b.readUInt32LE(end), 0x06054b50, 'end of central directory');
  const count = b.readUInt16LE(end + 10);
  assert.equal(b.readUInt16LE(end + 8), count);
  const cdSize = b.readUInt32LE(end + 12);
  let at = b.readUInt32LE(end + 16);
  assert.equal(at + cdSize, end, 'the central directory ends where the end record starts');
  const members: Member[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(b.readUInt32LE(at), 0x02014b50, 'central directory entry');
    const method = b.readUInt16LE(at + 10);
    const crc = b.readUInt32LE(at + 16);
    const compressed = b.readUInt32LE(at + 20);
    const size = b.readUInt32LE(at + 24);
    const nameLength = b.readUInt16LE(at + 28);
    const local = b.readUInt32LE(at + 42);
    const name = b.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength;

    assert.equal(b.readUInt32LE(local), 0x04034b50, 'local file header');
    assert.equal(b.readUInt32LE(local + 14), crc);
    assert.equal(b.readUInt32LE(local + 18), compressed);
    assert.equal(b.readUInt32LE(local + 22), size);
    assert.equal(b.toString('utf8', local + 30, local + 30 + nameLength), name);
    const start = local + 30 + nameLength + b.readUInt16LE(local + 28);
    const stored = b.subarray(start, start + compressed);
    const data = method === 8 ? zlib.inflateRawSync(stored) : stored;
    assert.equal(data.length, size);
    assert.equal(crc32(data), crc, `CRC of ${name}`);
    members.push({ name, method, data });
  }
  return members;
}

/** Parses a .npy v1.0 file, checking the preamble is 64-byte aligned and ends with a newline. */
function parseNpy(data: Buffer): { descr: string; shape: number[]; body: Buffer } {
  assert.deepEqual([...data.subarray(0, 8)], [0x93, ...Buffer.from('NUMPY'), 1, 0]);
  const headerLength = data.readUInt16LE(8);
  assert.equal((10 + headerLength) % 64, 0);
  const header = data.toString('latin1', 10, 10 + headerLength);
  assert.match(header, /^\{'descr': '([^']+)', 'fortran_order': False, 'shape': \(([\d, ]*)\), \} *\n$/);
  const [, descr, dims] = /'descr': '([^']+)'.*'shape': \(([\d, ]*)\)/.exec(header)!;
  const shape = dims.split(',').map((d) => d.trim()).filter(Boolean).map(Number);
  return { descr, shape, body: data.subarray(10 + headerLength) };
}

test('crc32 matches the standard check value and zlib', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  const random = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) & 0xff);
  const zlibCrc = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
  if (zlibCrc) assert.equal(crc32(random), zlibCrc(random));
});

test('the archive holds one deflated .npy per parameter plus vocab.npy', () => {
  const members = unzip(encodeNpz(model()));
  assert.deepEqual(members.map((m) => m.name), ['W1.npy', 'W2.npy', 'b1.npy', 'W3.npy', 'b2.npy', 'vocab.npy']);
  assert.ok(members.every((m) => m.method === 8));
});

test('parameters are little-endian float32 .npy arrays, bit-exact', () => {
  const m = model();
  const members = new Map(unzip(encodeNpz(m)).map((x) => [x.name, x.data]));
  for (const t of Object.values(m.params)) {
    const npy = parseNpy(members.get(`${t.name}.npy`)!);
    assert.equal(npy.descr, '<f4');
    assert.deepEqual(npy.shape, t.shape);
    const expected = Buffer.from((t.data as Float32Array).buffer);
    assert.ok(npy.body.equals(expected), `${t.name} data`);
  }
});

test('the header writes a 1-D shape as a Python one-tuple', () => {
  const members = new Map(unzip(encodeNpz(model())).map((x) => [x.name, x.data]));
  assert.match(members.get('b1.npy')!.toString('latin1', 10, 80), /'shape': \(4,\), \}/);
  assert.match(members.get('W2.npy')!.toString('latin1', 10, 80), /'shape': \(6, 4\), \}/);
});

test('vocab is a fixed-width UTF-32LE unicode array', () => {
  const members = new Map(unzip(encodeNpz(model())).map((x) => [x.name, x.data]));
  const npy = parseNpy(members.get('vocab.npy')!);
  assert.equal(npy.descr, '<U5'); // "naïve" is the longest at 5 code points
  assert.deepEqual(npy.shape, [5]);
  assert.equal(npy.body.length, 5 * 5 * 4);
  const words = Array.from({ length: 5 }, (_, i) => {
    const points = Array.from({ length: 5 }, (_, j) => npy.body.readUInt32LE((i * 5 + j) * 4)).filter((c) => c !== 0);
    return String.fromCodePoint(...points);
  });
  assert.deepEqual(words, VOCAB);
});

test('exportNpz writes the archive atomically to the given path', () => {
  const file = path.join(tmp, 'model.npz');
  fs.writeFileSync(file, 'old');
  exportNpz(file, model());
  assert.ok(fs.readFileSync(file).equals(Buffer.from(encodeNpz(model()))));
  assert.deepEqual(fs.readdirSync(tmp).filter((f) => f.includes('model.npz')), ['model.npz']);
});

// ---- independent check: numpy loads the archive ----

const LOAD_WITH_NUMPY = `
import json, sys
import numpy as np
with np.load(sys.argv[1], allow_pickle=False) as z:
    out = {}
    for name in z.files:
        a = z[name]
        entry = {'dtype': a.dtype.str, 'shape': list(a.shape)}
        if a.dtype.kind == 'U':
            entry['values'] = a.tolist()
        else:
            entry['bits'] = a.view('<u4').ravel().tolist()
            entry['sum'] = float(a.astype(np.float64).sum())
        out[name] = entry
print(json.dumps(out))
`;

test('numpy loads the exported file', { skip: pythonSkip('numpy') }, () => {
  const m = model();
  const file = path.join(tmp, 'for-numpy.npz');
  exportNpz(file, m);
  const seen = JSON.parse(runPython(['numpy'], LOAD_WITH_NUMPY, [file]));
  assert.deepEqual(Object.keys(seen), ['W1', 'W2', 'b1', 'W3', 'b2', 'vocab']);
  assert.deepEqual(seen.vocab, { dtype: '<U5', shape: [5], values: VOCAB });
  for (const t of Object.values(m.params)) {
    const data = t.data as Float32Array;
    const sum = data.reduce((s, x) => s + x, 0);
    assert.equal(seen[t.name].dtype, '<f4');
    assert.deepEqual(seen[t.name].shape, t.shape);
    assert.deepEqual(seen[t.name].bits, Array.from(new Uint32Array(data.buffer)));
    assert.ok(Math.abs(seen[t.name].sum - sum) < 1e-9, `${t.name} checksum ${seen[t.name].sum} vs ${sum}`);
  }
});
