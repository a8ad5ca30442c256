// NLM Lab model files: a safetensors file holding exactly W1, W2, b1, W3, b2 (F32), with the
// vocabulary, architecture and provenance as JSON under the "nlm" metadata key. Loading checks that
// the tensors agree with that metadata, so a model never fails later with an opaque shape error.
import * as fs from 'fs';
import { ACTIVATIONS, ActivationName } from '../activations';
import { InputError } from '../errors';
import { MlpParams, paramShapes, PARAM_NAMES, ParamName } from '../mlp';
import { Tensor } from '../tensor';
import { writeFileAtomic } from './atomic';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

export const MODEL_FORMAT = 'nlm-lab/1';
const META_KEY = 'nlm';

export interface ModelMeta {
  vocab: string[];
  activation: string;
  context: number;
  embeddingDim: number;
  hiddenUnits: number;
  init?: string;
  provenance: { dataset: string; epochs: number; seed: number; optimizer: string; [k: string]: unknown };
  format: typeof MODEL_FORMAT;
}

export interface SavedModel {
  meta: ModelMeta;
  params: MlpParams;
}

/** What each dimension means, for shape errors a user can act on. */
const SHAPE_MEANING: Record<ParamName, string> = {
  W1: 'vocabulary size, embeddingDim',
  W2: 'context×embeddingDim, hiddenUnits',
  b1: 'hiddenUnits',
  W3: 'hiddenUnits, vocabulary size',
  b2: 'vocabulary size',
};

export function encodeModel(m: SavedModel): Uint8Array {
  const expected = expectedShapes(m.meta);
  const tensors = PARAM_NAMES.map((name): Tensor => {
    const problem = shapeProblem(name, m.params[name].shape, expected[name]);
    if (problem) throw new Error(`cannot save the model: ${problem}`);
    return { ...m.params[name], name };
  });
  return encodeSafetensors(tensors, { [META_KEY]: JSON.stringify(m.meta) });
}

export function saveModel(file: string, m: SavedModel): void {
  writeFileAtomic(file, encodeModel(m));
}

export function decodeModel(bytes: Uint8Array, file: string): SavedModel {
  const { tensors, metadata } = decodeSafetensors(bytes, file);
  const meta = parseMeta(metadata, file);

  const missing = PARAM_NAMES.filter((name) => !tensors.has(name));
  const extra = [...tensors.keys()].filter((name) => !(PARAM_NAMES as readonly string[]).includes(name));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      missing.length > 0 ? `is missing tensor(s) ${missing.join(', ')}` : '',
      extra.length > 0 ? `has unexpected tensor(s) ${extra.join(', ')}` : '',
    ].filter(Boolean);
    throw new InputError(file, `${parts.join(' and ')}; an NLM model has exactly ${PARAM_NAMES.join(', ')}`);
  }

  const expected = expectedShapes(meta);
  const params = {} as MlpParams;
  for (const name of PARAM_NAMES) {
    const t = tensors.get(name)!;
    if (t.dtype !== 'F32') throw new InputError(file, `${name} has dtype ${t.dtype} but NLM models store F32`);
    const problem = shapeProblem(name, t.shape, expected[name]);
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

function expectedShapes(meta: ModelMeta): Record<ParamName, number[]> {
  return paramShapes({
    vocabSize: meta.vocab.length,
    context: meta.context,
    embeddingDim: meta.embeddingDim,
    hiddenUnits: meta.hiddenUnits,
    activation: meta.activation as ActivationName,
  });
}

function shapeProblem(name: ParamName, actual: readonly number[], expected: readonly number[]): string | undefined {
  if (actual.length === expected.length && actual.every((d, i) => d === expected[i])) return undefined;
  const [is, should] = [actual, expected].map((s) => `[${s.join(',')}]`);
  return `${name} has shape ${is} but the metadata says ${should} (${SHAPE_MEANING[name]})`;
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

  const { vocab, activation, context, embeddingDim, hiddenUnits, init, provenance } = raw;
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
  if (typeof activation !== 'string' || !(ACTIVATIONS as readonly string[]).includes(activation)) {
    throw bad('activation', `one of ${ACTIVATIONS.join(', ')}`, activation);
  }
  for (const [field, v] of Object.entries({ context, embeddingDim, hiddenUnits })) {
    if (!isPositiveInteger(v)) throw bad(field, 'a positive integer', v);
  }
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
    vocab,
    activation,
    context: context as number,
    embeddingDim: embeddingDim as number,
    hiddenUnits: hiddenUnits as number,
    ...(init !== undefined && { init }),
    provenance: provenance as ModelMeta['provenance'],
    format: MODEL_FORMAT,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPositiveInteger(v: unknown): boolean {
  return Number.isSafeInteger(v) && (v as number) > 0;
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  const text = JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
