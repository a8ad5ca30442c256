// Our own reader for MATLAB level-5 MAT-files (what scipy.io.savemat and MATLAB's default -v7
// write): numeric, char, cell and struct arrays, compressed or not, either byte order. Every size
// read from the file is checked against the bytes that remain before anything is allocated.
import * as fs from 'fs';
import * as zlib from 'zlib';
import { InputError } from '../errors';

export type MatValue =
  | { kind: 'numeric'; className: string; dims: number[]; data: Float64Array }
  | { kind: 'char'; dims: number[]; text: string }
  | { kind: 'cell'; dims: number[]; items: MatValue[] }
  | { kind: 'struct'; dims: number[]; fields: Record<string, MatValue[]> };

const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15, UTF8: 16, UTF16: 17, UTF32: 18 };
const MX_CLASS: Record<number, string> = { 1: 'cell', 2: 'struct', 3: 'object', 4: 'char', 5: 'sparse', 6: 'double', 7: 'single', 8: 'int8', 9: 'uint8', 10: 'int16', 11: 'uint16', 12: 'int32', 13: 'uint32', 14: 'int64', 15: 'uint64' };
const ITEM: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8, 16: 1, 17: 2, 18: 4 };
/** A decompressed element may not exceed this (a zip bomb guard). */
const MAX_INFLATED = 1 << 30;

export function readMat(file: string): Map<string, MatValue> {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new InputError(file, `could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseMat(bytes, file);
}

export function parseMat(bytes: Uint8Array, file: string): Map<string, MatValue> {
  if (bytes.length === 0) throw new InputError(file, 'is empty');
  if (bytes.length < 128) throw new InputError(file, `is too short for a MAT-file header (${bytes.length} of 128 bytes)`);
  const endian = String.fromCharCode(bytes[126], bytes[127]);
  if (endian !== 'IM' && endian !== 'MI') {
    const text = new TextDecoder('latin1').decode(bytes.subarray(0, 10));
    if (text.startsWith('MATLAB 7.3') || bytes[0] === 0x89) throw new InputError(file, 'is a MATLAB v7.3 (HDF5) file; save it with -v7 or scipy.io.savemat');
    throw new InputError(file, 'is not a MATLAB level-5 MAT-file (no endian indicator at byte 126)');
  }
  const reader = new Reader(bytes, endian === 'IM', file);
  const vars = new Map<string, MatValue>();
  let pos = 128;
  while (pos + 8 <= bytes.length) {
    const el = reader.element(pos);
    pos = el.next;
    const matrix = el.type === MI.COMPRESSED ? inflateMatrix(reader, el.start, el.size) : el.type === MI.MATRIX ? { reader, start: el.start, size: el.size } : undefined;
    if (!matrix) continue;
    if (matrix.size === 0) continue;
    const { name, value } = matrix.reader.matrix(matrix.start, matrix.size);
    vars.set(name, value);
  }
  return vars;
}

function inflateMatrix(reader: Reader, start: number, size: number): { reader: Reader; start: number; size: number } {
  let inflated: Uint8Array;
  try {
    inflated = zlib.inflateSync(reader.bytes.subarray(start, start + size), { maxOutputLength: MAX_INFLATED });
  } catch (e) {
    throw new InputError(reader.file, `compressed element at byte ${start - 8} does not inflate (${(e as Error).message})`);
  }
  const inner = new Reader(inflated, reader.little, reader.file, `inside the compressed element at byte ${start - 8}`);
  if (inflated.length < 8) throw new InputError(reader.file, `compressed element at byte ${start - 8} holds only ${inflated.length} bytes`);
  const el = inner.element(0);
  if (el.type !== MI.MATRIX) throw new InputError(reader.file, `compressed element at byte ${start - 8} holds data type ${el.type}, not a matrix`);
  return { reader: inner, start: el.start, size: el.size };
}

class Reader {
  readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly little: boolean,
    readonly file: string,
    private readonly where = '',
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(pos: number, problem: string): never {
    throw new InputError(this.file, `${problem} at byte ${pos}${this.where ? ` ${this.where}` : ''}`);
  }

  /** A data element's tag (normal or small format) and where its data lies. */
  element(pos: number): { type: number; start: number; size: number; next: number } {
    if (pos + 8 > this.bytes.length) this.fail(pos, 'truncated data element tag');
    const first = this.view.getUint32(pos, this.little);
    const small = first >>> 16;
    if (small !== 0) {
      // Small data element: type and size packed into 4 bytes, data in the next 4.
      if (small > 4) this.fail(pos, `small data element claims ${small} bytes`);
      return { type: first & 0xffff, start: pos + 4, size: small, next: pos + 8 };
    }
    const size = this.view.getUint32(pos + 4, this.little);
    const start = pos + 8;
    if (start + size > this.bytes.length) this.fail(pos, `data element of ${size} bytes runs past the end of the file (${this.bytes.length - start} left)`);
    const padded = first === MI.COMPRESSED ? size : Math.ceil(size / 8) * 8;
    return { type: first, start, size, next: Math.min(this.bytes.length, start + padded) };
  }

  /** Numbers of a numeric sub-element, converted to float64. */
  numbers(pos: number, el: { type: number; start: number; size: number }): Float64Array {
    const item = ITEM[el.type];
    if (!item || el.type >= MI.UTF8) this.fail(pos, `data type ${el.type} is not numeric`);
    if (el.size % item !== 0) this.fail(pos, `${el.size} bytes is not a whole number of ${item}-byte values`);
    const n = el.size / item;
    const out = new Float64Array(n);
    const v = this.view;
    const le = this.little;
    for (let i = 0, o = el.start; i < n; i++, o += item) {
      switch (el.type) {
        case MI.INT8: out[i] = v.getInt8(o); break;
        case MI.UINT8: out[i] = v.getUint8(o); break;
        case MI.INT16: out[i] = v.getInt16(o, le); break;
        case MI.UINT16: out[i] = v.getUint16(o, le); break;
        case MI.INT32: out[i] = v.getInt32(o, le); break;
        case MI.UINT32: out[i] = v.getUint32(o, le); break;
        case MI.SINGLE: out[i] = v.getFloat32(o, le); break;
        case MI.DOUBLE: out[i] = v.getFloat64(o, le); break;
        case MI.INT64: out[i] = Number(v.getBigInt64(o, le)); break;
        case MI.UINT64: out[i] = Number(v.getBigUint64(o, le)); break;
      }
    }
    return out;
  }

  /** A miMATRIX element's content: flags, dims, name, then the class-specific parts. */
  matrix(start: number, size: number): { name: string; value: MatValue } {
    const end = start + size;
    let pos = start;
    const next = () => {
      if (pos + 8 > end) this.fail(pos, 'matrix element ends too early');
      const el = this.element(pos);
      if (el.start + el.size > end) this.fail(pos, 'sub-element runs past its matrix');
      const at = pos;
      pos = el.next;
      return { ...el, at };
    };
    const flags = next();
    if (flags.size < 8) this.fail(flags.at, 'array flags are too short');
    const classId = this.view.getUint32(flags.start, this.little) & 0xff;
    const complex = (this.view.getUint32(flags.start, this.little) & 0x0800) !== 0;
    const className = MX_CLASS[classId];
    if (!className) this.fail(flags.at, `unknown array class ${classId}`);
    const dimsEl = next();
    const dims = Array.from(this.numbers(dimsEl.at, dimsEl));
    if (dims.some((d) => !Number.isInteger(d) || d < 0)) this.fail(dimsEl.at, `invalid dimensions [${dims.join(', ')}]`);
    const count = dims.reduce((a, b) => a * b, 1);
    const nameEl = next();
    const name = new TextDecoder('latin1').decode(this.bytes.subarray(nameEl.start, nameEl.start + nameEl.size));
    switch (className) {
      case 'cell': {
        if (count > (end - pos) / 8) this.fail(pos, `cell of ${count} items does not fit in ${end - pos} bytes`);
        const items: MatValue[] = [];
        for (let i = 0; i < count; i++) {
          const el = next();
          if (el.type !== MI.MATRIX) this.fail(el.at, 'cell item is not a matrix');
          items.push(el.size === 0 ? { kind: 'numeric', className: 'double', dims: [0, 0], data: new Float64Array(0) } : this.matrix(el.start, el.size).value);
        }
        return { name, value: { kind: 'cell', dims, items } };
      }
      case 'struct': {
        const lenEl = next();
        const fieldLen = this.numbers(lenEl.at, lenEl)[0];
        const namesEl = next();
        if (!(fieldLen > 0) || namesEl.size % fieldLen !== 0) this.fail(namesEl.at, 'struct field names are malformed');
        const fieldNames: string[] = [];
        for (let o = 0; o < namesEl.size; o += fieldLen) {
          const raw = this.bytes.subarray(namesEl.start + o, namesEl.start + o + fieldLen);
          const zero = raw.indexOf(0);
          fieldNames.push(new TextDecoder('latin1').decode(zero >= 0 ? raw.subarray(0, zero) : raw));
        }
        if (count * fieldNames.length > (end - pos) / 8) this.fail(pos, 'struct fields do not fit in their element');
        const fields: Record<string, MatValue[]> = Object.create(null);
        for (const f of fieldNames) fields[f] = [];
        for (let i = 0; i < count; i++) {
          for (const f of fieldNames) {
            const el = next();
            if (el.type !== MI.MATRIX) this.fail(el.at, `struct field ${f} is not a matrix`);
            fields[f].push(el.size === 0 ? { kind: 'numeric', className: 'double', dims: [0, 0], data: new Float64Array(0) } : this.matrix(el.start, el.size).value);
          }
        }
        return { name, value: { kind: 'struct', dims, fields } };
      }
      case 'char': {
        const el = next();
        let text: string;
        if (el.type === MI.UTF8) text = new TextDecoder('utf-8').decode(this.bytes.subarray(el.start, el.start + el.size));
        else text = String.fromCodePoint(...Array.from(this.numbers(el.at, el), (c) => (c >= 0 && c <= 0x10ffff ? c : 0xfffd)));
        // Column-major: an r×c char matrix is read column by column; rows are what users mean.
        const rows = dims[0] ?? 1;
        const cols = rows > 0 ? text.length / rows : 0;
        const lines: string[] = [];
        for (let r = 0; r < rows; r++) {
          let line = '';
          for (let c = 0; c < cols; c++) line += text[c * rows + r] ?? '';
          lines.push(line);
        }
        return { name, value: { kind: 'char', dims, text: lines.join('\n') } };
      }
      case 'object':
      case 'sparse':
        this.fail(flags.at, `${className} arrays are not supported`);
        break;
      default: {
        if (complex) this.fail(flags.at, `variable "${name}" is complex`);
        const el = next();
        const data = this.numbers(el.at, el);
        if (data.length !== count) this.fail(el.at, `variable "${name}" has ${data.length} values for dimensions [${dims.join(', ')}]`);
        return { name, value: { kind: 'numeric', className, dims, data } };
      }
    }
    return this.fail(start, 'unreachable');
  }
}
