// Our own .npy reader (format 1.0–3.0). The header is a Python dict literal, parsed here without
// evaluating anything; sizes are checked against the file before any allocation.
import * as fs from 'fs';
import { InputError } from '../errors';


export interface NpyArray {
  /** The dtype descriptor as written in the file, e.g. "<i4" or "<U10". */
  descr: string;
  shape: number[];
  /** Values in C (row-major) order, whatever order the file used. */
  data: number[] | Float64Array | string[];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function readNpy(file: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new InputError(file, `could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseNpy(bytes, file);
}

export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  if (bytes.length === 0) throw new InputError(file, 'is empty');
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new InputError(file, 'is not a .npy file (wrong magic bytes)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new InputError(file, 'is truncated inside the .npy preamble');
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else throw new InputError(file, `uses .npy format version ${major}.${bytes[7]}, which is not supported (1.0–3.0 are)`);
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) throw new InputError(file, `is truncated: the header claims ${headerLen} bytes but the file has ${bytes.length - headerStart} left`);
  const headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const header = parseHeader(headerText, file);
  const dtype = parseDescr(header.descr, file);
  const count = header.shape.reduce((a, b) => a * b, 1);
  const available = bytes.length - dataStart;
  if (!Number.isSafeInteger(count) || count * dtype.itemSize !== available) {
    throw new InputError(
      file,
      `shape (${header.shape.join(', ')}) of ${header.descr} needs ${count * dtype.itemSize} data bytes but the file has ${available}`,
    );
  }
  const raw = new DataView(bytes.buffer, bytes.byteOffset + dataStart, available);
  const flat = dtype.read(raw, count);
  const data = header.fortranOrder && header.shape.length > 1 ? toCOrder(flat, header.shape) : flat;
  return { descr: header.descr, shape: header.shape, data };
}

interface Header {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/** Parses "{'descr': '<i4', 'fortran_order': False, 'shape': (372500, 3), }". */
function parseHeader(text: string, file: string): Header {
  const fail = (why: string): never => {
    throw new InputError(file, `has a malformed .npy header (${why}): ${JSON.stringify(text.trim().slice(0, 120))}`);
  };
  const body = /^\s*\{(.*)\}\s*$/s.exec(text);
  if (!body) fail('not a dict');
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(body![1]);
  const order = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(body![1]);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(body![1]);
  if (!descr) fail('no descr');
  if (!order) fail('no fortran_order');
  if (!shape) fail('no shape');
  const dims = shape![1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (/^\d+L?$/.test(s) ? Number.parseInt(s, 10) : fail(`shape entry "${s}" is not a non-negative integer`)));
  return { descr: descr![1], fortranOrder: order![1] === 'True', shape: dims };
}

interface DType {
  itemSize: number;
  read(view: DataView, count: number): number[] | Float64Array | string[];
}

function parseDescr(descr: string, file: string): DType {
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  if (!m) throw new InputError(file, `has dtype "${descr}", which is not supported (integers, floats, bool and unicode strings are)`);
  const little = m[1] !== '>';
  const kind = m[2];
  const size = Number(m[3]);
  const numbers = (get: (v: DataView, o: number) => number): DType => ({
    itemSize: size,
    read(view, count) {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = get(view, i * size);
      return out;
    },
  });
  const big = (get: (v: DataView, o: number) => bigint): DType => ({
    itemSize: 8,
    read(view, count) {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const v = get(view, i * 8);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
          throw new InputError(file, `holds the 64-bit integer ${v} at index ${i}, beyond what this reader represents exactly`);
        }
        out[i] = Number(v);
      }
      return out;
    },
  });
  switch (`${kind}${size}`) {
    case 'i1':
      return numbers((v, o) => v.getInt8(o));
    case 'u1':
    case 'b1':
      return numbers((v, o) => v.getUint8(o));
    case 'i2':
      return numbers((v, o) => v.getInt16(o, little));
    case 'u2':
      return numbers((v, o) => v.getUint16(o, little));
    case 'i4':
      return numbers((v, o) => v.getInt32(o, little));
    case 'u4':
      return numbers((v, o) => v.getUint32(o, little));
    case 'i8':
      return big((v, o) => v.getBigInt64(o, little));
    case 'u8':
      return big((v, o) => v.getBigUint64(o, little));
    case 'f4':
      return numbers((v, o) => v.getFloat32(o, little));
    case 'f8':
      return numbers((v, o) => v.getFloat64(o, little));
  }
  if (kind === 'U' && size > 0) {
    return {
      itemSize: size * 4,
      read(view, count) {
        const out: string[] = [];
        for (let i = 0; i < count; i++) {
          let s = '';
          for (let c = 0; c < size; c++) {
            const code = view.getUint32((i * size + c) * 4, little);
            if (code === 0) break;
            if (code > 0x10ffff) throw new InputError(file, `string ${i} holds an invalid code point ${code}`);
            s += String.fromCodePoint(code);
          }
          out.push(s);
        }
        return out;
      },
    };
  }
  if (kind === 'O') throw new InputError(file, 'holds Python objects (pickled data), which are never loaded');
  throw new InputError(file, `has dtype "${descr}", which is not supported (integers, floats, bool and unicode strings are)`);
}

/** Reorders Fortran (column-major) values into C (row-major) order. */
function toCOrder<T extends number[] | Float64Array | string[]>(flat: T, shape: number[]): T {
  const n = flat.length;
  const out = (Array.isArray(flat) ? new Array(n) : new Float64Array(n)) as T;
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  for (let f = 0; f < n; f++) {
    // f walks Fortran order: the first axis varies fastest.
    let c = 0;
    for (let a = 0; a < rank; a++) c = c * shape[a] + index[a];
    out[c] = flat[f];
    for (let a = 0; a < rank; a++) {
      if (++index[a] < shape[a]) break;
      index[a] = 0;
    }
  }
  return out;
}

/** The array as integer word ids; names the file when values are not integers in int32 range. */
export function asIds(a: NpyArray, file: string): Int32Array {
  if (typeof a.data[0] === 'string') throw new InputError(file, `holds strings (${a.descr}) where integer word ids were expected`);
  const data = a.data as Float64Array | number[];
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
      throw new InputError(file, `holds ${v} at index ${i} where an integer word id was expected (dtype ${a.descr})`);
    }
    out[i] = v;
  }
  return out;
}
