// NLM Lab model files: a safetensors file holding exactly the model's parameters (F32; the MLP's
// W1, W2, b1, W3, b2), with the vocabulary, the model's kind and architecture, and provenance as
// JSON under the "nlm" metadata key. The architecture's fields sit beside vocab, as the MLP's did
// before files recorded a kind: a file without one is an MLP. Loading checks that the tensors agree
// with the metadata, so a model never fails later with an opaque shape error.
import * as fs from 'fs';
import { InputError } from '../errors';
import { modelDefinition } from '../models';
import { ModelShape, Params, ParamSpec } from '../models/model';
import { Tensor } from '../tensor';
import { writeFileAtomic } from './atomic';
import { decodeSafetensors, encodeSafetensors, readSafetensorsMetadata } from './safetensors';

export const MODEL_FORMAT = 'nlm-lab/1';
const META_KEY = 'nlm';

export interface ModelMeta {
  /** The model's kind (models/index.ts); absent in files written before kinds: an MLP. */
  kind?: string;
  vocab: string[];
  init?: string;
  provenance: { dataset: string; epochs: number; seed: number; optimizer: string; [k: string]: unknown };
  format: typeof MODEL_FORMAT;
  /** The architecture's fields (the MLP's: activation, context, embeddingDim, hiddenUnits). */
  [field: string]: unknown;
}

export interface SavedModel {
  meta: ModelMeta;
  params: Params;
}

/** The metadata of a model file for a model of `shape` trained on `vocab`. */
export function modelMeta(shape: ModelShape, vocab: readonly string[], init: string | undefined, provenance: ModelMeta['provenance']): ModelMeta {
  const fields = modelDefinition(shape.kind).metaFields(shape);
  return { ...fields, vocab: [...vocab], ...(init !== undefined && { init }), provenance, format: MODEL_FORMAT };
}

/** The architecture a model file's metadata records. */
export function savedShape(meta: ModelMeta, file = 'the model'): ModelShape {
  const definition = modelDefinition(meta.kind ?? 'mlp', file);
  const bad = (field: string, expected: string, got: unknown): InputError =>
    new InputError(file, `the "${META_KEY}" metadata's ${field} must be ${expected}, not ${describe(got)}`);
  return definition.shapeFromMeta(meta, meta.vocab.length, bad);
}

function specsOf(meta: ModelMeta, file?: string): readonly ParamSpec[] {
  const shape = savedShape(meta, file);
  return modelDefinition(shape.kind).paramSpecs(shape);
}

export function encodeModel(m: SavedModel): Uint8Array {
  const tensors = specsOf(m.meta).map((spec): Tensor => {
    const problem = shapeProblem(spec, m.params[spec.name].shape);
    if (problem) throw new Error(`cannot save the model: ${problem}`);
    return { ...m.params[spec.name], name: spec.name };
  });
  return encodeSafetensors(tensors, { [META_KEY]: JSON.stringify(m.meta) });
}

export function saveModel(file: string, m: SavedModel): void {
  writeFileAtomic(file, encodeModel(m));
}

export function decodeModel(bytes: Uint8Array, file: string): SavedModel {
  const { tensors, metadata } = decodeSafetensors(bytes, file);
  const meta = parseMeta(metadata, file);
  const specs = specsOf(meta, file);
  const names = specs.map((p) => p.name);

  const missing = names.filter((name) => !tensors.has(name));
  const extra = [...tensors.keys()].filter((name) => !names.includes(name));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      missing.length > 0 ? `is missing tensor(s) ${missing.join(', ')}` : '',
      extra.length > 0 ? `has unexpected tensor(s) ${extra.join(', ')}` : '',
    ].filter(Boolean);
    throw new InputError(file, `${parts.join(' and ')}; an NLM model has exactly ${names.join(', ')}`);
  }

  const params: Params = {};
  for (const spec of specs) {
    const { name } = spec;
    const t = tensors.get(name)!;
    if (t.dtype !== 'F32') throw new InputError(file, `${name} has dtype ${t.dtype} but NLM models store F32`);
    const problem = shapeProblem(spec, t.shape);
    if (problem) throw new InputError(file, problem);
    params[name] = { name, shape: t.shape, data: t.data };
  }
  return { meta, params };
}

export function loadModel(file: string): SavedModel {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new InputError(file, `could not be read (${(e as Error).message})`);
  }
  return decodeModel(bytes, file);
}

/**
 * A model file's metadata (vocabulary, kind, architecture, provenance), checked as loadModel
 * checks it, from the file's header alone: what views and pickers need without decoding the
 * weights (a large model would stall the extension host).
 */
export function readModelMeta(file: string): ModelMeta {
  return parseMeta(readSafetensorsMetadata(file), file);
}

/** Throws unless the model was trained on exactly this vocabulary, in this order. */
export function checkVocabMatches(
  modelVocab: readonly string[],
  dataVocab: readonly string[],
  modelFile: string,
  dataFile: string,
): void {
  if (modelVocab.length !== dataVocab.length) {
    throw new InputError(
      modelFile,
      `the model has a vocabulary of ${modelVocab.length} words but ${dataFile} has ${dataVocab.length}`,
    );
  }
  const i = modelVocab.findIndex((word, k) => word !== dataVocab[k]);
  if (i >= 0) {
    const [ours, theirs] = [modelVocab[i], dataVocab[i]].map((w) => JSON.stringify(w));
    throw new InputError(modelFile, `the vocabularies differ: word ${i} is ${ours} in the model but ${theirs} in ${dataFile}`);
  }
}

/** Throws unless the model file holds the kind of model the run is set to train. */
export function checkKindMatches(fileKind: string, runKind: string, modelFile: string): void {
  if (fileKind === runKind) return;
  throw new InputError(modelFile, `holds an ${fileKind.toUpperCase()} model but this run trains an ${runKind.toUpperCase()} (the setting "model" is ${JSON.stringify(runKind)}); set it to ${JSON.stringify(fileKind)} to load this file`);
}

function shapeProblem(spec: ParamSpec, actual: readonly number[]): string | undefined {
  const expected = spec.shape;
  if (actual.length === expected.length && actual.every((d, i) => d === expected[i])) return undefined;
  const [is, should] = [actual, expected].map((s) => `[${s.join(',')}]`);
  return `${spec.name} has shape ${is} but the metadata says ${should} (${spec.dimensions})`;
}

function parseMeta(metadata: Record<string, string>, file: string): ModelMeta {
  if (!Object.hasOwn(metadata, META_KEY)) {
    throw new InputError(file, `has no "${META_KEY}" metadata, so it is not an NLM Lab model file`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(metadata[META_KEY]);
  } catch (e) {
    throw new InputError(file, `the "${META_KEY}" metadata is not valid JSON (${(e as Error).message})`);
  }
  const bad = (field: string, expected: string, got: unknown): InputError =>
    new InputError(file, `the "${META_KEY}" metadata's ${field} must be ${expected}, not ${describe(got)}`);
  if (!isRecord(raw)) throw bad('value', 'an object', raw);
  if (raw.format !== MODEL_FORMAT) throw bad('format', `"${MODEL_FORMAT}"`, raw.format);

  const { kind, vocab, init, provenance } = raw;
  if (kind !== undefined && typeof kind !== 'string') throw bad('kind', 'a string', kind);
  if (!Array.isArray(vocab) || vocab.length === 0 || !vocab.every((w) => typeof w === 'string')) {
    throw bad('vocab', 'a non-empty array of strings', vocab);
  }
  const firstIndex = new Map<string, number>();
  vocab.forEach((word: string, i) => {
    const j = firstIndex.get(word);
    if (j !== undefined) {
      throw new InputError(file, `the "${META_KEY}" metadata's vocab lists ${describe(word)} twice (entries ${j} and ${i})`);
    }
    firstIndex.set(word, i);
  });
  // The architecture's fields, checked by the model's definition.
  const shape = modelDefinition(kind ?? 'mlp', file).shapeFromMeta(raw, vocab.length, bad);
  const architecture = modelDefinition(shape.kind).metaFields(shape);
  if (kind === undefined) delete architecture.kind;
  if (init !== undefined && typeof init !== 'string') throw bad('init', 'a string', init);

  if (!isRecord(provenance)) throw bad('provenance', 'an object', provenance);
  for (const field of ['dataset', 'optimizer']) {
    if (typeof provenance[field] !== 'string') throw bad(`provenance.${field}`, 'a string', provenance[field]);
  }
  if (!Number.isSafeInteger(provenance.epochs) || (provenance.epochs as number) < 0) {
    throw bad('provenance.epochs', 'a non-negative integer', provenance.epochs);
  }
  if (!Number.isSafeInteger(provenance.seed)) throw bad('provenance.seed', 'an integer', provenance.seed);

  return {
    ...architecture,
    vocab,
    ...(init !== undefined && { init }),
    provenance: provenance as ModelMeta['provenance'],
    format: MODEL_FORMAT,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  const text = JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
