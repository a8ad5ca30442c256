// The summary document of NLM: Check Exercise: a verdict table, and for each wrong line its
// message, hint and a text heatmap of where it differs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { differenceGrid } from '../../src/engine/exercise/compare';
import { exerciseSummary, heatmap } from '../../src/extension/exercise/exerciseSummary';

const m = (rows: number, cols: number, f: (i: number, j: number) => number) => ({ rows, cols, data: Float64Array.from({ length: rows * cols }, (_, k) => f(Math.floor(k / cols), k % cols)) });

test('the difference grid keeps each block’s largest difference; the heatmap shades it', () => {
  const expected = m(50, 90, () => 1);
  const got = m(50, 90, (i, j) => (i === 7 && j === 88 ? 3 : i < 10 && j < 10 ? 1.5 : 1));
  const grid = differenceGrid(got, expected);
  assert.deepEqual([grid.rows, grid.cols, grid.rowsPerCell, grid.colsPerCell], [17, 30, 3, 3]);
  assert.equal(Math.max(...grid.values), 2);
  assert.equal(grid.values[2 * 30 + 29], 2, 'the block of row 7, column 88');
  const lines = heatmap(grid);
  assert.match(lines[0], /the largest of 3 rows × 3 columns\): .* "█" 2\.00/);
  assert.equal(lines.length, 1 + 17);
  assert.equal(lines[3], '    6 │░░░░' + ' '.repeat(25) + '█│');
  assert.equal(lines[1], '    0 │░░░░' + ' '.repeat(26) + '│');
});

test('the summary lists every line and details the ones not correct', () => {
  const grid = differenceGrid(m(2, 2, (i) => i), m(2, 2, () => 0));
  const text = exerciseSummary('backward.nlmx', {
    at: 'iteration 3 (epoch 1, batch 3 of 10), before phase dW3, of the loaded run',
    verdicts: [
      { line: 4, name: 'Y', verdict: 'helper', message: 'defines Y, 100×250' },
      { line: 5, name: 'dZ2', verdict: 'correct', message: 'correct', maxAbsDiff: 1e-9, relDiff: 2e-8 },
      { line: 6, name: 'dW3', verdict: 'wrong', message: 'differs by up to 1.00 (relative 1.00) in row 1 (1 of 2), every column (2); largest at [1, 0]', maxAbsDiff: 1, relDiff: 1, hint: 'wrong sign', difference: grid },
      { line: null, name: 'dW1', verdict: 'error', message: 'no line for dW1 (phase dW1)' },
    ],
  });
  const lines = text.split('\n');
  assert.deepEqual(lines.slice(0, 3), ['# NLM exercise check · backward.nlmx', '# checked on iteration 3 (epoch 1, batch 3 of 10), before phase dW3, of the loaded run', '# 1 of 3 lines correct']);
  assert.match(text, /^ {3}5 {2}dZ2 +correct +1\.00e-9 +2\.00e-8$/m);
  assert.match(text, /^ {3}— {2}dW1 +error$/m);
  assert.match(text, /## line 6 · dW3: wrong\ndiffers by up to 1\.00 .*\nhint: wrong sign\n\n\|got − expected\|, one character per cell \(one entry\)/);
  assert.match(text, /## no line · dW1: error\nno line for dW1 \(phase dW1\)/);
});
