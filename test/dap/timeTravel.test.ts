// Time travel through the Debug Adapter Protocol (node dist/debugAdapter.js): Reverse Continue
// returns to the previous hit of the dW3 breakpoint with exactly the values shown there the first
// time, Step Back moves to the previous phase line, and running forward again gives the same
// numbers. The first stop is also checked against an in-process Trainer stepped in lockstep.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { resolveConfig } from '../../src/engine/config';
import { loadDataset } from '../../src/engine/data/load';
import { jsKernels } from '../../src/engine/kernels';
import { formatStats, tensorStats } from '../../src/engine/metrics';
import { Trainer } from '../../src/engine/trainer';
import { ITERATION_URI, renderIteration } from '../../src/extension/debug/iterationDocument';
import { SessionCore } from '../../src/extension/worker/sessionCore';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CONFIG = { hiddenUnits: 32, batchSize: 50, epochs: 2, seed: 7 };
const THREAD = 1;
const info = new SessionCore(() => undefined, () => jsKernels, () => undefined).handle({ kind: 'load', dataset: { path: 'demo' }, config: CONFIG });
const doc = renderIteration(info);
const lineOf = (phase: string) => doc.phaseLines.get(phase)!;
const source = { path: ITERATION_URI, name: 'iteration.nlm' };

async function topFrame(dc: DebugClient): Promise<DebugProtocol.StackFrame> {
  return (await dc.stackTraceRequest({ threadId: THREAD })).body.stackFrames[0];
}

async function evaluate(dc: DebugClient, expression: string): Promise<string> {
  return (await dc.evaluateRequest({ expression, frameId: (await topFrame(dc)).id, context: 'watch' })).body.result;
}

async function scopeVariable(dc: DebugClient, scope: string, name: string): Promise<DebugProtocol.Variable> {
  const { body } = await dc.scopesRequest({ frameId: (await topFrame(dc)).id });
  const ref = body.scopes.find((s) => s.name === scope)!.variablesReference;
  const v = (await dc.variablesRequest({ variablesReference: ref })).body.variables.find((x) => x.name === name);
  assert.ok(v, `${name} in ${scope}`);
  return v;
}

/** Every entry of a 2-D tensor variable, read row by row through paging. */
async function tensorValues(dc: DebugClient, v: DebugProtocol.Variable): Promise<string[]> {
  const page = async (ref: number, count: number) => (await dc.variablesRequest({ variablesReference: ref, filter: 'indexed', start: 0, count })).body.variables;
  const values: string[] = [];
  for (const row of await page(v.variablesReference, v.indexedVariables!)) values.push(...(await page(row.variablesReference, row.indexedVariables!)).map((e) => e.value));
  return values;
}

/** What the student sees at a stop: where, norm(dW3), W3's statistics (watch and Variables), every dW3 entry. */
async function look(dc: DebugClient) {
  const frame = await topFrame(dc);
  return {
    frame: [frame.name, frame.line],
    step: (await scopeVariable(dc, 'Metrics', 'step')).value,
    normdW3: await evaluate(dc, 'norm(dW3)'),
    W3: await evaluate(dc, 'W3'),
    W3stats: [await evaluate(dc, 'mean(W3)'), await evaluate(dc, 'std(W3)'), await evaluate(dc, 'min(W3)'), await evaluate(dc, 'max(W3)')],
    W3variable: (await scopeVariable(dc, 'Parameters', 'W3')).value,
    dW3: await tensorValues(dc, await scopeVariable(dc, 'Gradients', 'dW3')),
  };
}

async function stopAfter(dc: DebugClient, request: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await request();
  return stopped;
}

describe('standalone adapter: step back and reverse continue', () => {
  const dc = new DebugClient('node', path.join(ROOT, 'dist', 'debugAdapter.js'), 'nlm', { env: { ...process.env, NLM_KERNELS: 'js' } }, true);
  dc.defaultTimeout = 30000;
  before(() => dc.start());
  after(() => dc.stop());

  test('the dW3 line: iteration 1, iteration 2, reverse continue to iteration 1 exactly, step back a phase, forward to iteration 2 exactly', async () => {
    const init = await dc.initializeRequest();
    assert.equal(init.body?.supportsStepBack, true, 'the adapter offers Step Back and Reverse Continue');
    const launched = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    const args = { type: 'nlm', request: 'launch', name: 'test', dataset: 'demo', ...CONFIG } as DebugProtocol.LaunchRequestArguments;
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.setBreakpointsRequest({ source, breakpoints: [{ line: lineOf('dW3') }] })).then(() => dc.configurationDoneRequest()),
      dc.launchRequest(args),
    ]);
    const firstStop = await launched;
    assert.equal(firstStop.body.reason, 'breakpoint');
    const first = await look(dc);
    assert.deepEqual(first.frame, ['dW3', lineOf('dW3')]);
    assert.equal(first.step, '0', 'iteration 1: no iteration finished yet');
    // What it shows is the engine's own W3 at that moment.
    const engine = new Trainer(loadDataset('demo'), resolveConfig(CONFIG), jsKernels);
    while (engine.currentPhase.name !== 'dW3') engine.stepPhase();
    assert.equal(first.W3, formatStats(tensorStats(engine.params.W3)));

    await stopAfter(dc, () => dc.continueRequest({ threadId: THREAD }));
    const second = await look(dc);
    assert.deepEqual([second.frame, second.step], [['dW3', lineOf('dW3')], '1']);
    assert.notEqual(second.normdW3, first.normdW3);
    assert.notEqual(second.W3, first.W3, 'the update of iteration 1 changed W3');

    const reverse = await stopAfter(dc, () => dc.send('reverseContinue', { threadId: THREAD }));
    assert.equal(reverse.body.reason, 'breakpoint');
    assert.deepEqual(await look(dc), first, 'iteration 1’s dW3 line, with exactly the values recorded there');

    const back = await stopAfter(dc, () => dc.send('stepBack', { threadId: THREAD }));
    assert.equal(back.body.reason, 'step');
    const frame = await topFrame(dc);
    assert.deepEqual([frame.name, frame.line], ['dZ2', lineOf('dZ2')], 'the previous phase line');
    assert.equal(lineOf('dZ2') < lineOf('dW3'), true);

    await stopAfter(dc, () => dc.continueRequest({ threadId: THREAD }));
    assert.deepEqual(await look(dc), first, 'forward again: iteration 1’s dW3 line');
    await stopAfter(dc, () => dc.continueRequest({ threadId: THREAD }));
    assert.deepEqual(await look(dc), second, 'forward to iteration 2: exactly the values it had the first time');
  });
});
