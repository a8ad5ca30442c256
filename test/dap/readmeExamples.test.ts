// The README's Debug Console examples, taken from the README itself, evaluated the way its First
// steps get there: the demo corpus with the default settings, stopped at a breakpoint on the dW3
// line. If the README's examples or the demo corpus change so that one fails, this fails.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ITERATION_URI, renderIteration } from '../../src/extension/debug/iterationDocument';
import { SessionCore } from '../../src/extension/worker/sessionCore';
import { jsKernels } from '../../src/engine/kernels';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The backquoted expressions of the README's "in the Debug Console try …" sentence. */
function readmeExamples(): string[] {
  const text = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
  const sentence = /Debug Console try ((?:`[^`]+`(?:, | and | or )?)+)/.exec(text);
  assert.ok(sentence, 'the README names Debug Console examples');
  return [...sentence[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}

describe('the README’s Debug Console examples work on the demo corpus', () => {
  const examples = readmeExamples();
  const dc = new DebugClient('node', path.join(ROOT, 'dist', 'debugAdapter.js'), 'nlm', { env: { ...process.env, NLM_KERNELS: 'js' } }, true);
  dc.defaultTimeout = 30000;

  before(async () => {
    await dc.start();
    const info = new SessionCore(() => undefined, () => jsKernels, () => undefined).handle({ kind: 'load', dataset: { path: 'demo' }, config: {} });
    const line = renderIteration(info).phaseLines.get('dW3')!;
    const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await Promise.all([
      dc
        .waitForEvent('initialized')
        .then(() => dc.setBreakpointsRequest({ source: { path: ITERATION_URI }, breakpoints: [{ line }] }))
        .then(() => dc.configurationDoneRequest()),
      dc.launch({ type: 'nlm', request: 'launch', name: 'README', dataset: 'demo' } as DebugProtocol.LaunchRequestArguments),
    ]);
    assert.equal((await stopped).body.reason, 'breakpoint');
  });

  after(() => dc.stop());

  test('the README names several examples', () => {
    assert.ok(examples.length >= 4, examples.join(' '));
  });

  for (const expression of examples) {
    test(expression, async () => {
      const { body } = await dc.evaluateRequest({ expression, context: 'repl' });
      assert.ok(body.result.trim().length > 0);
      assert.doesNotMatch(body.result, /NaN|did you mean|not one of/, body.result);
    });
  }
});
