// A model file's metadata from its header alone: the extension host reads provenance without
// decoding (or even reading) the weights.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as os from 'os';
import * as path from 'path';
import { after, mock, test } from 'node:test';
import { encodeModel, loadModel, readModelMeta, SavedModel } from '../../src/engine/modelfile/modelFile';
import { throwsInputError } from './inputErrors';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-modelmeta-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function model(): SavedModel {
  const t = (name: string, shape: number[]) => ({ name, shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i / 7) });
  return {
    meta: {
      vocab: ['the', 'cat', 'sat', 'on', 'mat'],
      activation: 'tanh',
      context: 3,
      embeddingDim: 2,
      hiddenUnits: 4,
      init: 'xavier',
      provenance: { dataset: 'demo', epochs: 2, seed: 7, optimizer: 'adam', steps: 80 },
      format: 'nlm-lab/1',
    },
    params: { W1: t('W1', [5, 2]), W2: t('W2', [6, 4]), b1: t('b1', [4]), W3: t('W3', [4, 5]), b2: t('b2', [5]) },
  };
}

const headerEnd = (bytes: Uint8Array) => 8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));

test('the header reader gives the metadata loadModel gives', () => {
  const file = path.join(tmp, 'ok.safetensors');
  fs.writeFileSync(file, encodeModel(model()));
  assert.deepEqual(readModelMeta(file), loadModel(file).meta);
});

test('a file whose tensor data is truncated or garbage still yields its metadata', () => {
  const bytes = encodeModel(model());
  const truncated = path.join(tmp, 'truncated.safetensors');
  fs.writeFileSync(truncated, bytes.subarray(0, headerEnd(bytes) + 3));
  assert.throws(() => loadModel(truncated), /data section/);
  assert.deepEqual(readModelMeta(truncated), model().meta);

  const garbage = path.join(tmp, 'garbage.safetensors');
  fs.writeFileSync(garbage, Buffer.concat([bytes.subarray(0, headerEnd(bytes)), Buffer.from('not tensors at all')]));
  assert.throws(() => loadModel(garbage), /data section/);
  assert.deepEqual(readModelMeta(garbage), model().meta);
});

test('only the header bytes are read, however large the data region', () => {
  const bytes = encodeModel(model());
  const file = path.join(tmp, 'huge.safetensors');
  fs.writeFileSync(file, bytes);
  // A sparse 512 MB tail: reading it whole would take a long time and half a gigabyte of memory.
  fs.truncateSync(file, 512 * 1024 * 1024);
  const readSync = mock.method(fs, 'readSync');
  try {
    assert.deepEqual(readModelMeta(file), model().meta);
    const read = readSync.mock.calls.reduce((sum, call) => sum + (call.result as number), 0);
    assert.equal(read, headerEnd(bytes));
  } finally {
    readSync.mock.restore();
  }
});

test('the header reader checks the header as loadModel does and names the file', () => {
  const bytes = encodeModel(model());
  const file = path.join(tmp, 'bad.safetensors');
  throwsInputError(() => readModelMeta(path.join(tmp, 'missing.safetensors')), path.join(tmp, 'missing.safetensors'), /could not be read \(ENOENT/);
  fs.writeFileSync(file, bytes.subarray(0, 4));
  throwsInputError(() => readModelMeta(file), file, /too short for a safetensors file/);
  fs.writeFileSync(file, bytes.subarray(0, 100));
  throwsInputError(() => readModelMeta(file), file, /header length \d+ runs past the end of the file \(100 bytes\)/);
  const header = new Uint8Array(16).fill(0x7b);
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, 16n, true);
  fs.writeFileSync(file, Buffer.concat([prefix, header]));
  throwsInputError(() => readModelMeta(file), file, /the safetensors header is not valid JSON/);
  fs.writeFileSync(file, Buffer.concat([prefix, Buffer.from('{"a":1}         ')]));
  throwsInputError(() => readModelMeta(file), file, /has no "nlm" metadata, so it is not an NLM Lab model file/);
  const bad = model();
  bad.meta.provenance.epochs = -1;
  fs.writeFileSync(file, encodeModel(bad));
  throwsInputError(() => readModelMeta(file), file, /provenance.epochs must be a non-negative integer, not -1/);
});
