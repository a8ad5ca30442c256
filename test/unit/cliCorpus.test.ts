// The corpus options of the CLI: a text corpus read with a vocabulary size, a minimum count, a
// context size, case and punctuation kept or not; what became of the text is printed before training.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';

const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-cli-corpus-'));
const corpus = path.join(tmp, 'story.txt');
// 40 sentences of 6 words and a period attached to the last one; "rarely" appears once.
fs.writeFileSync(
  corpus,
  Array.from({ length: 40 }, (_, i) => `The ${['cat', 'dog', 'bird', 'fox'][i % 4]} saw the ${['tree', 'river', 'hill', 'road', 'house'][i % 5]} today.`).join('\n') + '\nIt rarely rains.\n',
);

// In the temporary folder, so the runs `train` records (.nlm/runs) land there, not in the repository.
function nlm(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: tmp });
}

test('train prints V, tokens, <unk> share and n-grams of a text corpus read with the options given', () => {
  const r = nlm('train', '--data', corpus, '--vocab', '8', '--min-count', '2', '--context', '2', '--epochs', '1', '--hidden', '8');
  assert.equal(r.status, 0, r.stderr);
  const first = r.stdout.split('\n')[0];
  // 40 × 7 tokens + 4: "the" ×80, "." ×41, "saw" and "today" ×40, then the animals ×10 each.
  assert.match(first, /^\S+\/story\.txt: V=8, 284 tokens \(16 distinct, [\d.]+ % now <unk>, punctuation split\); \d+ train \/ \d+ valid \/ \d+ test 3-grams$/);
  const unkShare = Number(/([\d.]+) % now <unk>/.exec(first)![1]);
  // Kept: the, ".", saw, today, cat, dog, bird + <unk>; "fox" (×10), every place (×8 each) and the
  // last sentence's 3 words are <unk>.
  assert.equal(unkShare, Number(((100 * (10 + 40 + 3)) / 284).toFixed(2)));
  const kept = nlm('train', '--data', corpus, '--keep-case', '--keep-punctuation', '--epochs', '1', '--hidden', '8');
  assert.equal(kept.status, 0, kept.stderr);
  assert.match(kept.stdout.split('\n')[0], /^\S+\/story\.txt: V=16, 243 tokens \(16 distinct, 0\.00 % now <unk>, punctuation kept\); \d+ train \/ \d+ valid \/ \d+ test 4-grams$/);
});

test('a corpus option out of its range is one line on stderr naming it', () => {
  const r = nlm('train', '--data', corpus, '--context', '12');
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim(), 'nlm: context must be a whole number from 1 to 10, got 12');
  const e = nlm('train', '--data', corpus, '--vocab', 'many');
  assert.equal(e.status, 1);
  assert.match(e.stderr, /^nlm: --vocab must be a whole number \(got "many"\)\n/);
});
