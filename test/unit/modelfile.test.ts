import fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../src/engine/errors';
import { writeFileAtomic } from '../../src/engine/modelfile/atomic';
import {
  checkVocabMatches,
  decodeModel,
  encodeModel,
  loadModel,
  ModelMeta,
  SavedModel,
  saveModel,
} from '../../src/engine/modelfile/modelFile';
import { decodeSafetensors, encodeSafetensors } from '../../src/engine/modelfile/safetensors';
import { Tensor } from '../../src/engine/tensor';

const FILE = 'model.safetensors';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-modelfile-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const META: ModelMeta = {
  vocab: ['the', 'cat', 'sat', 'on', 'mat'],
  activation: 'tanh',
  context: 3,
  embeddingDim: 2,
  hiddenUnits: 4,
  init: 'xavier',
  provenance: { dataset: 'demo', epochs: 5, seed: 7, optimizer: 'adam', finalValidCE: 1.25 },
  format: 'nlm-lab/1',
};

function filled(name: string, shape: number[], start: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { name, shape, data: Float32Array.from({ length: n }, (_, i) => Math.sin(start + i) / 3) };
}

/** A consistent model: V=5, context=3, D=2, P=4. */
function model(): SavedModel {
  return {
    meta: structuredClone(META),
    params: {
      W1: filled('W1', [5, 2], 1),
      W2: filled('W2', [6, 4], 100),
      b1: filled('b1', [4], 200),
      W3: filled('W3', [4, 5], 300),
      b2: filled('b2', [5], 400),
    },
  };
}

function bits(t: Tensor): number[] {
  return Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length));
}

const nlm = (meta: unknown): Record<string, string> => ({ nlm: JSON.stringify(meta) });

/** A safetensors file with the given tensors and metadata, bypassing encodeModel's checks. */
function fileWith(tensors: Tensor[], metadata: Record<string, string> = nlm(META)): Uint8Array {
  return encodeSafetensors(tensors, metadata);
}

function assertRejects(fn: () => unknown, file: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, `expected an InputError, got ${String(e)}`);
    assert.equal(e.file, file);
    assert.ok(e.message.startsWith(`${file}: `), e.message);
    assert.match(e.message, pattern);
    return true;
  });
}

const params = (): Tensor[] => Object.values(model().params);

/** The model file with its JSON header edited and the data section unchanged. */
function withHeaderEdit(edit: (header: Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>) => void): Uint8Array {
  const bytes = encodeModel(model());
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8'));
  edit(header);
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, bytes.subarray(8 + n)]);
}

test('encode/decode round trip is bit-exact and keeps the metadata', () => {
  const m = model();
  const back = decodeModel(encodeModel(m), FILE);
  assert.deepEqual(back.meta, m.meta);
  assert.deepEqual(Object.keys(back.params), ['W1', 'W2', 'b1', 'W3', 'b2']);
  for (const [name, t] of Object.entries(m.params)) {
    const b = back.params[name as keyof SavedModel['params']];
    assert.equal(b.name, name);
    assert.deepEqual(b.shape, t.shape);
    assert.ok(b.data instanceof Float32Array);
    assert.deepEqual(bits(b), bits(t));
  }
});

test('the file is plain safetensors: five F32 tensors and the meta as JSON under "nlm"', () => {
  const { tensors, metadata } = decodeSafetensors(encodeModel(model()), FILE);
  assert.deepEqual(Object.keys(metadata), ['nlm']);
  assert.deepEqual(JSON.parse(metadata.nlm), META);
  assert.deepEqual(
    [...tensors].map(([name, t]) => [name, t.dtype, t.shape]),
    [['W1', 'F32', [5, 2]], ['W2', 'F32', [6, 4]], ['b1', 'F32', [4]], ['W3', 'F32', [4, 5]], ['b2', 'F32', [5]]],
  );
});

test('init is optional', () => {
  const m = model();
  delete m.meta.init;
  const back = decodeModel(encodeModel(m), FILE);
  assert.equal('init' in back.meta, false);
});

test('saveModel/loadModel round trip through a file', () => {
  const file = path.join(tmp, 'round.safetensors');
  const m = model();
  saveModel(file, m);
  const back = loadModel(file);
  assert.deepEqual(back.meta, m.meta);
  assert.deepEqual(bits(back.params.W3), bits(m.params.W3));
});

test('encodeModel refuses parameters that disagree with the metadata', () => {
  const m = model();
  m.meta.hiddenUnits = 5;
  assert.throws(() => encodeModel(m), /cannot save the model: W2 has shape \[6,4\] but the metadata says \[6,5\]/);
});

test('loadModel names a file it cannot read', () => {
  const file = path.join(tmp, 'nope.safetensors');
  assertRejects(() => loadModel(file), file, /could not be read \(ENOENT/);
});

test('rejects a truncated file', () => {
  const file = path.join(tmp, 'truncated.safetensors');
  const bytes = encodeModel(model());
  fs.writeFileSync(file, bytes.subarray(0, bytes.length - 10));
  assertRejects(() => loadModel(file), file, /the tensors cover \d+ bytes but the data section holds \d+|beyond the end of the data section/);
  fs.writeFileSync(file, bytes.subarray(0, 4));
  assertRejects(() => loadModel(file), file, /too short for a safetensors file/);
  fs.writeFileSync(file, bytes.subarray(0, 100));
  assertRejects(() => loadModel(file), file, /header length \d+ runs past the end of the file \(100 bytes\)/);
});

test('rejects data_offsets out of bounds', () => {
  const bytes = withHeaderEdit((h) => {
    h.b2.data_offsets = h.b2.data_offsets.map((o) => o + 4);
  });
  assertRejects(() => decodeModel(bytes, FILE), FILE, /tensor "b2" has data_offsets \[\d+,\d+\] beyond the end of the data section/);
});

test('rejects a safetensors file without "nlm" metadata', () => {
  assertRejects(() => decodeModel(fileWith(params(), {}), FILE), FILE, /has no "nlm" metadata, so it is not an NLM Lab model file/);
});

test('rejects "nlm" metadata that is not JSON', () => {
  assertRejects(() => decodeModel(fileWith(params(), { nlm: '{vocab: [' }), FILE), FILE, /the "nlm" metadata is not valid JSON/);
});

test('rejects "nlm" metadata with missing or mistyped fields', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ format: 'nlm-lab/2' }, /format must be "nlm-lab\/1", not "nlm-lab\/2"/],
    [{ vocab: 'the cat' }, /vocab must be a non-empty array of strings, not "the cat"/],
    [{ vocab: ['the', 3, 'sat', 'on', 'mat'] }, /vocab must be a non-empty array of strings/],
    [{ vocab: ['the', 'cat', 'the', 'on', 'mat'] }, /vocab lists "the" twice \(entries 0 and 2\)/],
    [{ activation: 'softsign' }, /activation must be one of sigmoid, tanh, relu, linear, not "softsign"/],
    [{ context: 0 }, /context must be a positive integer, not 0/],
    [{ embeddingDim: '2' }, /embeddingDim must be a positive integer, not "2"/],
    [{ hiddenUnits: undefined }, /hiddenUnits must be a positive integer, not missing/],
    [{ init: 3 }, /init must be a string, not 3/],
    [{ provenance: undefined }, /provenance must be an object, not missing/],
    [{ provenance: { ...META.provenance, dataset: 1 } }, /provenance.dataset must be a string, not 1/],
    [{ provenance: { ...META.provenance, epochs: -1 } }, /provenance.epochs must be a non-negative integer, not -1/],
    [{ provenance: { ...META.provenance, seed: 1.5 } }, /provenance.seed must be an integer, not 1.5/],
  ];
  for (const [change, pattern] of cases) {
    assertRejects(() => decodeModel(fileWith(params(), nlm({ ...META, ...change })), FILE), FILE, pattern);
  }
  assertRejects(() => decodeModel(fileWith(params(), nlm([META])), FILE), FILE, /the "nlm" metadata's value must be an object/);
});

test('rejects a missing tensor, naming it', () => {
  const tensors = params().filter((t) => t.name !== 'W3');
  assertRejects(() => decodeModel(fileWith(tensors), FILE), FILE, /is missing tensor\(s\) W3; an NLM model has exactly W1, W2, b1, W3, b2/);
});

test('rejects an extra tensor, naming it', () => {
  const tensors = [...params(), filled('W4', [2], 0)];
  assertRejects(() => decodeModel(fileWith(tensors), FILE), FILE, /has unexpected tensor\(s\) W4; an NLM model has exactly/);
  const both = [...params().filter((t) => t.name !== 'b1'), filled('bias1', [4], 0)];
  assertRejects(() => decodeModel(fileWith(both), FILE), FILE, /is missing tensor\(s\) b1 and has unexpected tensor\(s\) bias1/);
});

test('rejects a tensor whose shape disagrees with the metadata, explaining the dimensions', () => {
  const tensors = params().map((t) => (t.name === 'W2' ? filled('W2', [6, 3], 0) : t));
  assertRejects(() => decodeModel(fileWith(tensors), FILE), FILE, /^model\.safetensors: W2 has shape \[6,3\] but the metadata says \[6,4\] \(context×embeddingDim, hiddenUnits\)$/);
  const vocab = { ...META, vocab: [...META.vocab, 'dog'] };
  assertRejects(() => decodeModel(fileWith(params(), nlm(vocab)), FILE), FILE, /W1 has shape \[5,2\] but the metadata says \[6,2\] \(vocabulary size, embeddingDim\)/);
});

test('rejects a tensor stored as anything but F32', () => {
  // b2's 20 bytes re-declared as ten F16 values: valid safetensors, but not an NLM model.
  const bytes = withHeaderEdit((h) => {
    h.b2 = { ...h.b2, dtype: 'F16', shape: [10] };
  });
  assert.equal(decodeSafetensors(bytes, FILE).tensors.get('b2')!.dtype, 'F16');
  assertRejects(() => decodeModel(bytes, FILE), FILE, /b2 has dtype F16 but NLM models store F32/);
});

test('checkVocabMatches accepts equal vocabularies and explains the first difference', () => {
  checkVocabMatches(['a', 'b'], ['a', 'b'], 'm.safetensors', 'data.txt');
  assertRejects(
    () => checkVocabMatches(['a', 'b'], ['a', 'b', 'c'], 'm.safetensors', 'data.txt'),
    'm.safetensors',
    /the model has a vocabulary of 2 words but data\.txt has 3/,
  );
  assertRejects(
    () => checkVocabMatches(['a', 'b', 'c'], ['a', 'x', 'c'], 'm.safetensors', 'data.txt'),
    'm.safetensors',
    /the vocabularies differ: word 1 is "b" in the model but "x" in data\.txt/,
  );
});

// ---- atomic writes ----

function freshDir(name: string): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  return dir;
}

test('writeFileAtomic replaces the file and leaves nothing else behind', () => {
  const dir = freshDir('replace');
  const file = path.join(dir, 'out.bin');
  fs.writeFileSync(file, 'old');
  writeFileAtomic(file, new Uint8Array([1, 2, 3]));
  assert.deepEqual([...fs.readFileSync(file)], [1, 2, 3]);
  assert.deepEqual(fs.readdirSync(dir), ['out.bin']);
});

test('a failed rename leaves the old file intact and removes the temp file', (t) => {
  const dir = freshDir('crash');
  const file = path.join(dir, 'model.safetensors');
  fs.writeFileSync(file, 'old model');
  const renames: string[] = [];
  t.mock.method(fs, 'renameSync', (from: string) => {
    renames.push(from);
    assert.ok(fs.existsSync(from), 'the new content is fully written before the rename');
    throw new Error('simulated crash');
  });
  assertRejects(() => saveModel(file, model()), file, /could not be written \(simulated crash\)/);
  assert.equal(renames.length, 1);
  assert.equal(path.dirname(renames[0]), dir, 'the temp file is a sibling of the target');
  assert.equal(fs.readFileSync(file, 'utf8'), 'old model');
  assert.deepEqual(fs.readdirSync(dir), ['model.safetensors']);
});

test('writing over a directory fails cleanly', () => {
  const dir = freshDir('over-dir');
  const target = path.join(dir, 'taken');
  fs.mkdirSync(target);
  fs.writeFileSync(path.join(target, 'inside'), 'keep');
  assertRejects(() => writeFileAtomic(target, new Uint8Array([1])), target, /could not be written/);
  assert.deepEqual(fs.readdirSync(dir), ['taken']);
  assert.equal(fs.readFileSync(path.join(target, 'inside'), 'utf8'), 'keep');
});

test('writing into a missing directory fails with the file named', () => {
  const file = path.join(tmp, 'missing-dir', 'model.safetensors');
  assertRejects(() => saveModel(file, model()), file, /could not be written \(ENOENT/);
  assert.equal(fs.existsSync(path.dirname(file)), false);
});
