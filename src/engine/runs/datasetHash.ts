// A content hash of the examples a run trained on: the vocabulary, the context size and the ids of
// the three splits. Equal hashes mean the same examples, whether they came from a .npy folder, a
// .mat file, a .txt corpus (after tokenising, with its options) or the built-in demo.
import { createHash } from 'crypto';
import { Dataset, SPLITS } from '../data/dataset';

export function datasetHash(ds: Dataset): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ vocab: ds.vocab, context: ds.context }));
  for (const name of SPLITS) {
    const s = ds[name];
    h.update(new Uint8Array(s.inputs.buffer, s.inputs.byteOffset, s.inputs.byteLength));
    h.update(new Uint8Array(s.targets.buffer, s.targets.byteOffset, s.targets.byteLength));
  }
  return `sha256:${h.digest('hex')}`;
}
