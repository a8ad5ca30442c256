// Export to NumPy's .npz: a ZIP archive of .npy files, one per parameter of the model plus `vocab` as a
// fixed-width unicode array, so `np.load(path)['W1']` and `np.load(path)['vocab']` work without pickle.
// The ZIP and .npy writers are our own: both formats are small and Node has no ZIP writer.
import * as zlib from 'zlib';
import { modelDefinition } from '../models';
import { Tensor } from '../tensor';
import { writeFileAtomic } from './atomic';
import { SavedModel, savedShape } from './modelFile';

export function encodeNpz(m: SavedModel): Uint8Array {
  const shape = savedShape(m.meta);
  const names = modelDefinition(shape.kind).paramSpecs(shape).map((p) => p.name);
  return zip([
    ...names.map((name) => ({ name: `${name}.npy`, data: npyFloat32(m.params[name]) })),
    { name: 'vocab.npy', data: npyUnicode(m.meta.vocab) },
  ]);
}

export function exportNpz(file: string, m: SavedModel): void {
  writeFileAtomic(file, encodeNpz(m));
}

// ---- .npy (format version 1.0) ----

/** numpy pads the magic, version, length and header to a multiple of 64 bytes so data is aligned. */
const NPY_ALIGN = 64;

function npyFloat32(t: Tensor): Uint8Array {
  const body = new Uint8Array(t.data.length * 4);
  const view = new DataView(body.buffer);
  for (let i = 0; i < t.data.length; i++) view.setFloat32(i * 4, t.data[i], true);
  return npy('<f4', t.shape, body);
}

/** A '<U{n}' array: each word as n UTF-32LE code points, zero-padded. */
function npyUnicode(words: readonly string[]): Uint8Array {
  const points = words.map((w) => Array.from(w, (c) => c.codePointAt(0)!));
  // numpy never makes a zero-width string dtype: np.array(['']) is '<U1'.
  const width = Math.max(1, ...points.map((p) => p.length));
  const body = new Uint8Array(words.length * width * 4);
  const view = new DataView(body.buffer);
  points.forEach((p, i) => p.forEach((c, j) => view.setUint32((i * width + j) * 4, c, true)));
  return npy(`<U${width}`, [words.length], body);
}

function npy(descr: string, shape: readonly number[], body: Uint8Array): Uint8Array {
  // Python tuple syntax: (3,) for one dimension, (2, 3) for more.
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  const prefix = 10; // magic (6) + version (2) + header length (2)
  const headerLength = Math.ceil((prefix + dict.length + 1) / NPY_ALIGN) * NPY_ALIGN - prefix;
  const out = new Uint8Array(prefix + headerLength + body.length);
  out.set([0x93, ...Buffer.from('NUMPY', 'latin1'), 1, 0]);
  new DataView(out.buffer).setUint16(8, headerLength, true);
  out.set(Buffer.from(dict.padEnd(headerLength - 1, ' ') + '\n', 'latin1'), prefix);
  out.set(body, prefix + headerLength);
  return out;
}

// ---- ZIP (deflated members, no ZIP64) ----

interface ZipMember {
  name: string;
  data: Uint8Array;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const VERSION = 20; // 2.0: the first version with deflate
const DEFLATE = 8;
/** 1980-01-01 00:00, the earliest DOS date: a fixed timestamp keeps exports reproducible. */
const DOS_TIME = 0;
const DOS_DATE = (1 << 5) | 1;
const ZIP32_LIMIT = 0xffffffff;

function zip(members: readonly ZipMember[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const compressed = zlib.deflateRawSync(m.data);
    const fields = { crc: crc32(m.data), compressedSize: compressed.length, size: m.data.length };

    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, LOCAL_HEADER, true);
    writeCommonFields(local, 4, fields, name.length);
    chunks.push(new Uint8Array(local.buffer), name, compressed);

    const entry = new DataView(new ArrayBuffer(46));
    entry.setUint32(0, CENTRAL_HEADER, true);
    entry.setUint16(4, VERSION, true); // version made by (MS-DOS attributes)
    writeCommonFields(entry, 6, fields, name.length);
    // extra field, comment length, disk number, internal and external attributes stay 0
    entry.setUint32(42, offset, true);
    central.push(new Uint8Array(entry.buffer), name);

    offset += 30 + name.length + compressed.length;
  }
  const centralSize = central.reduce((n, c) => n + c.length, 0);
  if (offset + centralSize > ZIP32_LIMIT || members.some((m) => m.data.length > ZIP32_LIMIT)) {
    throw new Error('npz: the model is too large for a ZIP archive without ZIP64');
  }
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, END_OF_CENTRAL_DIRECTORY, true);
  end.setUint16(8, members.length, true); // entries on this disk
  end.setUint16(10, members.length, true); // entries in total
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);
  return Buffer.concat([...chunks, ...central, new Uint8Array(end.buffer)]);
}

/** The run of fields that local and central headers share, from "version needed" to "extra length". */
function writeCommonFields(
  v: DataView,
  at: number,
  f: { crc: number; compressedSize: number; size: number },
  nameLength: number,
): void {
  v.setUint16(at, VERSION, true);
  v.setUint16(at + 2, 0, true); // flags
  v.setUint16(at + 4, DEFLATE, true);
  v.setUint16(at + 6, DOS_TIME, true);
  v.setUint16(at + 8, DOS_DATE, true);
  v.setUint32(at + 10, f.crc, true);
  v.setUint32(at + 14, f.compressedSize, true);
  v.setUint32(at + 18, f.size, true);
  v.setUint16(at + 22, nameLength, true);
  v.setUint16(at + 24, 0, true); // extra field length
}

// zlib.crc32 only exists from Node 20.15, newer than the Node inside VS Code 1.90, so we keep our own.
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

/** CRC-32 as used by ZIP (reflected polynomial 0xEDB88320). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
