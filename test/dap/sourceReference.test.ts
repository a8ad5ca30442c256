// A DAP client other than VS Code (nvim-dap, Emacs dap-mode) cannot open the nlm-iteration: scheme:
// the standalone adapter names the iteration document by a sourceReference too, serves its text
// through the `source` request, and takes breakpoints on it by that reference.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { jsKernels } from '../../src/engine/kernels';
import { renderIteration } from '../../src/extension/debug/iterationDocument';
import { SessionCore } from '../../src/extension/worker/sessionCore';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CONFIG = { hiddenUnits: 16, batchSize: 50, epochs: 1, seed: 3 };
const doc = renderIteration(new SessionCore(() => undefined, () => jsKernels, () => undefined).handle({ kind: 'load', dataset: { path: 'demo' }, config: CONFIG }));

const dc = new DebugClient('node', path.join(ROOT, 'dist', 'debugAdapter.js'), 'nlm', { env: { ...process.env, NLM_KERNELS: 'js' } }, true);
dc.defaultTimeout = 30000;
before(() => dc.start());
after(() => dc.stop());

test('the iteration document by sourceReference: its text, breakpoints on it, frames that name it', async () => {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await Promise.all([dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()), dc.launch({ type: 'nlm', request: 'launch', name: 'other editor', dataset: 'demo', stopOnEntry: true, ...CONFIG } as DebugProtocol.LaunchRequestArguments)]);
  assert.equal((await stopped).body.reason, 'entry');

  const [entry] = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  const reference = entry.source?.sourceReference;
  assert.ok(reference && reference > 0, 'a sourceReference the client can fetch');
  const served = await dc.sourceRequest({ sourceReference: reference, source: { sourceReference: reference } });
  assert.equal(served.body.content, doc.text);

  const dW3 = doc.phaseLines.get('dW3')!;
  const set = await dc.setBreakpointsRequest({ source: { name: 'iteration.nlm', sourceReference: reference }, breakpoints: [{ line: dW3 }] });
  assert.deepEqual(set.body.breakpoints.map((b) => [b.verified, b.line]), [[true, dW3]]);
  const hit = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.continueRequest({ threadId: 1 });
  assert.equal((await hit).body.reason, 'breakpoint');
  const [top] = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  assert.deepEqual([top.name, top.line, top.source?.sourceReference], ['dW3', dW3, reference]);

  await assert.rejects(dc.sourceRequest({ sourceReference: reference + 1 }), /the only source of an NLM session is the iteration document/);
});
