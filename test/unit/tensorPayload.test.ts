// A tensor request's reply carries its rows as a float32 copy in a buffer of its own, so a message
// moves it as bytes (no list of a million numbers in the extension host at V = 8000), and the
// text views read it as they read the list before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { tensorText } from '../../src/extension/commands/tensorText';
import { jsKernels } from '../../src/engine/kernels';
import { SessionCore } from '../../src/extension/worker/sessionCore';

function loaded() {
  const core = new SessionCore(() => undefined, () => jsKernels, () => undefined);
  const info = core.handle({ kind: 'load', dataset: { path: 'demo' }, config: { epochs: 1, hiddenUnits: 40 } });
  return { core, info, trainer: core.currentTrainer! };
}

test('a tensor reply: the rows asked for, as a Float32Array over a buffer of just those rows', () => {
  const { core, trainer } = loaded();
  const V = trainer.shape.vocabSize;
  const w3 = core.handle({ kind: 'tensor', name: 'W3', rowStart: 5, rows: 3 });
  assert.ok(w3.values instanceof Float32Array);
  assert.equal(w3.values.length, 3 * V);
  assert.equal(w3.values.buffer.byteLength, 3 * V * 4, 'its own buffer, not a view of the weights');
  assert.deepEqual(w3.values, trainer.params.W3.data.subarray(5 * V, 8 * V));
  // A copy: training on does not change a reply already sent.
  const before = Float32Array.from(w3.values);
  trainer.params.W3.data.fill(0.5);
  assert.deepEqual(w3.values, before);
});

test('a tensor reply crosses a message port as a Float32Array of the same values', async () => {
  const { core } = loaded();
  const w1 = core.handle({ kind: 'tensor', name: 'W1' });
  const { port1, port2 } = new MessageChannel();
  const received = new Promise<typeof w1>((resolve) => port2.once('message', resolve));
  port1.postMessage(w1);
  const copy = await received;
  port1.close();
  assert.ok(copy.values instanceof Float32Array);
  assert.deepEqual(copy.values, w1.values);
  assert.equal(copy.rows, w1.rows);
});

test('Inspect Weights text: one line per row labelled with its word, at most 32 columns then "…"', () => {
  const { core, info } = loaded();
  const rows = core.handle({ kind: 'tensor', name: 'W1', rowStart: 2, rows: 2 });
  const narrow = tensorText(rows, info, undefined).split('\n');
  assert.match(narrow[0], /^W1 of demo/);
  const line = narrow.find((l) => l.startsWith(`2 ${info.vocab[2]} `))!;
  assert.ok(line, narrow.join('\n'));
  assert.equal(line.trim().split(/\s+/).length, 2 + 16, 'the label (index, word) and 16 values');
  assert.ok(!line.endsWith('…'));
  const wide = tensorText(core.handle({ kind: 'tensor', name: 'W2', rowStart: 0, rows: 1 }), info, undefined).split('\n');
  const first = wide.find((l) => l.startsWith('0 '))!;
  assert.ok(first.endsWith(' …'), first);
  assert.equal(first.replace(/ …$/, '').trim().split(/\s+/).length, 1 + 32);
});
