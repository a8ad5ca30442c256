// Protocol tests of the standalone debug adapter (node dist/debugAdapter.js) with
// @vscode/debugadapter-testsupport. Every number the adapter shows is checked against an
// in-process engine Trainer with the same configuration and seed, stepped in lockstep: the demo
// corpus, the seed and the JS kernels make both runs bit-identical.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { resolveConfig } from '../../src/engine/config';
import { loadDataset } from '../../src/engine/data/load';
import { jsKernels } from '../../src/engine/kernels';
import { formatNumber, formatStats, tensorStats } from '../../src/engine/metrics';
import { Trainer } from '../../src/engine/trainer';
import { describeNotComputed } from '../../src/engine/iterationProgress';
import { formatScalar } from '../../src/extension/expression';
import { ITERATION_URI, renderIteration } from '../../src/extension/debug/iterationDocument';
import { SessionCore } from '../../src/extension/worker/sessionCore';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CONFIG = { hiddenUnits: 32, batchSize: 50, epochs: 2, seed: 7 };
const LAUNCH = { type: 'nlm', request: 'launch', name: 'test', dataset: 'demo', stopOnEntry: true, ...CONFIG };
const launchArgs = (overrides: object = {}) => ({ ...LAUNCH, ...overrides }) as DebugProtocol.LaunchRequestArguments;
const THREAD = 1;

function client(): DebugClient {
  // The worker inherits NLM_KERNELS, so the adapter's run uses the same kernels as the reference.
  const dc = new DebugClient('node', path.join(ROOT, 'dist', 'debugAdapter.js'), 'nlm', { env: { ...process.env, NLM_KERNELS: 'js' } }, true);
  dc.defaultTimeout = 30000;
  return dc;
}

/** The run description the adapter works from, via the same worker logic in-process. */
const info = new SessionCore(() => undefined, () => jsKernels, () => undefined).handle({ kind: 'load', dataset: { path: 'demo' }, config: CONFIG });
const doc = renderIteration(info);
const lineOf = (phase: string) => doc.phaseLines.get(phase)!;
const source = { path: ITERATION_URI, name: 'iteration.nlm' };

async function topFrame(dc: DebugClient): Promise<DebugProtocol.StackFrame> {
  return (await dc.stackTraceRequest({ threadId: THREAD })).body.stackFrames[0];
}

async function scopeVariables(dc: DebugClient, scope: string): Promise<DebugProtocol.Variable[]> {
  const { body } = await dc.scopesRequest({ frameId: (await topFrame(dc)).id });
  const found = body.scopes.find((s) => s.name === scope);
  assert.ok(found, `scope ${scope} in ${body.scopes.map((s) => s.name).join(', ')}`);
  return (await dc.variablesRequest({ variablesReference: found.variablesReference })).body.variables;
}

async function variable(dc: DebugClient, scope: string, name: string): Promise<DebugProtocol.Variable> {
  const v = (await scopeVariables(dc, scope)).find((x) => x.name === name);
  assert.ok(v, `${name} in ${scope}`);
  return v;
}

async function page(dc: DebugClient, ref: number, start: number, count: number): Promise<DebugProtocol.Variable[]> {
  return (await dc.variablesRequest({ variablesReference: ref, filter: 'indexed', start, count })).body.variables;
}

/** Every entry of a 2-D tensor variable, read row by row through paging. */
async function tensorValues(dc: DebugClient, v: DebugProtocol.Variable): Promise<number[]> {
  const rows = await page(dc, v.variablesReference, 0, v.indexedVariables!);
  const values: number[] = [];
  for (const row of rows) values.push(...(await page(dc, row.variablesReference, 0, row.indexedVariables!)).map((e) => Number(e.value)));
  return values;
}

/** Starts `request` and resolves with the next stopped event it causes. */
async function stopAfter(dc: DebugClient, request: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await request();
  return stopped;
}

function outputMatching(dc: DebugClient, pattern: RegExp): Promise<string> {
  return new Promise((resolve) => {
    const listener = (e: DebugProtocol.OutputEvent) => {
      if (!pattern.test(e.body.output)) return;
      dc.removeListener('output', listener);
      resolve(e.body.output);
    };
    dc.on('output', listener);
  });
}

/** Launches, lets `configure` set breakpoints and filters, and returns the first stop (entry or other). */
async function launch(
  dc: DebugClient,
  args: DebugProtocol.LaunchRequestArguments,
  configure: () => Promise<unknown> = async () => undefined,
): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  // A failed launch never stops; its own error is the one to report.
  stopped.catch(() => undefined);
  await Promise.all([dc.waitForEvent('initialized').then(configure).then(() => dc.configurationDoneRequest()), dc.launch(args)]);
  return stopped;
}

describe('standalone adapter: breakpoints, stepping and variables on the demo corpus', () => {
  const dc = client();
  const engine = new Trainer(loadDataset('demo'), resolveConfig(CONFIG), jsKernels);
  /** Mirrors `continue` to a breakpoint: leave the current position, run to `phase` where `when` holds. */
  const engineRunTo = (phase: string, when: () => boolean = () => true) => {
    do engine.stepSub();
    while (!(engine.subIndex === 0 && engine.currentPhase.name === phase && when()));
  };

  before(() => dc.start());
  after(() => dc.stop());

  test('launch stops on entry at the first phase of the iteration document', async () => {
    const stop = await launch(dc, launchArgs());
    assert.equal(stop.body.reason, 'entry');
    const frames = (await dc.stackTraceRequest({ threadId: THREAD })).body.stackFrames;
    assert.deepEqual(
      frames.map((f) => [f.name, f.source?.path, f.line]),
      [
        ['embed', ITERATION_URI, lineOf('embed')],
        [`batch 1 of ${info.batchesPerEpoch}`, ITERATION_URI, lineOf('embed')],
        ['epoch 1 of 2', ITERATION_URI, 1],
      ],
    );
    const threads = (await dc.threadsRequest()).body.threads;
    assert.deepEqual(threads, [{ id: THREAD, name: 'training' }]);
  });

  test('a breakpoint on the dW3 line stops before dW3 runs; dW3 in Gradients is marked not computed yet', async () => {
    const set = await dc.setBreakpointsRequest({ source, breakpoints: [{ line: lineOf('dW3') }] });
    const [bp] = set.body.breakpoints;
    assert.equal(bp.verified, true);
    assert.equal(bp.line, lineOf('dW3'));
    const stop = await stopAfter(dc, () => dc.continueRequest({ threadId: THREAD }));
    engineRunTo('dW3');
    assert.equal(stop.body.reason, 'breakpoint');
    assert.deepEqual(stop.body.hitBreakpointIds, [bp.id]);
    const frame = await topFrame(dc);
    assert.equal(frame.name, 'dW3');
    assert.equal(frame.line, lineOf('dW3'));
    const dW3 = await variable(dc, 'Gradients', 'dW3');
    // Its zeros are not this iteration's gradient (not a vanishing one): they are labelled as such.
    const note = describeNotComputed({ phase: 'dW3', partly: false, holds: 0 });
    assert.match(note, /^not computed yet in this iteration \(dW3 has not run\) — zeros/);
    assert.equal(`dW3 ${dW3.value}`, formatStats(tensorStats(engine.model.grads.W3)).replace('dW3 ', `dW3 ${note} · `));
    assert.match(dW3.value, / · \[32×249\] μ=0 σ=0 min=0 max=0 ‖·‖=0 nan=0$/);
    const facts = (await dc.variablesRequest({ variablesReference: dW3.variablesReference, filter: 'named' })).body.variables;
    assert.deepEqual(facts[0], { name: '⚠ this iteration', value: note, variablesReference: 0 });
    // What dW3 reads was computed by the phases before it: not marked.
    const dZ2 = await variable(dc, 'Gradients', 'dZ2');
    assert.equal(`dZ2 ${dZ2.value}`, formatStats(tensorStats(engine.model.activations().find((a) => a.name === 'dZ2')!)));
    const W3 = await variable(dc, 'Parameters', 'W3');
    assert.equal(`W3 ${W3.value}`, formatStats(tensorStats(engine.params.W3)), 'parameters are the iteration’s inputs');
  });

  test('next runs exactly the dW3 phase: dW3 then equals the engine’s, entry for entry', async () => {
    const stop = await stopAfter(dc, () => dc.nextRequest({ threadId: THREAD }));
    engine.stepPhase();
    assert.equal(stop.body.reason, 'step');
    const frame = await topFrame(dc);
    assert.equal(frame.name, 'dH');
    assert.equal(frame.line, lineOf('dH'));
    const dW3 = await variable(dc, 'Gradients', 'dW3');
    const expected = engine.model.grads.W3;
    assert.equal(`dW3 ${dW3.value}`, formatStats(tensorStats(expected)));
    const values = await tensorValues(dc, dW3);
    assert.equal(values.length, expected.data.length);
    // Shown values are the shortest decimals that read back as the same float32.
    values.forEach((v, i) => assert.equal(Math.fround(v), expected.data[i], `dW3 entry ${i}`));
    const db2 = await variable(dc, 'Gradients', 'db2');
    assert.equal(`db2 ${db2.value}`, formatStats(tensorStats(engine.model.grads.b2)));
  });

  test('stepIn stops after one sub-step; stepOut finishes the iteration', async () => {
    await stopAfter(dc, () => dc.nextRequest({ threadId: THREAD })); // dH → dZ1
    await stopAfter(dc, () => dc.nextRequest({ threadId: THREAD })); // dZ1 → dW2
    engine.stepPhase();
    engine.stepPhase();
    assert.equal((await topFrame(dc)).name, 'dW2');
    await stopAfter(dc, () => dc.stepInRequest({ threadId: THREAD }));
    engine.stepSub();
    let frame = await topFrame(dc);
    assert.equal(frame.name, 'dW2 › db1', 'mid-phase, the frame names the next sub-step');
    assert.equal(frame.line, lineOf('dW2'));
    await stopAfter(dc, () => dc.stepOutRequest({ threadId: THREAD }));
    engine.step();
    frame = await topFrame(dc);
    assert.equal(frame.name, 'embed');
    const frames = (await dc.stackTraceRequest({ threadId: THREAD })).body.stackFrames;
    assert.equal(frames[1].name, `batch 2 of ${info.batchesPerEpoch}`);
    const step = await variable(dc, 'Metrics', 'step');
    assert.equal(step.value, '1');
    // Before embed loads the next batch, the model still holds the one just trained.
    await dc.scopesRequest({ frameId: frame.id }).then((r) => assert.equal(r.body.scopes[0].name, 'Batch (previous)'));
    // A new iteration: its gradients still hold the last one's values, and say so.
    const dW3 = await variable(dc, 'Gradients', 'dW3');
    assert.equal(`dW3 ${dW3.value}`, formatStats(tensorStats(engine.model.grads.W3)).replace('dW3 ', 'dW3 not computed yet in this iteration (dW3 has not run) — value of iteration 1 · '));
    await stopAfter(dc, () => dc.stepInRequest({ threadId: THREAD }));
    engine.stepSub();
    const E = await variable(dc, 'Activations', 'E');
    assert.match(E.value, /^partly computed in this iteration \(embed is part-way\) — the rest is the value of iteration 1 · \[50×48\]/);
  });

  test('a conditional breakpoint `loss < 4` fires only once the loss is below 4', async () => {
    const set = await dc.setBreakpointsRequest({ source, breakpoints: [{ line: lineOf('dZ2'), condition: 'loss < 4' }] });
    assert.equal(set.body.breakpoints[0].verified, true);
    const stop = await stopAfter(dc, () => dc.continueRequest({ threadId: THREAD }));
    engineRunTo('dZ2', () => engine.model.loss < 4);
    assert.equal(stop.body.reason, 'breakpoint');
    assert.equal((await topFrame(dc)).line, lineOf('dZ2'));
    const loss = Number((await dc.evaluateRequest({ expression: 'loss', context: 'watch' })).body.result);
    assert.ok(loss < 4, `loss ${loss}`);
    assert.equal((await variable(dc, 'Metrics', 'loss')).value, formatScalar(engine.model.loss));
    assert.equal((await variable(dc, 'Metrics', 'step')).value, String(engine.steps));
  });

  test('the Batch scope lists each example’s context words and target as words', async () => {
    const batch = await scopeVariables(dc, 'Batch');
    assert.equal(batch.length, CONFIG.batchSize);
    const vocab = info.vocab;
    const { inputs, targets } = engine.model;
    batch.forEach((v, r) => {
      const context = [0, 1, 2].map((k) => vocab[inputs[r * 3 + k]]).join(' ');
      assert.equal(v.value, `${context} → ${vocab[targets[r]]}`);
    });
  });

  test('tensors page lazily: rows labelled with words, rows expand to entries', async () => {
    const W1 = await variable(dc, 'Parameters', 'W1');
    assert.equal(W1.indexedVariables, info.vocab.length);
    assert.equal(`W1 ${W1.value}`, formatStats(tensorStats(engine.params.W1)));
    const rows = await page(dc, W1.variablesReference, 10, 5);
    assert.deepEqual(
      rows.map((r) => r.name),
      [10, 11, 12, 13, 14].map((i) => `[${i}] ${info.vocab[i]}`),
    );
    assert.equal(rows[0].evaluateName, `W1[${JSON.stringify(info.vocab[10])}]`);
    assert.equal(rows[0].indexedVariables, 16);
    const entries = await page(dc, rows[2].variablesReference, 3, 4);
    assert.deepEqual(entries.map((e) => e.name), ['[3]', '[4]', '[5]', '[6]']);
    entries.forEach((e, j) => assert.equal(Math.fround(Number(e.value)), engine.params.W1.data[12 * 16 + 3 + j]));
    const W3 = await variable(dc, 'Parameters', 'W3');
    const [row0] = await page(dc, W3.variablesReference, 0, 1);
    assert.equal(row0.name, '[0]', 'W3 rows are hidden units');
    const [entry] = await page(dc, row0.variablesReference, 7, 1);
    assert.equal(entry.name, `[7] ${info.vocab[7]}`, 'W3 columns are words');
    const b1 = await variable(dc, 'Parameters', 'b1');
    assert.equal((await page(dc, b1.variablesReference, 0, 3)).length, 3, '1-D tensors page their entries');
  });

  test('hover, watch and repl evaluate through the expression language; bad ones get an error response', async () => {
    const hover = await dc.evaluateRequest({ expression: 'W3', context: 'hover' });
    const stats = tensorStats(engine.params.W3);
    assert.equal(hover.body.result, formatStats(stats));
    assert.ok(hover.body.variablesReference > 0, 'a tensor expands like in the Variables view');
    // The hover's children carry the statistics and the histogram, readable without a modifier key.
    const children = (await dc.variablesRequest({ variablesReference: hover.body.variablesReference, filter: 'named' })).body.variables;
    assert.equal(children.length, hover.body.namedVariables);
    const value = (name: string) => children.find((c) => c.name === name)?.value;
    assert.equal(value('shape'), '[32×249]');
    assert.equal(value('μ mean'), formatNumber(stats.mean));
    assert.equal(value('σ std'), formatNumber(stats.std));
    assert.equal(value('‖·‖ L2 norm'), formatNumber(stats.norm));
    assert.equal(value('histogram'), `10 bins from ${formatNumber(stats.min)} to ${formatNumber(stats.max)}`);
    const histogram = children.find((c) => c.name === 'histogram')!;
    const bins = (await dc.variablesRequest({ variablesReference: histogram.variablesReference })).body.variables;
    assert.equal(bins.length, 10);
    assert.equal(Number(bins[0].name), Number(formatNumber(stats.min)), 'bins start at the minimum');
    const counts = bins.map((b) => Number(/(\d+)$/.exec(b.value)![1]));
    assert.equal(counts.reduce((a, b) => a + b, 0), engine.params.W3.data.length, 'every value in a bin');
    assert.ok(bins.some((b) => b.value.startsWith('█'.repeat(24))), 'the fullest bin has the longest bar');
    const rows = await page(dc, hover.body.variablesReference, 0, 2);
    assert.deepEqual(rows.map((r) => r.name), ['[0]', '[1]'], 'then the rows');
    const norm = Number((await dc.evaluateRequest({ expression: 'norm(dW3)', context: 'watch' })).body.result);
    const expected = tensorStats(engine.model.grads.W3).norm;
    assert.ok(Math.abs(norm - expected) <= expected * 1e-5, `${norm} vs ${expected}`);
    const word = await dc.evaluateRequest({ expression: 'W1["the"]', context: 'repl' });
    assert.match(word.body.result, /\[16\]/);
    await assert.rejects(dc.evaluateRequest({ expression: 'W1[', context: 'repl' }), /./);
    await assert.rejects(dc.evaluateRequest({ expression: 'nosuchname + 1', context: 'watch' }), /nosuchname/);
    const completions = await dc.completionsRequest({ text: 'dW', column: 3 });
    const labels = completions.body.targets.map((t) => t.label);
    for (const name of ['dW1', 'dW2', 'dW3']) assert.ok(labels.includes(name), `${name} in ${labels.join(', ')}`);
  });

  test('bad conditions and hit counts are reported unverified with a message', async () => {
    const set = await dc.setBreakpointsRequest({
      source,
      breakpoints: [
        { line: lineOf('hidden'), condition: 'loss <' },
        { line: lineOf('hidden'), hitCondition: 'often' },
        { line: 2 },
        { line: lineOf('update') + 10 },
      ],
    });
    const [badCondition, badHits, moved, beyond] = set.body.breakpoints;
    assert.equal(badCondition.verified, false);
    assert.match(badCondition.message!, /condition/);
    assert.equal(badHits.verified, false);
    assert.match(badHits.message!, /hit count/);
    assert.equal(moved.verified, true, 'a header line moves down to the first phase');
    assert.equal(moved.line, lineOf('embed'));
    assert.equal(beyond.verified, false);
  });

  test('logpoints print to the debug console without stopping', async () => {
    await dc.setBreakpointsRequest({
      source,
      breakpoints: [{ line: lineOf('update'), logMessage: 'logged step {step}' }, { line: lineOf('output') }],
    });
    const logged = outputMatching(dc, /^logged step \d+/);
    const stop = await stopAfter(dc, () => dc.continueRequest({ threadId: THREAD }));
    assert.equal(stop.body.reason, 'breakpoint');
    assert.equal((await topFrame(dc)).name, 'output');
    assert.match(await logged, /^logged step \d+\n$/);
  });

  test('restart reloads the run and stops on entry again', async () => {
    const stop = await stopAfter(dc, () => dc.restartRequest({ arguments: launchArgs() }));
    assert.equal(stop.body.reason, 'entry');
    assert.equal((await variable(dc, 'Metrics', 'step')).value, '0');
    // Breakpoints survive the restart.
    const hit = await stopAfter(dc, () => dc.continueRequest({ threadId: THREAD }));
    assert.equal(hit.body.reason, 'breakpoint');
    assert.equal((await topFrame(dc)).name, 'output');
  });

  test('terminate stops training and ends the session', async () => {
    const terminated = dc.waitForEvent('terminated');
    await dc.terminateRequest({});
    await terminated;
  });
});

describe('standalone adapter: where a session first stops', () => {
  // What F5 sends: no stopOnEntry.
  const { stopOnEntry: _, ...F5 } = LAUNCH;

  test('without stopOnEntry, launch runs straight to the first breakpoint', async () => {
    const dc = client();
    await dc.start();
    try {
      const stops: string[] = [];
      dc.on('stopped', (e: DebugProtocol.StoppedEvent) => stops.push(e.body.reason));
      const stop = await launch(dc, F5 as DebugProtocol.LaunchRequestArguments, () => dc.setBreakpointsRequest({ source, breakpoints: [{ line: lineOf('dW3') }] }));
      assert.equal(stop.body.reason, 'breakpoint');
      assert.deepEqual(stops, ['breakpoint'], 'no stop on entry before it');
      assert.equal((await topFrame(dc)).name, 'dW3');
      assert.equal((await variable(dc, 'Metrics', 'step')).value, '0', 'in the first iteration');
    } finally {
      await dc.stop();
    }
  });

  test('without stopOnEntry and without breakpoints, launch stops on entry', async () => {
    const dc = client();
    await dc.start();
    try {
      const stop = await launch(dc, F5 as DebugProtocol.LaunchRequestArguments);
      assert.equal(stop.body.reason, 'entry');
      assert.equal((await topFrame(dc)).name, 'embed');
    } finally {
      await dc.stop();
    }
  });

  test('attach with no run loaded fails with a message', async () => {
    const dc = client();
    await dc.start();
    try {
      await dc.initializeRequest();
      await assert.rejects(dc.attachRequest({ type: 'nlm', request: 'attach', name: 'attach' } as DebugProtocol.AttachRequestArguments), /no training run to debug/);
    } finally {
      await dc.stop();
    }
  });
});

describe('standalone adapter: exception filters', () => {
  // The engine caps lr at 1000; with ReLU (unbounded activations) that diverges within a few iterations.
  test('NaN/Inf fires on a run forced to diverge (sgd, lr 1000, relu)', async () => {
    const dc = client();
    await dc.start();
    try {
      const stop = await launch(dc, launchArgs({ stopOnEntry: false, optimizer: 'sgd', lr: 1000, activation: 'relu' }), () =>
        dc.setExceptionBreakpointsRequest({ filters: ['nan'] }),
      );
      assert.equal(stop.body.reason, 'exception');
      assert.match(stop.body.text!, /NaN|Inf/);
      const info = await dc.exceptionInfoRequest({ threadId: THREAD });
      assert.equal(info.body.description, stop.body.text);
    } finally {
      await dc.stop();
    }
  });

  test('exploding gradient takes its threshold from the filter condition; a bad threshold is unverified', async () => {
    const dc = client();
    await dc.start();
    try {
      let reply: DebugProtocol.SetExceptionBreakpointsResponse | undefined;
      const stop = await launch(dc, launchArgs({ stopOnEntry: false }), async () => {
        reply = await dc.setExceptionBreakpointsRequest({
          filters: [],
          filterOptions: [
            { filterId: 'explodingGradient', condition: '> 1e-9' },
            { filterId: 'saturation', condition: 'lots' },
          ],
        });
      });
      assert.deepEqual(reply!.body?.breakpoints?.map((b) => b.verified), [true, false]);
      assert.match(reply!.body!.breakpoints![1].message!, /not a number/);
      assert.equal(stop.body.reason, 'exception');
      assert.match(stop.body.text!, /exploding gradient/);
      assert.equal((await variable(dc, 'Metrics', 'step')).value, '1', 'checked after the first iteration');
    } finally {
      await dc.stop();
    }
  });
});

describe('standalone adapter: pause', () => {
  test('pause stops a running session at the next phase boundary', async () => {
    const dc = client();
    await dc.start();
    try {
      await Promise.all([dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()), dc.launch(launchArgs({ stopOnEntry: false }))]);
      const stop = await stopAfter(dc, () => dc.pauseRequest({ threadId: THREAD }));
      assert.equal(stop.body.reason, 'pause');
      const frame = await topFrame(dc);
      assert.ok(info.phases.some((p) => p.name === frame.name), `${frame.name} is a whole phase, not a sub-step`);
      assert.equal(frame.line, lineOf(frame.name));
      const resumed = await dc.continueRequest({ threadId: THREAD });
      assert.equal(resumed.success, true);
    } finally {
      await dc.stop();
    }
  });
});

describe('standalone adapter: end of training', () => {
  test('a run that trains to the end terminates the session', async () => {
    const dc = client();
    await dc.start();
    try {
      const terminated = dc.waitForEvent('terminated');
      await Promise.all([
        dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
        dc.launch(launchArgs({ stopOnEntry: false, epochs: 1, batchSize: 5000, hiddenUnits: 8 })),
      ]);
      await terminated;
    } finally {
      await dc.stop();
    }
  });

  test('a dataset that does not exist fails the launch with a message', async () => {
    const dc = client();
    await dc.start();
    try {
      await assert.rejects(dc.launch(launchArgs({ dataset: '/no/such/corpus.txt' })), /Cannot start training/);
    } finally {
      await dc.stop();
    }
  });
});
