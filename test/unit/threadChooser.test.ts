// The ThreadChooser: it keeps the faster way, probes the other for a number of iterations that
// depends on how long they take (a recurrent window's ~100 ms, an MLP's fraction of one), and
// probes a way that keeps losing less and less often.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ThreadChooser } from '../../src/engine/threadChooser';

/** Runs `iterations` through a chooser on a machine where one iteration takes `ms[threads]`;
 *  returns the threads of each. */
function run(iterations: number, ms: Record<1 | 2, number>): (1 | 2)[] {
  const chooser = new ThreadChooser();
  const ways: (1 | 2)[] = [];
  for (let i = 0; i < iterations; i++) {
    const way = chooser.next();
    ways.push(way);
    chooser.record(ms[way]);
  }
  return ways;
}

/** [start, length] of each run of one-thread iterations. */
function probes(ways: readonly (1 | 2)[]): [number, number][] {
  const found: [number, number][] = [];
  ways.forEach((w, i) => {
    if (w !== 1) return;
    if (i > 0 && ways[i - 1] === 1) found[found.length - 1][1]++;
    else found.push([i, 1]);
  });
  return found;
}

test('two threads faster, iterations of 80 ms: probes of one thread are 7 iterations (6 timed), ever further apart', () => {
  const ways = run(1200, { 1: 130, 2: 80 });
  assert.deepEqual(probes(ways), [
    [64, 7],
    [64 + 7 + 128, 7],
    [64 + 7 + 128 + 7 + 256, 7],
    [64 + 7 + 128 + 7 + 256 + 7 + 512, 7],
  ]);
});

test('two threads faster, iterations of 0.2 ms: probes are 28 iterations (24 timed, 4 to warm up), as before', () => {
  const [first, second] = probes(run(400, { 1: 0.3, 2: 0.2 }));
  assert.deepEqual([first, second], [[64, 28], [64 + 28 + 128, 28]]);
});

test('one thread faster: the chooser switches to it after the first probe and stays', () => {
  const ways = run(600, { 1: 50, 2: 90 });
  const switched = ways.indexOf(1);
  assert.equal(switched, 64);
  // From then on two threads are only probed: 12 iterations each (10 timed: 500 ms of 50 ms ones).
  assert.ok(ways.slice(switched, switched + 7).every((w) => w === 1));
  const twos = ways.map((w) => (w === 1 ? 2 : 1) as 1 | 2);
  assert.deepEqual(probes(twos.slice(switched)).map(([, length]) => length), [12, 12, 12]);
});
