// A small .npy writer for tests, independent of the reader: it builds headers the way numpy does
// (versions 1.0, 2.0 and 3.0, padded so the data starts at a multiple of 64) and encodes values of
// every dtype the reader supports, in either byte order and in C or Fortran order.

export interface NpyWriteOptions {
  /** e.g. '<i4', '>f8', '|b1', '<U5'. */
  descr: string;
  shape: number[];
  /** The values in C (row-major) order; written in Fortran order when `fortranOrder` is set. */
  values: ArrayLike<number | bigint | string | boolean>;
  fortranOrder?: boolean;
  version?: 1 | 2 | 3;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** The header dict as numpy writes it. */
export function npyHeaderText(descr: string, shape: readonly number[], fortranOrder = false): string {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  return `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${dims}, }`;
}

/** Preamble + header (padded with spaces and a final newline to a multiple of 64) + data. */
export function npyFromParts(headerText: string, data: Uint8Array, version: 1 | 2 | 3 = 1, pad = true): Uint8Array {
  const headerStart = version === 1 ? 10 : 12;
  const encoded = new TextEncoder().encode(headerText); // UTF-8; the same as latin1 for ASCII
  let total = headerStart + encoded.length + 1;
  if (pad) total = Math.ceil(total / 64) * 64;
  const headerLen = total - headerStart;
  const header = new Uint8Array(headerLen).fill(0x20);
  header.set(encoded, 0);
  header[headerLen - 1] = 0x0a;
  const out = new Uint8Array(total + data.length);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, headerLen, true);
  else view.setUint32(8, headerLen, true);
  out.set(header, headerStart);
  out.set(data, total);
  return out;
}

/** C-order values reordered into Fortran order (first axis fastest). */
export function cToFortran<T>(values: ArrayLike<T>, shape: readonly number[]): T[] {
  const n = values.length;
  const out = new Array<T>(n);
  for (let c = 0; c < n; c++) {
    // Unravel the C index into a multi-index, then ravel it in Fortran order.
    let rest = c;
    const idx = new Array<number>(shape.length);
    for (let a = shape.length - 1; a >= 0; a--) {
      idx[a] = rest % shape[a];
      rest = Math.floor(rest / shape[a]);
    }
    let f = 0;
    for (let a = shape.length - 1; a >= 0; a--) f = f * shape[a] + idx[a];
    out[f] = values[c];
  }
  return out;
}

/** Encodes values (already in storage order) for a descriptor. */
export function encodeValues(descr: string, values: ArrayLike<number | bigint | string | boolean>): Uint8Array {
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  if (!m) throw new Error(`npyWriter: unsupported descr ${descr}`);
  const little = m[1] !== '>';
  const kind = m[2];
  const size = Number(m[3]);
  const itemSize = kind === 'U' ? size * 4 : size;
  const out = new Uint8Array(values.length * itemSize);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const o = i * itemSize;
    switch (`${kind}${kind === 'U' ? '' : size}`) {
      case 'b1': view.setUint8(o, v ? 1 : 0); break;
      case 'i1': view.setInt8(o, Number(v)); break;
      case 'u1': view.setUint8(o, Number(v)); break;
      case 'i2': view.setInt16(o, Number(v), little); break;
      case 'u2': view.setUint16(o, Number(v), little); break;
      case 'i4': view.setInt32(o, Number(v), little); break;
      case 'u4': view.setUint32(o, Number(v), little); break;
      case 'i8': view.setBigInt64(o, BigInt(v as number | bigint), little); break;
      case 'u8': view.setBigUint64(o, BigInt(v as number | bigint), little); break;
      case 'f4': view.setFloat32(o, Number(v), little); break;
      case 'f8': view.setFloat64(o, Number(v), little); break;
      case 'U': {
        const points = Array.from(String(v), (ch) => ch.codePointAt(0)!);
        if (points.length > size) throw new Error(`npyWriter: "${v}" is longer than ${size} code points`);
        points.forEach((p, k) => view.setUint32(o + k * 4, p, little));
        break;
      }
      default:
        throw new Error(`npyWriter: unsupported descr ${descr}`);
    }
  }
  return out;
}

export function npyBytes(opts: NpyWriteOptions): Uint8Array {
  const stored = opts.fortranOrder ? cToFortran(opts.values, opts.shape) : Array.from(opts.values);
  return npyFromParts(npyHeaderText(opts.descr, opts.shape, opts.fortranOrder), encodeValues(opts.descr, stored), opts.version ?? 1);
}
