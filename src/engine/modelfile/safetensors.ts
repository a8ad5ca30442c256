// The safetensors container (https://github.com/huggingface/safetensors): an 8-byte little-endian
// header length N, N bytes of UTF-8 JSON describing each tensor, then the raw tensor bytes.
// We write F32 only; we read the float dtypes and hand every tensor back as a fresh Float32Array.
import * as fs from 'fs';
import { InputError } from '../errors';
import { sizeOf, Tensor } from '../tensor';

export interface DecodedTensor {
  /** The dtype stored in the file; `data` is converted to float32 whatever it is. */
  readonly dtype: string;
  readonly shape: number[];
  readonly data: Float32Array;
}

export interface DecodedSafetensors {
  readonly tensors: Map<string, DecodedTensor>;
  readonly metadata: Record<string, string>;
}

const METADATA_KEY = '__metadata__';
/** The reference implementation refuses larger headers; so do we, before allocating anything. */
const MAX_HEADER_BYTES = 100_000_000;
/** The data section starts 8-byte aligned when the header is padded to a multiple of 8. */
const HEADER_ALIGN = 8;

interface DTypeReader {
  readonly size: number;
  read(view: DataView, offset: number): number;
}

// DataView reads work at any offset and on any host byte order, so unaligned data is fine.
const READERS: Record<string, DTypeReader> = {
  F32: { size: 4, read: (v, o) => v.getFloat32(o, true) },
  F64: { size: 8, read: (v, o) => v.getFloat64(o, true) },
  F16: { size: 2, read: (v, o) => halfToFloat(v.getUint16(o, true)) },
  BF16: { size: 2, read: (v, o) => bfloat16ToFloat(v.getUint16(o, true)) },
};

export function encodeSafetensors(tensors: readonly Tensor[], metadata: Readonly<Record<string, string>>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA_KEY] = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (t.name === METADATA_KEY || Object.hasOwn(header, t.name)) {
      throw new Error(`safetensors: tensor name "${t.name}" is reserved or used twice`);
    }
    if (t.data.length !== sizeOf(t.shape)) {
      throw new Error(`safetensors: tensor "${t.name}" has ${t.data.length} values for shape [${t.shape.join(',')}]`);
    }
    const end = offset + t.data.length * 4;
    header[t.name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, end] };
    offset = end;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / HEADER_ALIGN) * HEADER_ALIGN;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i], true);
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array, file: string): DecodedSafetensors {
  const fail: Fail = (problem) => {
    throw new InputError(file, problem);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = checkedHeaderLength(bytes.length >= 8 ? view : undefined, bytes.length, fail);
  const header = parseHeader(bytes.subarray(8, 8 + headerLength), fail);

  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata = parseMetadata(header[METADATA_KEY], fail);
  const entries = Object.entries(header)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, info]) => parseEntry(name, info, dataLength, fail));

  // Tensors must tile the data section exactly: sorted by offset, each starts where the last ended.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const e of sorted) {
    if (e.begin !== covered) {
      const what = e.begin > covered ? 'leaves a gap after' : 'overlaps';
      fail(`tensor "${e.name}" starts at byte ${e.begin}, which ${what} the data before it (ending at byte ${covered})`);
    }
    covered = e.end;
  }
  if (covered !== dataLength) fail(`the tensors cover ${covered} bytes but the data section holds ${dataLength}`);

  const tensors = new Map<string, DecodedTensor>();
  for (const e of entries) {
    const data = new Float32Array(e.count);
    for (let i = 0, at = dataStart + e.begin; i < e.count; i++, at += e.reader.size) data[i] = e.reader.read(view, at);
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data });
  }
  return { tensors, metadata };
}

/**
 * The `__metadata__` of a safetensors file, reading only its first 8 + N bytes (the header length
 * and the JSON header), with the same checks as decodeSafetensors: a large file's tensors are
 * neither read nor validated.
 */
export function readSafetensorsMetadata(file: string): Record<string, string> {
  const fail: Fail = (problem) => {
    throw new InputError(file, problem);
  };
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    fail(`could not be read (${(e as Error).message})`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    const prefix = new Uint8Array(8);
    const got = readFully(fd, prefix, 0);
    const headerLength = checkedHeaderLength(got === 8 ? new DataView(prefix.buffer) : undefined, size, fail);
    const raw = new Uint8Array(headerLength);
    if (readFully(fd, raw, 8) !== headerLength) fail(`the safetensors header ends early (the file shrank while being read)`);
    return parseMetadata(parseHeader(raw, fail)[METADATA_KEY], fail);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads into `into` from `position` until it is full or the file ends; returns the bytes read. */
function readFully(fd: number, into: Uint8Array, position: number): number {
  let done = 0;
  while (done < into.length) {
    const n = fs.readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** The header length N the first 8 bytes declare (`prefix`, undefined when the file is shorter),
 *  checked against the file's size and the limit before anything is allocated. */
function checkedHeaderLength(prefix: DataView | undefined, fileSize: number, fail: Fail): number {
  if (!prefix) fail(`is ${fileSize} bytes long, too short for a safetensors file (8-byte header length missing)`);
  const declared = prefix.getBigUint64(0, true);
  if (declared > BigInt(fileSize - 8)) {
    fail(`safetensors header length ${declared} runs past the end of the file (${fileSize} bytes)`);
  }
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    fail(`safetensors header length ${declared} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  return Number(declared);
}

type Fail = (problem: string) => never;

interface Entry {
  name: string;
  dtype: string;
  reader: DTypeReader;
  shape: number[];
  count: number;
  begin: number;
  end: number;
}

function parseHeader(raw: Uint8Array, fail: Fail): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    fail('the safetensors header is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    fail(`the safetensors header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(parsed)) fail('the safetensors header is not a JSON object');
  return parsed;
}

function parseMetadata(value: unknown, fail: Fail): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) fail(`"${METADATA_KEY}" must be an object of strings`);
  const entries = Object.entries(value);
  for (const [key, v] of entries) {
    if (typeof v !== 'string') fail(`"${METADATA_KEY}" value "${key}" must be a string, not ${describe(v)}`);
  }
  // fromEntries defines own properties, so a "__proto__" key stays data rather than a prototype.
  return Object.fromEntries(entries) as Record<string, string>;
}

function parseEntry(name: string, info: unknown, dataLength: number, fail: Fail): Entry {
  if (!isPlainObject(info)) fail(`tensor "${name}" must be described by an object, not ${describe(info)}`);
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== 'string' || !Object.hasOwn(READERS, dtype)) {
    fail(`tensor "${name}" has dtype ${describe(dtype)}, which is not supported (expected one of ${Object.keys(READERS).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    fail(`tensor "${name}" has shape ${describe(shape)}; a shape must be an array of non-negative integers`);
  }
  const wellFormed = Array.isArray(offsets) && offsets.length === 2 && offsets.every(isNonNegativeInteger);
  if (!wellFormed || offsets[0] > offsets[1]) {
    fail(`tensor "${name}" has data_offsets ${describe(offsets)}; expected [begin, end] with 0 ≤ begin ≤ end`);
  }
  const [begin, end]: number[] = offsets;
  if (end > dataLength) {
    fail(`tensor "${name}" has data_offsets [${begin},${end}] beyond the end of the data section (${dataLength} bytes)`);
  }
  const reader = READERS[dtype];
  const count = sizeOf(shape);
  if (end - begin !== count * reader.size) {
    fail(`tensor "${name}" spans ${end - begin} bytes but ${dtype} shape [${shape.join(',')}] needs ${count * reader.size}`);
  }
  return { name, dtype, reader, shape: [...shape], count, begin, end };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonNegativeInteger(v: unknown): boolean {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

function describe(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const bf16Scratch = new DataView(new ArrayBuffer(4));

/** bfloat16 is the upper half of a float32. */
function bfloat16ToFloat(b: number): number {
  bf16Scratch.setUint32(0, b << 16);
  return bf16Scratch.getFloat32(0);
}
