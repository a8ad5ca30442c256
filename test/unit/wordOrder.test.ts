// The heatmap's word order: a typed or pasted word list looked up in the vocabulary (words it
// lacks reported), and a matrix's word axis picked in the list's order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWordList, pickWordAxis } from '../../webview/wordOrder';

const VOCAB = ['<unk>', 'the', 'lord', 'God', 'monday', 'tuesday', 'god'];

test('a word list: found words in the order typed, each once; missing ones reported, not dropped', () => {
  assert.deepEqual(parseWordList('tuesday, monday\nthe  lord', VOCAB), { indices: [5, 4, 1, 2], missing: [] });
  assert.deepEqual(parseWordList('God god GOD', VOCAB), { indices: [3, 6], missing: [] }, 'as written first, else in any case');
  assert.deepEqual(parseWordList('Monday; friday the friday sabbath lord the', VOCAB), { indices: [4, 1, 2], missing: ['friday', 'sabbath'] });
  assert.deepEqual(parseWordList('  ', VOCAB), { indices: [], missing: [] });
});

test('picking the word axis: W1 rows, W3 columns, in the order given', () => {
  // 4 words × 2 (W1-like): row r is [10r, 10r + 1].
  const w1 = [0, 1, 10, 11, 20, 21, 30, 31];
  assert.deepEqual(pickWordAxis(w1, 4, 2, 'rows', [3, 0, 2]), [30, 31, 0, 1, 20, 21]);
  // 2 × 4 (W3-like): entry (i, j) is 10i + j.
  const w3 = [0, 1, 2, 3, 10, 11, 12, 13];
  assert.deepEqual(pickWordAxis(w3, 2, 4, 'columns', [2, 0]), [2, 0, 12, 10]);
  assert.deepEqual(pickWordAxis(w3, 2, 4, 'columns', []), []);
});
