// Debugging a stream-task LSTM through the worker's requests, as the debug adapter sends them: the
// run describes its window (a phase per time step, the carried state, the loss at every
// position), a conditional breakpoint stops in backpropagation through time, Variables show the
// carried state and every position's probabilities, and the iteration document renders.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { jsKernels } from '../../src/engine/kernels';
import type { StoppedEvent, WorkerEvent } from '../../src/extension/protocol';
import { renderIteration } from '../../src/extension/debug/iterationDocument';
import { SessionCore } from '../../src/extension/worker/sessionCore';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-debug-stream-'));
const lines = (n: number) => Array.from({ length: n }, (_, i) => ['the cat sat on the mat', 'a dog ran to the house'][i % 2]).join('\n') + '\n';
fs.writeFileSync(path.join(folder, 'train.txt'), lines(200));
fs.writeFileSync(path.join(folder, 'valid.txt'), lines(40));
fs.writeFileSync(path.join(folder, 'test.txt'), lines(40));

test('a stream-task LSTM in the debugger: its window, the carried state, a breakpoint in BPTT, the loss at every position', () => {
  const events: WorkerEvent[] = [];
  const queue: (() => void)[] = [];
  const core = new SessionCore((e) => events.push(e), () => jsKernels, (fn) => queue.push(fn));
  const drain = () => {
    for (let i = 0; i < 100000 && queue.length; i++) queue.shift()!();
  };
  const info = core.handle({ kind: 'load', dataset: { path: folder }, config: { model: 'lstm', bptt: 4, batchSize: 5, epochs: 1, embeddingDim: 6, hiddenUnits: 8 } });
  assert.deepEqual(
    info.phases.map((p) => p.name),
    ['step1', 'step2', 'step3', 'step4', 'output', 'softmax', 'loss', 'dZ', 'dWhy', 'dH', 'bptt4', 'bptt3', 'bptt2', 'bptt1', 'dW1', 'update'],
  );
  assert.match(info.phases[0].subSteps[0], /^H0, C0 ← H4, C4 of the previous window \(detached\)/);
  assert.deepEqual(info.timeSteps, [1, 2, 3, 4]);
  assert.match(renderIteration(info).text, /H0, C0 carried from the previous window \(truncated BPTT\)/);
  assert.match(renderIteration(info).text, /L = −mean\(log P\[y\]\) over the 4·N positions/);
  const [bp] = core.handle({ kind: 'setBreakpoints', breakpoints: [{ id: 1, phase: 'bptt1', condition: 'step >= 1' }] });
  assert.ok(bp.verified, bp.message);
  core.handle({ kind: 'run' });
  drain();
  const s = events.filter((e): e is { kind: 'stopped'; event: StoppedEvent } => e.kind === 'stopped').at(-1)!.event;
  assert.equal(s.reason, 'breakpoint');
  assert.equal(s.cursor.steps, 1);
  const t = core.currentTrainer!;
  assert.equal(t.currentPhase.name, 'bptt1');
  // The second window started from the first one's last state.
  const h0 = core.handle({ kind: 'tensor', name: 'H0' });
  assert.ok(h0.stats.norm > 0, 'H0 holds the carried state');
  const p = core.handle({ kind: 'tensor', name: 'P' });
  assert.deepEqual(p.shape, [4 * 5, info.dataset.vocabSize], 'a next-word distribution at every position of every stream');
  assert.ok(core.handle({ kind: 'tensor', name: 'dH1' }).stats.norm > 0, 'the head and bptt2 wrote dH1');
  assert.match(core.handle({ kind: 'evaluate', expression: 'norm(dH2)' }).text, /^\d/);
  // The Batch scope: each stream's window, and the word that follows it.
  const batch = core.handle({ kind: 'batch' });
  assert.equal(batch.length, 5);
  const { inputs, targets } = t.model;
  batch.forEach((e, r) => {
    assert.deepEqual(e.context, Array.from(inputs.subarray(r * 4, r * 4 + 4), (id) => t.dataset.vocab[id]));
    assert.equal(e.target, t.dataset.vocab[targets[r * 4 + 3]]);
  });
});
