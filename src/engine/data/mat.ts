// Our own reader for MATLAB level-5 MAT-files (MATLAB's -v6/-v7 formats, scipy.io.savemat,
// Octave -mat): numeric, logical, char, cell and struct arrays, compressed or not, either byte
// order. Every size read from the file is checked against the bytes that hold it before
// anything is allocated or looped over.
import * as zlib from 'zlib';
import { InputError } from '../errors';
import { readInputFile } from './inputFile';

export type MatNumericClass = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';
export type MatNumericData = Float64Array | Float32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

/** Numeric array, column-major. int64/uint64 arrays come as a Float64Array (exact up to 2^53). */
export interface MatNumeric {
  kind: 'numeric';
  class: MatNumericClass;
  dims: number[];
  data: MatNumericData;
  logical: boolean;
}
/** Char array; an r×c array is its r rows joined by "\n". */
export interface MatChar {
  kind: 'char';
  dims: number[];
  text: string;
}
/** Cell array, items in column-major order. */
export interface MatCell {
  kind: 'cell';
  dims: number[];
  items: MatValue[];
}
/** Struct array: each field holds one value per element, in column-major order. */
export interface MatStruct {
  kind: 'struct';
  dims: number[];
  fields: Record<string, MatValue[]>;
}
export type MatValue = MatNumeric | MatChar | MatCell | MatStruct;

// Data types (miXXX) and array classes (mxXXX_CLASS) from the MAT-file format specification.
const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15, UTF8: 16, UTF16: 17, UTF32: 18 } as const;
const MX: Record<number, string> = { 1: 'cell', 2: 'struct', 3: 'object', 4: 'char', 5: 'sparse', 6: 'double', 7: 'single', 8: 'int8', 9: 'uint8', 10: 'int16', 11: 'uint16', 12: 'int32', 13: 'uint32', 14: 'int64', 15: 'uint64', 16: 'function', 17: 'opaque' };
const FLAG_COMPLEX = 0x0800;
const FLAG_LOGICAL = 0x0200;

type Getter = (v: DataView, offset: number, little: boolean) => number | bigint;
/** Byte size and reader of each numeric storage type. */
const STORAGE: Record<number, [number, Getter]> = {
  [MI.INT8]: [1, (v, o) => v.getInt8(o)],
  [MI.UINT8]: [1, (v, o) => v.getUint8(o)],
  [MI.INT16]: [2, (v, o, le) => v.getInt16(o, le)],
  [MI.UINT16]: [2, (v, o, le) => v.getUint16(o, le)],
  [MI.INT32]: [4, (v, o, le) => v.getInt32(o, le)],
  [MI.UINT32]: [4, (v, o, le) => v.getUint32(o, le)],
  [MI.SINGLE]: [4, (v, o, le) => v.getFloat32(o, le)],
  [MI.DOUBLE]: [8, (v, o, le) => v.getFloat64(o, le)],
  [MI.INT64]: [8, (v, o, le) => v.getBigInt64(o, le)],
  [MI.UINT64]: [8, (v, o, le) => v.getBigUint64(o, le)],
};
const CLASS_ARRAY: Record<MatNumericClass, new (n: number) => MatNumericData> = {
  double: Float64Array,
  single: Float32Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: Float64Array,
  uint64: Float64Array,
};

/** A decompressed element may not exceed this (a zip-bomb guard). */
const MAX_INFLATED = 1 << 30;
/** Cells and structs nest; a forged file must not exhaust the stack. */
const MAX_DEPTH = 32;

export function readMat(file: string): Map<string, MatValue> {
  return parseMat(readInputFile(file), file);
}

/** The file's variables by name, in file order. */
export function parseMat(bytes: Uint8Array, file: string): Map<string, MatValue> {
  if (bytes.length === 0) throw new InputError(file, 'is empty');
  if (bytes.length < 128) throw new InputError(file, `is too short for a MAT-file header (${bytes.length} of 128 bytes)`);
  // Bytes 126–127 read "IM" when the writer was little-endian, "MI" when big-endian.
  const endian = String.fromCharCode(bytes[126], bytes[127]);
  if (endian !== 'IM' && endian !== 'MI') throw new InputError(file, 'is not a MATLAB level-5 MAT-file (no endian indicator at byte 126)');
  const little = endian === 'IM';
  const version = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint16(124, little);
  if (version === 0x0200) throw new InputError(file, 'is a MATLAB v7.3 (HDF5) MAT-file, which is not supported; save it with -v7');
  if (version !== 0x0100) throw new InputError(file, `has MAT-file version 0x${version.toString(16).padStart(4, '0')}, not 0x0100 (level 5)`);

  const top = new Reader(bytes, little, file, '');
  const vars = new Map<string, MatValue>();
  for (let pos = 128; pos < bytes.length; ) {
    let el = top.element(pos, bytes.length);
    pos = el.next;
    let reader = top;
    if (el.type === MI.COMPRESSED) {
      // A compressed element holds one zlib stream that inflates to one miMATRIX element.
      reader = inflate(top, el.at, el.start, el.size);
      el = reader.element(0, reader.bytes.length);
    }
    if (el.type !== MI.MATRIX) reader.fail(el.at, `unexpected top-level data type ${el.type} (variables are matrices)`);
    if (el.size === 0) continue;
    const { name, value } = reader.matrix(el.start, el.start + el.size, 0);
    vars.set(name, value);
  }
  return vars;
}

function inflate(outer: Reader, at: number, start: number, size: number): Reader {
  let inflated: Uint8Array;
  try {
    inflated = zlib.inflateSync(outer.bytes.subarray(start, start + size), { maxOutputLength: MAX_INFLATED });
  } catch (e) {
    throw new InputError(outer.file, `compressed element at byte ${at} does not inflate (${(e as Error).message})`);
  }
  return new Reader(inflated, outer.little, outer.file, ` inside the compressed element at byte ${at}`);
}

interface Element {
  type: number;
  /** Where the tag starts. */
  at: number;
  /** Where the data starts and how many bytes it has (padding excluded). */
  start: number;
  size: number;
  /** Where the next element's tag starts. */
  next: number;
}

class Reader {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly little: boolean,
    readonly file: string,
    /** Appended to byte positions, so errors inside inflated data say where that data came from. */
    private readonly where: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(pos: number, problem: string): never {
    throw new InputError(this.file, `${problem} (at byte ${pos}${this.where})`);
  }

  /** The data element whose tag starts at `pos`; its data must end by `end`. */
  element(pos: number, end: number): Element {
    if (pos + 8 > end) this.fail(pos, `truncated data element: ${end - pos} bytes left where an 8-byte tag was expected`);
    const first = this.view.getUint32(pos, this.little);
    const small = first >>> 16;
    if (small !== 0) {
      // Small data element format: size and type packed into 4 bytes, data in the next 4.
      if (small > 4) this.fail(pos, `small data element claims ${small} bytes (at most 4 fit)`);
      return { type: first & 0xffff, at: pos, start: pos + 4, size: small, next: pos + 8 };
    }
    const size = this.view.getUint32(pos + 4, this.little);
    const start = pos + 8;
    if (size > end - start) this.fail(pos, `data element of ${size} bytes runs past the end of its data (${end - start} bytes left)`);
    // Data is padded to 8 bytes, except compressed data; a missing final pad is tolerated.
    const padded = first === MI.COMPRESSED ? size : Math.ceil(size / 8) * 8;
    return { type: first, at: pos, start, size, next: Math.min(end, start + padded) };
  }

  /** A numeric element's values stored into a new array of the given class. */
  numbers(el: Element, cls: MatNumericClass): MatNumericData {
    const storage = STORAGE[el.type];
    if (!storage) this.fail(el.at, `data type ${el.type} is not numeric`);
    const [item, get] = storage;
    if (el.size % item !== 0) this.fail(el.at, `${el.size} bytes is not a whole number of ${item}-byte values`);
    const n = el.size / item;
    const out = new CLASS_ARRAY[cls](n);
    const exact = cls !== 'double' && cls !== 'single';
    for (let i = 0, o = el.start; i < n; i++, o += item) {
      const raw = get(this.view, o, this.little);
      const v = typeof raw === 'bigint' ? this.safeNumber(raw, el) : raw;
      out[i] = v;
      // MATLAB stores values in the smallest type that holds them; anything that does not
      // survive the trip into the array's class is a corrupt file, not a rounding matter.
      if (exact && out[i] !== v) this.fail(el.at, `value ${v} does not fit the array's class ${cls}`);
    }
    return out;
  }

  private safeNumber(v: bigint, el: Element): number {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
      this.fail(el.at, `64-bit integer ${v} is beyond 2^53, which a JavaScript number cannot hold exactly`);
    }
    return Number(v);
  }

  /** A miMATRIX element's data, in [start, end): flags, dims, name, then the class's parts. */
  matrix(start: number, end: number, depth: number): { name: string; value: MatValue } {
    if (depth > MAX_DEPTH) this.fail(start, `cells or structs nested deeper than ${MAX_DEPTH} levels`);
    let pos = start;
    const next = (what: string): Element => {
      if (pos >= end) this.fail(pos, `matrix ends before its ${what}`);
      const el = this.element(pos, end);
      pos = el.next;
      return el;
    };

    const flags = next('array flags');
    if (flags.type !== MI.UINT32 || flags.size !== 8) this.fail(flags.at, 'array flags are not two uint32 values');
    const word = this.view.getUint32(flags.start, this.little);
    const classId = word & 0xff;
    const className = MX[classId];
    if (!className) this.fail(flags.at, `unknown array class ${classId}`);

    const dimsEl = next('dimensions');
    if (dimsEl.type !== MI.INT32 || dimsEl.size < 4 || dimsEl.size % 4 !== 0) this.fail(dimsEl.at, 'dimensions are not int32 values');
    const dims = Array.from(this.numbers(dimsEl, 'int32'));
    if (dims.some((d) => d < 0)) this.fail(dimsEl.at, `negative dimension in [${dims.join(', ')}]`);
    const count = dims.reduce((a, b) => a * b, 1);

    const nameEl = next('name');
    if (nameEl.type !== MI.INT8 && nameEl.type !== MI.UINT8) this.fail(nameEl.at, 'array name is not int8 text');
    const name = latin1(this.bytes.subarray(nameEl.start, nameEl.start + nameEl.size));
    const label = name ? `variable "${name}"` : 'array';

    switch (className) {
      case 'cell': {
        // Each item needs at least an 8-byte tag: reject forged counts before looping.
        if (count > (end - pos) / 8) this.fail(pos, `cell of ${count} items does not fit in its ${end - pos} bytes`);
        const items: MatValue[] = [];
        for (let i = 0; i < count; i++) items.push(this.child(next('cell items'), depth));
        return { name, value: { kind: 'cell', dims, items } };
      }
      case 'struct': {
        const lenEl = next('field name length');
        if (lenEl.type !== MI.INT32 || lenEl.size !== 4) this.fail(lenEl.at, 'struct field name length is not one int32');
        const width = this.view.getInt32(lenEl.start, this.little);
        const namesEl = next('field names');
        if (namesEl.type !== MI.INT8 || width <= 0 || namesEl.size % width !== 0) this.fail(namesEl.at, 'struct field names are malformed');
        const fieldNames: string[] = [];
        for (let o = 0; o < namesEl.size; o += width) {
          const raw = this.bytes.subarray(namesEl.start + o, namesEl.start + o + width);
          const zero = raw.indexOf(0);
          fieldNames.push(latin1(zero >= 0 ? raw.subarray(0, zero) : raw));
        }
        if (new Set(fieldNames).size !== fieldNames.length) this.fail(namesEl.at, 'struct has a repeated field name');
        if (count * fieldNames.length > (end - pos) / 8) this.fail(pos, `struct of ${count} × ${fieldNames.length} fields does not fit in its ${end - pos} bytes`);
        const fields: Record<string, MatValue[]> = Object.create(null);
        for (const f of fieldNames) fields[f] = [];
        for (let i = 0; i < count; i++) {
          for (const f of fieldNames) fields[f].push(this.child(next(`field ${f}`), depth));
        }
        return { name, value: { kind: 'struct', dims, fields } };
      }
      case 'char': {
        const el = next('characters');
        const text = this.chars(el);
        // MATLAB counts UTF-16 units; scipy counts the code points of the UTF-8 data it writes.
        const chars = text.length === count ? text : Array.from(text);
        if (chars.length !== count) this.fail(el.at, `char ${label} has ${chars.length} characters for dimensions [${dims.join(', ')}]`);
        return { name, value: { kind: 'char', dims, text: charRows(chars, dims[0]) } };
      }
      case 'object':
      case 'sparse':
      case 'function':
      case 'opaque':
        return this.fail(flags.at, `${label} is a MATLAB ${className} array, which is not supported`);
      default: {
        if (word & FLAG_COMPLEX) this.fail(flags.at, `${label} is complex, which is not supported`);
        const el = next('real part');
        const data = this.numbers(el, className as MatNumericClass);
        if (data.length !== count) this.fail(el.at, `${label} has ${data.length} values for dimensions [${dims.join(', ')}]`);
        return { name, value: { kind: 'numeric', class: className as MatNumericClass, dims, data, logical: (word & FLAG_LOGICAL) !== 0 } };
      }
    }
  }

  /** A cell item or struct field: a nested matrix, where an empty element means []. */
  private child(el: Element, depth: number): MatValue {
    if (el.type !== MI.MATRIX) this.fail(el.at, `cell item or struct field has data type ${el.type}, not a matrix`);
    if (el.size === 0) return { kind: 'numeric', class: 'double', dims: [0, 0], data: new Float64Array(0), logical: false };
    return this.matrix(el.start, el.start + el.size, depth + 1).value;
  }

  /** A char array's characters in storage (column-major) order, as UTF-16 code units like MATLAB's. */
  private chars(el: Element): string {
    const bytes = this.bytes.subarray(el.start, el.start + el.size);
    switch (el.type) {
      case MI.UTF8:
        return new TextDecoder('utf-8').decode(bytes);
      case MI.INT8:
      case MI.UINT8:
        return latin1(bytes);
      case MI.UINT16:
      case MI.UTF16: {
        const units = this.numbers(el, 'uint16');
        let s = '';
        for (let i = 0; i < units.length; i += 8192) s += String.fromCharCode(...units.subarray(i, i + 8192));
        return s;
      }
      case MI.UTF32: {
        if (el.size % 4 !== 0) this.fail(el.at, `${el.size} bytes is not a whole number of UTF-32 characters`);
        let s = '';
        for (let o = 0; o < el.size; o += 4) {
          const c = this.view.getUint32(el.start + o, this.little);
          s += String.fromCodePoint(c <= 0x10ffff ? c : 0xfffd);
        }
        return s;
      }
    }
    return this.fail(el.at, `char data has data type ${el.type}, not text`);
  }
}

/** Column-major characters (UTF-16 units or code points) of an r×… char array as its r rows joined by "\n". */
function charRows(text: string | string[], rows: number): string {
  if (rows <= 1) return typeof text === 'string' ? text : text.join('');
  const cols = text.length / rows;
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < cols; c++) line += text[c * rows + r];
    lines.push(line);
  }
  return lines.join('\n');
}

/** ISO-8859-1 (TextDecoder's "latin1" is really windows-1252). */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
