// Our own .npy reader (format versions 1.0, 2.0 and 3.0). The header is a Python dict literal,
// read by a tiny literal parser that never evaluates anything; the data size the header implies
// is checked against the bytes actually in the file before anything is allocated.
import { InputError } from '../errors';
import { readInputFile } from './inputFile';

export type NpyData =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | string[];

export interface NpyArray {
  /** The dtype descriptor as written in the file, e.g. "<i4", "|b1" or "<U10". */
  dtype: string;
  shape: number[];
  /** Whether the file stored the values in Fortran (column-major) order. */
  fortranOrder: boolean;
  /**
   * The values, always in C (row-major) order whatever order the file used. int64/uint64 become a
   * Float64Array (exact, or an error beyond 2^53), bool a Uint8Array of 0/1, unicode a string[].
   */
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const SUPPORTED = 'bool, int8–int64, uint8–uint64, float32, float64 and unicode strings are';

export function readNpy(file: string): NpyArray {
  return parseNpy(readInputFile(file), file);
}

export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  if (bytes.length === 0) throw new InputError(file, 'is empty');
  if (MAGIC.some((b, i) => bytes[i] !== b)) throw new InputError(file, 'is not a .npy file (wrong magic bytes)');
  if (bytes.length < 8) throw new InputError(file, 'is truncated inside the .npy preamble');
  const [major, minor] = [bytes[6], bytes[7]];
  if (minor !== 0 || major < 1 || major > 3) {
    throw new InputError(file, `uses .npy format version ${major}.${minor}, which is not supported (1.0, 2.0 and 3.0 are)`);
  }
  // Version 1.0 has a 2-byte header length, 2.0 and 3.0 a 4-byte one; all little-endian.
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart) throw new InputError(file, 'is truncated inside the .npy preamble');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) {
    throw new InputError(file, `is truncated: the header claims ${headerLen} bytes but only ${bytes.length - headerStart} follow`);
  }
  const headerBytes = bytes.subarray(headerStart, dataStart);
  let headerText: string;
  try {
    headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(headerBytes);
  } catch {
    throw new InputError(file, 'has a .npy 3.0 header that is not valid UTF-8');
  }
  const header = parseHeader(headerText, file);
  const dtype = parseDtype(header.descr, file);

  // Exact arithmetic: a forged shape such as (10**12, 10**12) must give an error, not an overflow.
  const count = header.shape.reduce((a, d) => a * BigInt(d), 1n);
  const needed = count * BigInt(dtype.itemSize);
  const available = bytes.length - dataStart;
  if (needed !== BigInt(available)) {
    throw new InputError(
      file,
      `shape (${header.shape.join(', ')}) of ${header.descr} needs ${needed} data bytes but the file has ${available} after the header`,
    );
  }
  const flat = dtype.decode(bytes.subarray(dataStart), Number(count));
  const data = header.fortranOrder && header.shape.length > 1 ? fortranToC(flat, header.shape) : flat;
  return { dtype: header.descr, shape: header.shape, fortranOrder: header.fortranOrder, data };
}

/** Whether the array holds integers (signed or unsigned, any width). */
function isIntegerArray(a: NpyArray): boolean {
  return /^[<>|=][iu]\d+$/.test(a.dtype);
}

/**
 * The values as int32 word ids (the array's own data when it already is int32), for arrays of an
 * integer dtype. With `vocabSize`, every id must be in 0..vocabSize-1. Errors name the file and
 * the offending element.
 */
export function asIds(a: NpyArray, file: string, vocabSize?: number): Int32Array {
  if (!isIntegerArray(a)) throw new InputError(file, `has dtype ${a.dtype} where integer word ids were expected`);
  const data = a.data as Exclude<NpyData, string[]>;
  const hi = vocabSize === undefined ? 2147483647 : vocabSize - 1;
  const lo = vocabSize === undefined ? -2147483648 : 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < lo || v > hi) {
      const range = vocabSize === undefined ? 'the int32 range' : `the vocabulary (ids 0..${hi})`;
      throw new InputError(file, `word id ${v} at ${formatIndex(i, a.shape)} is outside ${range}`);
    }
  }
  return data instanceof Int32Array ? data : Int32Array.from(data);
}

/** A flat C-order index as a numpy index, e.g. [12, 2]. */
function formatIndex(flat: number, shape: readonly number[]): string {
  const idx: number[] = [];
  for (let a = shape.length - 1; a >= 0; a--) {
    idx.unshift(flat % shape[a]);
    flat = Math.floor(flat / shape[a]);
  }
  return `[${idx.join(', ')}]`;
}

interface Header {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

function parseHeader(text: string, file: string): Header {
  const fail = (why: string): never => {
    throw new InputError(file, `has a malformed .npy header (${why}): ${JSON.stringify(text.trim().slice(0, 120))}`);
  };
  let value: PyValue;
  try {
    value = parsePyLiteral(text);
  } catch (e) {
    if (e instanceof PySyntaxError) return fail(e.message);
    throw e;
  }
  if (!(value instanceof Map)) return fail('not a dict');
  const keys = [...value.keys()].sort().join(', ');
  if (keys !== 'descr, fortran_order, shape') return fail(`keys are {${keys}}, expected descr, fortran_order and shape`);
  const descr = value.get('descr');
  const order = value.get('fortran_order');
  const shape = value.get('shape');
  if (Array.isArray(descr)) throw new InputError(file, `has a structured dtype, which is not supported (${SUPPORTED})`);
  if (typeof descr !== 'string') return fail('descr is not a string');
  if (typeof order !== 'boolean') return fail('fortran_order is not True or False');
  if (!(shape instanceof PyTuple)) return fail('shape is not a tuple');
  const dims = shape.items.map((d) => {
    if (typeof d !== 'bigint') return fail('shape holds a non-integer');
    if (d < 0n) throw new InputError(file, `has a negative dimension ${d} in its shape`);
    if (d > BigInt(Number.MAX_SAFE_INTEGER)) throw new InputError(file, `has an impossible dimension ${d} in its shape`);
    return Number(d);
  });
  return { descr, fortranOrder: order, shape: dims };
}

interface DType {
  itemSize: number;
  /** Decodes `count` items from exactly count × itemSize bytes (already checked). */
  decode(bytes: Uint8Array, count: number): NpyData;
}

function parseDtype(descr: string, file: string): DType {
  const m = /^([<>|=])([a-zA-Z?])(\d*)$/.exec(descr);
  if (m && m[2] === 'O') throw new InputError(file, 'holds Python objects (pickled data), which are never loaded');
  if (!m) throw new InputError(file, `has dtype "${descr}", which is not supported (${SUPPORTED})`);
  // '|' (byte order not applicable) and '=' (native) both mean the writer's own order; numpy
  // only writes them for single-byte types, where the order does not matter.
  const swap = (m[1] === '<' && !HOST_LITTLE) || (m[1] === '>' && HOST_LITTLE);
  const size = Number(m[3]);
  const typed = <T extends NpyData>(make: (buf: ArrayBuffer) => T): DType => ({
    itemSize: size,
    decode: (bytes) => make(alignedCopy(bytes, swap ? size : 1)),
  });
  switch (`${m[2]}${size}`) {
    case 'b1':
      return { itemSize: 1, decode: (bytes) => Uint8Array.from(bytes, (b) => (b ? 1 : 0)) };
    case 'i1':
      return typed((b) => new Int8Array(b));
    case 'u1':
      return typed((b) => new Uint8Array(b));
    case 'i2':
      return typed((b) => new Int16Array(b));
    case 'u2':
      return typed((b) => new Uint16Array(b));
    case 'i4':
      return typed((b) => new Int32Array(b));
    case 'u4':
      return typed((b) => new Uint32Array(b));
    case 'f4':
      return typed((b) => new Float32Array(b));
    case 'f8':
      return typed((b) => new Float64Array(b));
    case 'i8':
    case 'u8': {
      const signed = m[2] === 'i';
      return typed((b) => int64ToNumbers(signed ? new BigInt64Array(b) : new BigUint64Array(b), file));
    }
  }
  if (m[2] === 'U' && size > 0) {
    return {
      itemSize: size * 4,
      decode: (bytes, count) => utf32Strings(new Uint32Array(alignedCopy(bytes, swap ? 4 : 1)), count, size, file),
    };
  }
  throw new InputError(file, `has dtype "${descr}", which is not supported (${SUPPORTED})`);
}

/** A fresh, aligned copy of the bytes, each `swapWidth`-byte item reversed when it is > 1. */
function alignedCopy(bytes: Uint8Array, swapWidth: number): ArrayBuffer {
  const out = new Uint8Array(bytes);
  for (let i = 0; swapWidth > 1 && i < out.length; i += swapWidth) {
    for (let a = i, b = i + swapWidth - 1; a < b; a++, b--) {
      const t = out[a];
      out[a] = out[b];
      out[b] = t;
    }
  }
  return out.buffer;
}

function int64ToNumbers(values: BigInt64Array | BigUint64Array, file: string): Float64Array {
  const out = new Float64Array(values.length);
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > max || v < -max) throw new InputError(file, `holds ${v} at flat index ${i}, beyond 2^53, which a JavaScript number cannot hold exactly`);
    out[i] = Number(v);
  }
  return out;
}

/** Fixed-width UTF-32 strings; numpy pads with NULs, which are stripped from the end. */
function utf32Strings(units: Uint32Array, count: number, width: number, file: string): string[] {
  const out = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const item = units.subarray(i * width, (i + 1) * width);
    let end = width;
    while (end > 0 && item[end - 1] === 0) end--;
    let s = '';
    for (let c = 0; c < end; c++) {
      const code = item[c];
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        throw new InputError(file, `string ${i} holds ${code}, which is not a Unicode code point`);
      }
      s += String.fromCodePoint(code);
    }
    out[i] = s;
  }
  return out;
}

/** Reorders Fortran-order values (first axis fastest) into C order (last axis fastest). */
function fortranToC<T extends NpyData>(flat: T, shape: readonly number[]): T {
  const n = flat.length;
  const out = (Array.isArray(flat) ? new Array<string>(n) : new (flat.constructor as new (n: number) => T)(n)) as T;
  const rank = shape.length;
  // Fortran strides: axis a advances the source index by the product of the earlier dims.
  const stride = new Array<number>(rank);
  for (let a = 0, s = 1; a < rank; a++) {
    stride[a] = s;
    s *= shape[a];
  }
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let c = 0; c < n; c++) {
    out[c] = flat[src];
    // Odometer over the C index, last axis fastest, keeping `src` in step.
    for (let a = rank - 1; a >= 0; a--) {
      if (++index[a] < shape[a]) {
        src += stride[a];
        break;
      }
      src -= stride[a] * (shape[a] - 1);
      index[a] = 0;
    }
  }
  return out;
}

// ---- A tiny Python literal parser: dicts, tuples, lists, strings, ints, True/False/None. ----

type PyValue = string | bigint | boolean | null | PyTuple | PyValue[] | Map<string, PyValue>;

class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

class PySyntaxError extends Error {}

const MAX_DEPTH = 16;

function parsePyLiteral(text: string): PyValue {
  let pos = 0;
  const fail = (why: string): never => {
    throw new PySyntaxError(`${why} at character ${pos}`);
  };
  const skip = () => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  const items = (close: string, depth: number): PyValue[] => {
    const out: PyValue[] = [];
    for (;;) {
      skip();
      if (text[pos] === close) break;
      out.push(value(depth + 1));
      skip();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== close) fail(pos < text.length ? `expected "," or "${close}"` : 'unexpected end');
    }
    pos++;
    return out;
  };
  const value = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    skip();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const dict = new Map<string, PyValue>();
      for (;;) {
        skip();
        if (text[pos] === '}') break;
        const key = value(depth + 1);
        if (typeof key !== 'string') fail('dict key is not a string');
        if (dict.has(key as string)) fail(`duplicate key "${key}"`);
        skip();
        if (text[pos++] !== ':') fail('expected ":"');
        dict.set(key as string, value(depth + 1));
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== '}') fail(pos < text.length ? 'expected "," or "}"' : 'unexpected end');
      }
      pos++;
      return dict;
    }
    if (c === '(') {
      pos++;
      return new PyTuple(items(')', depth));
    }
    if (c === '[') {
      pos++;
      return items(']', depth);
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, pos + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(pos + 1, end);
      if (s.includes('\\')) fail('escapes in strings are not supported');
      pos = end + 1;
      return s;
    }
    const word = /^(?:[-+]?\d+L?|True|False|None)/.exec(text.slice(pos, pos + 40));
    if (!word) return fail(c === undefined ? 'unexpected end' : `unexpected "${c}"`);
    pos += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return BigInt(word[0].replace(/L$/, '').replace(/^\+/, ''));
  };
  const result = value(0);
  skip();
  if (pos < text.length) fail('unexpected text after the literal');
  return result;
}
