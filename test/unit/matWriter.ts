// A small MATLAB level-5 MAT-file writer for tests, independent of the reader: the 128-byte header
// ('IM' little-endian or 'MI' big-endian), miMATRIX elements for numeric, char, cell and struct
// arrays, optionally wrapped in miCOMPRESSED (zlib), with or without the small data element format.
import * as zlib from 'node:zlib';

export const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15, UTF8: 16, UTF16: 17, UTF32: 18 } as const;
export const MX = { cell: 1, struct: 2, object: 3, char: 4, sparse: 5, double: 6, single: 7, int8: 8, uint8: 9, int16: 10, uint16: 11, int32: 12, uint32: 13, int64: 14, uint64: 15 } as const;
export type NumericClass = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

const NATURAL: Record<NumericClass, number> = {
  double: MI.DOUBLE, single: MI.SINGLE, int8: MI.INT8, uint8: MI.UINT8, int16: MI.INT16, uint16: MI.UINT16,
  int32: MI.INT32, uint32: MI.UINT32, int64: MI.INT64, uint64: MI.UINT64,
};

export type MatSpec =
  /** `data` in column-major order; `miType` stores it as another type, as MATLAB does to save space. */
  | { kind: 'numeric'; cls: NumericClass; dims: number[]; data: ArrayLike<number>; miType?: number; logical?: boolean; complex?: boolean }
  /**
   * Rows of equal length (one row for a plain string), stored column-major as UTF-16 units (as
   * MATLAB does) or as UTF-8 counted in code points (as scipy does); `dims` overrides the dimensions.
   */
  | { kind: 'char'; rows: string[]; utf8?: boolean; dims?: number[] }
  | { kind: 'cell'; dims: number[]; items: MatSpec[] }
  /** A 1×1 struct. */
  | { kind: 'struct'; fields: [string, MatSpec][] }
  /** Exactly these element bytes as the matrix content (after flags/dims/name are NOT added). */
  | { kind: 'raw'; content: Uint8Array };

export interface MatWriteOptions {
  little?: boolean;
  compress?: boolean;
  /** Use the small data element format for payloads of 1–4 bytes (MATLAB and scipy do). */
  small?: boolean;
  headerText?: string;
  version?: number;
}

const opts = (o: MatWriteOptions) => ({ little: o.little ?? true, compress: o.compress ?? false, small: o.small ?? true });

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One data element: tag + payload, padded to 8 bytes (the small format when allowed and it fits). */
export function dataElement(type: number, payload: Uint8Array, o: MatWriteOptions = {}): Uint8Array {
  const { little, small } = opts(o);
  if (small && payload.length > 0 && payload.length <= 4) {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setUint32(0, (payload.length << 16) | type, little);
    out.set(payload, 4);
    return out;
  }
  const out = new Uint8Array(8 + Math.ceil(payload.length / 8) * 8);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, little);
  view.setUint32(4, payload.length, little);
  out.set(payload, 8);
  return out;
}

/** Numbers encoded as an mi type. */
export function encodeNumbers(type: number, values: ArrayLike<number>, little: boolean): Uint8Array {
  const size = { [MI.INT8]: 1, [MI.UINT8]: 1, [MI.INT16]: 2, [MI.UINT16]: 2, [MI.INT32]: 4, [MI.UINT32]: 4, [MI.SINGLE]: 4, [MI.DOUBLE]: 8, [MI.INT64]: 8, [MI.UINT64]: 8 }[type];
  if (!size) throw new Error(`matWriter: mi type ${type} is not numeric`);
  const out = new Uint8Array(values.length * size);
  const v = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    const o = i * size;
    switch (type) {
      case MI.INT8: v.setInt8(o, x); break;
      case MI.UINT8: v.setUint8(o, x); break;
      case MI.INT16: v.setInt16(o, x, little); break;
      case MI.UINT16: v.setUint16(o, x, little); break;
      case MI.INT32: v.setInt32(o, x, little); break;
      case MI.UINT32: v.setUint32(o, x, little); break;
      case MI.SINGLE: v.setFloat32(o, x, little); break;
      case MI.DOUBLE: v.setFloat64(o, x, little); break;
      case MI.INT64: v.setBigInt64(o, BigInt(x), little); break;
      case MI.UINT64: v.setBigUint64(o, BigInt(x), little); break;
    }
  }
  return out;
}

function header(name: string, cls: number, dims: number[], o: MatWriteOptions, flagBits = 0): Uint8Array {
  const { little } = opts(o);
  return concat([
    dataElement(MI.UINT32, encodeNumbers(MI.UINT32, [cls | flagBits, 0], little), o),
    dataElement(MI.INT32, encodeNumbers(MI.INT32, dims, little), o),
    dataElement(MI.INT8, new TextEncoder().encode(name), o),
  ]);
}

/** The content of a miMATRIX element (flags, dims, name, parts). */
export function matrixContent(name: string, spec: MatSpec, o: MatWriteOptions = {}): Uint8Array {
  const { little } = opts(o);
  switch (spec.kind) {
    case 'raw':
      return spec.content;
    case 'numeric': {
      const flags = (spec.logical ? 0x200 : 0) | (spec.complex ? 0x800 : 0);
      const type = spec.miType ?? NATURAL[spec.cls];
      const parts = [header(name, MX[spec.cls], spec.dims, o, flags), dataElement(type, encodeNumbers(type, spec.data, little), o)];
      if (spec.complex) parts.push(dataElement(type, encodeNumbers(type, spec.data, little), o));
      return concat(parts);
    }
    case 'char': {
      // Characters are UTF-16 units for MATLAB's uint16 data, code points for (scipy's) UTF-8.
      const chars = spec.rows.map((row) => (spec.utf8 ? Array.from(row) : row.split('')));
      const rows = chars.length;
      const cols = rows ? chars[0].length : 0;
      let columnMajor = '';
      for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) columnMajor += chars[r][c];
      const dims = spec.dims ?? (rows === 1 && cols === 0 ? [0, 0] : [rows, cols]);
      const data = spec.utf8
        ? dataElement(MI.UTF8, new TextEncoder().encode(columnMajor), o)
        : dataElement(MI.UINT16, encodeNumbers(MI.UINT16, Array.from({ length: columnMajor.length }, (_, i) => columnMajor.charCodeAt(i)), little), o);
      return concat([header(name, MX.char, dims, o), data]);
    }
    case 'cell':
      return concat([header(name, MX.cell, spec.dims, o), ...spec.items.map((item) => matrixElement('', item, o))]);
    case 'struct': {
      const fieldLen = Math.max(...spec.fields.map(([f]) => f.length)) + 1;
      const names = new Uint8Array(fieldLen * spec.fields.length);
      spec.fields.forEach(([f], i) => names.set(new TextEncoder().encode(f), i * fieldLen));
      return concat([
        header(name, MX.struct, [1, 1], o),
        dataElement(MI.INT32, encodeNumbers(MI.INT32, [fieldLen], little), o),
        dataElement(MI.INT8, names, o),
        ...spec.fields.map(([, value]) => matrixElement('', value, o)),
      ]);
    }
  }
}

/** A complete miMATRIX element (never compressed: sub-elements are not compressed separately). */
export function matrixElement(name: string, spec: MatSpec, o: MatWriteOptions = {}): Uint8Array {
  return dataElement(MI.MATRIX, matrixContent(name, spec, o), { ...o, small: false });
}

/** A miCOMPRESSED element holding `inner` (normally one whole miMATRIX element); no padding. */
export function compressedElement(inner: Uint8Array, o: MatWriteOptions = {}): Uint8Array {
  const { little } = opts(o);
  const z = zlib.deflateSync(inner);
  const out = new Uint8Array(8 + z.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, MI.COMPRESSED, little);
  view.setUint32(4, z.length, little);
  out.set(z, 8);
  return out;
}

/** The 128-byte header: descriptive text, subsystem offset, version and the endian indicator. */
export function matHeader(o: MatWriteOptions = {}): Uint8Array {
  const { little } = opts(o);
  const out = new Uint8Array(128).fill(0x20);
  const text = o.headerText ?? 'MATLAB 5.0 MAT-file, Platform: nlm-lab tests, Created on: Mon Nov 23 08:00:00 2026';
  out.set(new TextEncoder().encode(text).subarray(0, 116), 0);
  out.fill(0, 116, 124);
  const view = new DataView(out.buffer);
  view.setUint16(124, o.version ?? 0x0100, little);
  view.setUint16(126, 0x4d49, little); // 'MI' as a 16-bit value: reads "IM" in a little-endian file
  return out;
}

/** A whole MAT-file with these variables, in order. */
export function matFile(vars: [string, MatSpec][], o: MatWriteOptions = {}): Uint8Array {
  const { compress } = opts(o);
  return concat([matHeader(o), ...vars.map(([name, spec]) => (compress ? compressedElement(matrixElement(name, spec, o), o) : matrixElement(name, spec, o)))]);
}

/** A 1×n cell of char rows, as data.vocab. */
export function cellOfStrings(words: string[]): MatSpec {
  return { kind: 'cell', dims: [1, words.length], items: words.map((w) => ({ kind: 'char', rows: [w] }) as MatSpec) };
}

/** A CSC321-style struct `data`: rows are n-grams (0-based here), written as (context+1)×N, 1-based, column-major. */
export function dataStruct(vocab: string[], splits: { train: number[][]; valid: number[][]; test: number[][] }, cls: NumericClass = 'int32'): MatSpec {
  const matrix = (rows: number[][]): MatSpec => {
    const width = rows[0]?.length ?? 4;
    return { kind: 'numeric', cls, dims: [width, rows.length], data: rows.flatMap((r) => r.map((id) => id + 1)) };
  };
  return {
    kind: 'struct',
    fields: [
      ['testData', matrix(splits.test)],
      ['trainData', matrix(splits.train)],
      ['validData', matrix(splits.valid)],
      ['vocab', cellOfStrings(vocab)],
    ],
  };
}
