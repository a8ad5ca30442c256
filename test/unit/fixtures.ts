// Small datasets made in code for engine tests.
import * as fs from 'fs';
import * as path from 'path';
import assert from 'node:assert/strict';
import { Dataset, makeSplit } from '../../src/engine/data/dataset';
import { Kernels } from '../../src/engine/kernels';
import { Rng } from '../../src/engine/rng';

/** A learnable toy language: the target is a fixed function of the last context word. */
export function toyDataset(vocabSize = 20, n = 600, seed = 3): Dataset {
  const rng = new Rng(seed);
  const split = (count: number) => {
    const inputs = new Int32Array(count * 3);
    const targets = new Int32Array(count);
    for (let r = 0; r < count; r++) {
      for (let k = 0; k < 3; k++) inputs[r * 3 + k] = rng.int(vocabSize);
      targets[r] = (inputs[r * 3 + 2] * 7 + 3) % vocabSize;
    }
    return makeSplit(inputs, targets, 3);
  };
  return {
    name: 'toy',
    source: 'toy',
    vocab: Array.from({ length: vocabSize }, (_, i) => `w${i}`),
    context: 3,
    train: split(n),
    valid: split(Math.floor(n / 5)),
    test: split(Math.floor(n / 5)),
  };
}

/** ../shared/data/ngram4 beside the repository, when present. */
export function realDataDir(): string | undefined {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  const data = path.resolve(dir, '..', 'shared', 'data', 'ngram4');
  return fs.existsSync(data) ? data : undefined;
}

export const REAL_DATA_SKIP = 'real dataset ../shared/data/ngram4 not found beside the repository';

/** CI always has ../shared beside the clone: there a missing real dataset is a failure, never a skip. */
export const REQUIRE_REAL_DATA = process.env.CI === 'true';

/** The `skip` option of a test on the real data: skipped only where the data may be absent. */
export function realDataSkip(): string | false {
  return realDataDir() || REQUIRE_REAL_DATA ? false : REAL_DATA_SKIP;
}

/** The real data folder, for a test that `realDataSkip()` let run: throws a clear failure under CI. */
export function requireRealData(): string {
  const dir = realDataDir();
  if (!dir) throw new Error(`CI=true but ${REAL_DATA_SKIP}: CI must have ../shared/data beside the clone`);
  return dir;
}

/** Where a kernel test puts its arrays: in the kernels' WASM memory (run in place) or outside it
 *  (copied in and out by the kernels). */
export type Placement = 'wasm memory' | 'plain arrays';
export const PLACEMENTS: readonly Placement[] = ['wasm memory', 'plain arrays'];

/** A copy of `data` where the placement says; the wasm copy must really be in the wasm memory. */
export function placeIn(kernels: Kernels, where: Placement, data: Float32Array): Float32Array {
  if (where === 'plain arrays') return data.slice();
  const a = kernels.alloc(data.length);
  assert.equal(a.buffer, kernels.alloc(0).buffer, 'alloc() ran out of wasm memory during the test');
  a.set(data);
  return a;
}
