// What F5 does with the run the user has: the decision behind the configuration provider.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planDebugStart } from '../../src/extension/debug/debugStartPlan';

test('F5 without a launch.json debugs the loaded run, and starts one only when there is none', () => {
  assert.deepEqual(planDebugStart({ request: undefined, hasRun: true, unsavedSteps: 3700 }), { kind: 'attach' }, 'never asks: nothing is replaced');
  assert.deepEqual(planDebugStart({ request: undefined, hasRun: false, unsavedSteps: 0 }), { kind: 'launch' });
});

test('a launch configuration asks first only when it would replace unsaved iterations', () => {
  assert.deepEqual(planDebugStart({ request: 'launch', hasRun: true, unsavedSteps: 3700 }), { kind: 'ask', unsavedSteps: 3700 });
  assert.deepEqual(planDebugStart({ request: 'launch', hasRun: true, unsavedSteps: 0 }), { kind: 'launch' }, 'saved (or untrained): no question');
  assert.deepEqual(planDebugStart({ request: 'launch', hasRun: false, unsavedSteps: 0 }), { kind: 'launch' });
});

test('an attach configuration attaches', () => {
  assert.deepEqual(planDebugStart({ request: 'attach', hasRun: true, unsavedSteps: 5 }), { kind: 'attach' });
  assert.deepEqual(planDebugStart({ request: 'attach', hasRun: false, unsavedSteps: 0 }), { kind: 'attach' }, 'the adapter says there is no run');
});
