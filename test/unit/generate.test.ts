// The worker's generate request: several continuations of a context, greedy or sampled, the same
// for the same seed, checked bounds with clear errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsKernels } from '../../src/engine/kernels';
import { SessionCore } from '../../src/extension/worker/sessionCore';

function trained(): SessionCore {
  const queue: (() => void)[] = [];
  const core = new SessionCore(() => undefined, () => jsKernels, (fn) => queue.push(fn));
  core.handle({ kind: 'load', dataset: { path: 'demo' }, config: { epochs: 1, hiddenUnits: 32 } });
  core.handle({ kind: 'step', unit: 'epoch' });
  while (queue.length) queue.shift()!();
  return core;
}

test('generate: greedy continues with the most probable word; samples differ, and repeat for a seed', () => {
  const core = trained();
  const [greedy] = core.handle({ kind: 'generate', text: 'we went to', words: 6, temperature: 0, samples: 1, seed: 1 });
  assert.equal(greedy.length, 6);
  assert.equal(greedy[0], core.handle({ kind: 'predict', text: 'we went to', k: 1 })[0].word);
  const sampled = core.handle({ kind: 'generate', text: 'we went to', words: 8, temperature: 1, samples: 5, seed: 11 });
  assert.equal(sampled.length, 5);
  assert.ok(sampled.every((s) => s.length === 8));
  assert.ok(new Set(sampled.map((s) => s.join(' '))).size > 1, 'five samples are not all the same text');
  assert.deepEqual(core.handle({ kind: 'generate', text: 'we went to', words: 8, temperature: 1, samples: 5, seed: 11 }), sampled);
});

test('generate: bounds and unknown words are clear errors', () => {
  const core = trained();
  const request = { kind: 'generate', text: 'we went to', words: 5, temperature: 1, samples: 2, seed: 1 } as const;
  assert.throws(() => core.handle({ ...request, words: 0 }), { message: 'words must be a whole number from 1 to 200 (got 0)' });
  assert.throws(() => core.handle({ ...request, samples: 21 }), { message: 'samples must be a whole number from 1 to 20 (got 21)' });
  assert.throws(() => core.handle({ ...request, temperature: -1 }), { message: 'temperature must be from 0 to 10 (got -1)' });
  assert.throws(() => core.handle({ ...request, text: 'we went zorblax' }), /"zorblax" is not one of the model's \d+ words/);
});
