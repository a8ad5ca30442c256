// The Model interface: a model without a fused iteration trains by its phases to the same numbers;
// model files written before files recorded a kind still load as MLPs; and nothing outside
// src/engine/models names a model's tensors.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { DEFAULT_CONFIG, OPTIMIZERS, TrainConfig } from '../../src/engine/config';
import { loadDataset } from '../../src/engine/data/load';
import { InputError } from '../../src/engine/errors';
import { Evaluator } from '../../src/engine/evaluate';
import { Predictor } from '../../src/engine/inference';
import { jsKernels, Kernels } from '../../src/engine/kernels';
import { decodeModel, encodeModel, loadModel, savedShape } from '../../src/engine/modelfile/modelFile';
import { encodeSafetensors } from '../../src/engine/modelfile/safetensors';
import { modelDefinition } from '../../src/engine/models';
import { mlp } from '../../src/engine/models/mlp';
import { BUFFER_NAMES } from '../../src/engine/models/mlp/model';
import { PARAM_NAMES } from '../../src/engine/models/mlp/params';
import { ModelDefinition } from '../../src/engine/models/model';
import { Trainer } from '../../src/engine/trainer';
import { createWasmKernels } from '../../src/engine/wasmKernels';
import { toyDataset } from './fixtures';

const ROOT = path.resolve(__dirname, '..', '..', '..');
/** Written by `nlm train --data demo --epochs 2 --embed 4 --hidden 8 --activation tanh --seed 3`
 *  at commit e259967, before model files recorded a kind. */
const OLD_FILE = path.join(ROOT, 'test', 'unit', 'data', 'mlp-before-kinds.safetensors');

const small: TrainConfig = { ...DEFAULT_CONFIG, embeddingDim: 5, hiddenUnits: 12, batchSize: 37, epochs: 3, threads: 2 };
/** The MLP as a model that declares no fused iteration. */
const phasesOnly: ModelDefinition = { ...(mlp as ModelDefinition), fused: undefined };

for (const [backend, kernels] of Object.entries<() => Kernels>({ wasm: () => createWasmKernels(), js: () => jsKernels })) {
  for (const optimizer of OPTIMIZERS) {
    test(`${backend} kernels, ${optimizer}: without a fused iteration the trainer runs the phases, to the same weights and losses`, () => {
      const config = { ...small, optimizer, lr: optimizer === 'adam' ? 0.01 : 0.5, weightDecay: 1e-3 };
      const fused = new Trainer(toyDataset(), config, kernels());
      const phases = new Trainer(toyDataset(), config, kernels(), undefined, phasesOnly);
      assert.equal(phases.threads, backend === 'wasm' ? 2 : 1, "on two threads the phases' large kernel calls are shared");
      // 40 iterations of 37 cross two epochs: the lr decays and the order is reshuffled on the way.
      for (let i = 0; i < 40; i++) {
        const [a, b] = [fused.step(), phases.step()];
        assert.equal(b.iteration!.loss, a.iteration!.loss, `iteration ${i + 1}: loss`);
        assert.equal(b.iteration!.acc, a.iteration!.acc, `iteration ${i + 1}: accuracy`);
      }
      for (const name of PARAM_NAMES) assert.deepEqual(phases.params[name].data, fused.params[name].data, name);
      fused.close();
      phases.close();
    });
  }
}

test('a model file written before files recorded a kind loads as an MLP and predicts what it did', () => {
  const saved = loadModel(OLD_FILE);
  assert.equal(saved.meta.kind, undefined);
  const shape = savedShape(saved.meta, OLD_FILE);
  assert.deepEqual(shape, { kind: 'mlp', vocabSize: 249, context: 3, embeddingDim: 4, hiddenUnits: 8, activation: 'tanh' });
  // `nlm predict -k 3 we went to` and `nlm eval --split valid` of that commit on this file.
  const top = new Predictor(shape, saved.params, saved.meta.vocab).topK('we went to', 3);
  assert.deepEqual(
    top.map((t) => [t.word, t.score.toFixed(4)]),
    [['the', '0.8890'], ['.', '0.0494'], ['in', '0.0228']],
  );
  const valid = new Evaluator(shape, saved.params, jsKernels).evaluate(loadDataset('demo').valid);
  assert.ok(Math.abs(valid.ce - 1.648260973141429) < 1e-5, `valid CE ${valid.ce}`);
  // A run starts from it, with its architecture.
  const definition = modelDefinition(shape.kind);
  const trainer = new Trainer(loadDataset('demo'), { ...DEFAULT_CONFIG, ...definition.configOf(shape), threads: 1 }, jsKernels, saved.params, definition);
  assert.ok(Number.isFinite(trainer.step().iteration!.loss));
});

test('model files record the kind; an unknown kind is an error naming the file', () => {
  const saved = loadModel(OLD_FILE);
  const meta = { ...saved.meta, kind: 'mlp' };
  assert.equal(decodeModel(encodeModel({ meta, params: saved.params }), 'new.safetensors').meta.kind, 'mlp');
  const other = encodeSafetensors(Object.values(saved.params), { nlm: JSON.stringify({ ...meta, kind: 'xyz' }) });
  assert.throws(
    () => decodeModel(other, 'other.safetensors'),
    (e: unknown) => e instanceof InputError && e.file === 'other.safetensors' && /unknown model kind "xyz"; the kinds are mlp/.test(e.message),
  );
});

/** Every .ts file under `dir`, as paths relative to the repository. */
function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return rel === path.join('src', 'engine', 'models') ? [] : sources(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

test("nothing outside src/engine/models names the MLP's tensors", () => {
  const names = [...PARAM_NAMES, ...PARAM_NAMES.map((n) => `d${n}`), ...BUFFER_NAMES];
  const quoted = new RegExp(`(['"\`])(${names.join('|')})\\1`);
  // NumPy's dtype code for booleans, not a bias.
  const allowed = new Set([`${path.join('src', 'engine', 'data', 'npy.ts')}: case 'b1':`]);
  const found: string[] = [];
  for (const file of [...sources('src'), ...sources('webview')]) {
    for (const line of fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n')) {
      const code = line.trim();
      if (code.startsWith('//') || code.startsWith('*') || !quoted.test(code)) continue;
      if (!allowed.has(`${file}: ${code}`)) found.push(`${file}: ${code}`);
    }
  }
  assert.ok(sources('src').length > 50, 'the scan sees the sources');
  assert.deepEqual(found, []);
});
