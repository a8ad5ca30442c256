// What NLM: Rewind to Step… accepts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRewindStep } from '../../src/extension/commands/rewindStep';

const status = { earliest: 100, present: { steps: 2444, phase: 0, sub: 0 }, every: 100, bytes: 1, budgetBytes: 2 };

test('a whole step between the earliest kept and the present, or "present"', () => {
  assert.equal(parseRewindStep(' 1000 ', status), 1000);
  assert.equal(parseRewindStep('100', status), 100);
  assert.equal(parseRewindStep('2444', status), 2444);
  assert.equal(parseRewindStep('Present', status), 'present');
  assert.deepEqual(parseRewindStep('99', status), { error: 'step 99 is out of reach: from 100 to 2444 (the present)' });
  assert.deepEqual(parseRewindStep('2445', status), { error: 'step 2445 is out of reach: from 100 to 2444 (the present)' });
  assert.deepEqual(parseRewindStep('1e3', status), { error: 'a step is a whole number, from 100 to 2444 (the present)' });
  assert.deepEqual(parseRewindStep('12', undefined), { error: 'no training run is loaded' });
  assert.deepEqual(parseRewindStep('12', { ...status, earliest: undefined, off: 'its memory budget is 0' }), { error: 'time travel is off: its memory budget is 0' });
});
