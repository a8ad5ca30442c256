// The embedding map's search box and frequency colours: finding a typed word (exact, any case, or
// the most frequent word it begins), its nearest neighbours by cosine in W1, and where a frequency
// rank falls on the colour scale.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/engine/rng';
import { rankShare, rankTicks } from '../../webview/frequencyScale';
import { nearestByCosine } from '../../webview/neighbours';
import { findWord } from '../../webview/wordSearch';

const WORDS = ['the', 'and', 'of', 'The', 'lord', 'lords', 'lordship', 'Israel', 'is'];

test('findWord: the word itself first, then any case, then the most frequent word it begins', () => {
  assert.equal(findWord(WORDS, 'The'), 3);
  assert.equal(findWord(WORDS, 'the'), 0);
  assert.equal(findWord(WORDS, '  lords '), 5);
  assert.equal(findWord(WORDS, 'israel'), 7);
  assert.equal(findWord(WORDS, 'AND'), 1);
  assert.equal(findWord(WORDS, 'lordsh'), 6);
  assert.equal(findWord(WORDS, 'lor'), 4, 'the earliest (most frequent) of lord, lords, lordship');
  assert.equal(findWord(WORDS, 'Is'), 8, 'a whole word wins over a longer word it begins');
  assert.equal(findWord(WORDS, 'zebra'), undefined);
  assert.equal(findWord(WORDS, '   '), undefined);
});

test('the word found and its nearest neighbours by cosine: its planted group, most similar first', () => {
  // 8,000 rows in 40 groups (row i in group i % 40): a direction per group, scaled and jittered.
  const n = 8000;
  const dim = 16;
  const rng = new Rng(4);
  const centres = Array.from({ length: 40 }, () => Array.from({ length: dim }, () => rng.normal()));
  const rows = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    const scale = 0.5 + rng.uniform() * 3;
    for (let d = 0; d < dim; d++) rows[i * dim + d] = scale * (centres[i % 40][d] + 0.2 * rng.normal());
  }
  const words = Array.from({ length: n }, (_, i) => `w${i}`);
  const found = findWord(words, 'W5003');
  assert.equal(found, 5003);
  const neighbours = nearestByCosine(rows, n, dim, 5003, 8);
  assert.equal(neighbours.length, 8);
  assert.deepEqual(neighbours.filter((nb) => nb.index % 40 !== 5003 % 40), [], 'all from its group, whatever their lengths');
  assert.ok(!neighbours.some((nb) => nb.index === 5003), 'not the word itself');
  for (let k = 1; k < 8; k++) assert.ok(neighbours[k - 1].similarity >= neighbours[k].similarity);
});

test('frequency colours: rank 1 at one end, the rarest at the other, on a log scale', () => {
  assert.equal(rankShare(0, 8000), 0);
  assert.equal(rankShare(7999, 8000), 1);
  assert.ok(Math.abs(rankShare(99, 8000) - Math.log(100) / Math.log(8000)) < 1e-12, 'log scale');
  assert.ok(rankShare(10, 8000) < rankShare(11, 8000));
  assert.equal(rankShare(0, 1), 0);
  assert.deepEqual(rankTicks(8000), [1, 10, 100, 1000, 8000]);
  assert.deepEqual(rankTicks(250), [1, 10, 100, 250]);
  assert.deepEqual(rankTicks(100), [1, 10, 100]);
});

test('nearest neighbours among the first N rows only (a frequency-ordered vocabulary\'s most frequent words)', () => {
  // Rows 0–3 point along x, rows 4–5 along y; row 5 is nearest row 4, but not among the first 4.
  const rows = [1, 0, 0.9, 0.1, 0.8, 0.3, 0.7, 0.2, 0, 1, 0.05, 1];
  assert.deepEqual(nearestByCosine(rows, 6, 2, 4, 1).map((n) => n.index), [5]);
  const among = nearestByCosine(rows, 6, 2, 4, 2, 4);
  assert.deepEqual(among.map((n) => n.index), [2, 3]);
  assert.ok(among.every((n) => n.index < 4));
  assert.equal(nearestByCosine(rows, 6, 2, 4, 10, 100).length, 5, 'a shortlist longer than the vocabulary is every word');
});
