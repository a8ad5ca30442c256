// The raw-text corpus loader: vocabulary by frequency, <unk> only when needed, n-grams within
// sentences, a seeded split by sentence, and bad input.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dataset, SPLITS } from '../../src/engine/data/dataset';
import { parseCorpus, readCorpus, UNK } from '../../src/engine/data/text';
import { throwsInputError } from './inputErrors';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-text-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const F = 'corpus/sentences.txt';

function write(name: string, content: string | Uint8Array): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
}

/** Every example of every split as words, "a b c -> d". */
function grams(ds: Dataset, splits = SPLITS): string[] {
  const out: string[] = [];
  for (const name of splits) {
    const s = ds[name];
    for (let r = 0; r < s.n; r++) {
      const ctx = Array.from(s.inputs.subarray(r * ds.context, (r + 1) * ds.context), (id) => ds.vocab[id]);
      out.push(`${ctx.join(' ')} -> ${ds.vocab[s.targets[r]]}`);
    }
  }
  return out;
}

const SMALL = 'the cat sat on the mat .\nThe dog sat on a log .\n';

test('vocabulary: most frequent first, ties in order of first occurrence, no <unk> when every word fits', () => {
  const ds = parseCorpus(SMALL, F);
  // the ×3; sat, on, "." ×2 (first seen in that order); then the words seen once, in order.
  assert.deepEqual(ds.vocab, ['the', 'sat', 'on', '.', 'cat', 'mat', 'dog', 'a', 'log']);
  assert.ok(!ds.vocab.includes(UNK));
  assert.deepEqual(parseCorpus(SMALL, F, { vocabSize: 9 }).vocab, ds.vocab, 'exactly as many words as the vocabulary size: still no <unk>');
  // Swapping which tied word comes first swaps them in the vocabulary.
  assert.deepEqual(parseCorpus('b a c d\na b c d\n', F).vocab, ['b', 'a', 'c', 'd']);
  assert.deepEqual(parseCorpus('a b c d\nb a c d\n', F).vocab, ['a', 'b', 'c', 'd']);
  // The same text always gives the same vocabulary.
  assert.deepEqual(parseCorpus(SMALL, F).vocab, parseCorpus(SMALL, F).vocab);
});

test('vocabulary: <unk> takes the last place only when the vocabulary is smaller than the word count', () => {
  const ds = parseCorpus(SMALL, F, { vocabSize: 5 });
  assert.deepEqual(ds.vocab, ['the', 'sat', 'on', '.', UNK]);
  const unk = ds.vocab.indexOf(UNK);
  assert.deepEqual(grams(ds).sort(), [
    'the <unk> sat -> on', '<unk> sat on -> the', 'sat on the -> <unk>', 'on the <unk> -> .',
    'the <unk> sat -> on', '<unk> sat on -> <unk>', 'sat on <unk> -> <unk>', 'on <unk> <unk> -> .',
  ].sort());
  assert.equal(unk, 4);
  const eight = parseCorpus(SMALL, F, { vocabSize: 8 });
  assert.equal(eight.vocab.length, 8);
  assert.deepEqual(eight.vocab, ['the', 'sat', 'on', '.', 'cat', 'mat', 'dog', UNK]);
});

test('a literal "<unk>" in the text is a word when everything fits, and one of the unknowns otherwise', () => {
  const text = 'x <unk> y z w\nx y <unk> z q\n';
  const all = parseCorpus(text, F);
  assert.equal(all.vocab.filter((w) => w === UNK).length, 1);
  assert.equal(all.vocab.length, 6);
  const cut = parseCorpus(text, F, { vocabSize: 3 });
  assert.deepEqual(cut.vocab, ['x', 'y', UNK], 'no duplicate <unk> entry');
  assert.equal(new Set(cut.vocab).size, cut.vocab.length);
});

test('4-grams only within sentences: exact count and content for a small corpus', () => {
  const text = ['a b c', 'd e f g', 'h i j k l', 'm n o p q r s', 'short'].join('\n');
  const ds = parseCorpus(text, F);
  assert.equal(ds.context, 3);
  // 0 + 1 + 2 + 4 + 0 = 7 4-grams, none across a line break.
  assert.equal(ds.train.n + ds.valid.n + ds.test.n, 7);
  assert.deepEqual(grams(ds).sort(), ['d e f -> g', 'h i j -> k', 'i j k -> l', 'm n o -> p', 'n o p -> q', 'o p q -> r', 'p q r -> s'].sort());
  for (const name of SPLITS) {
    const s = ds[name];
    assert.equal(s.inputs.length, s.n * 3);
    assert.equal(s.targets.length, s.n);
  }
  // Another context length.
  const tri = parseCorpus(text, F, { context: 2 });
  assert.equal(tri.context, 2);
  assert.equal(tri.train.n + tri.valid.n + tri.test.n, 1 + 2 + 3 + 5);
});

test('mixed case, leading and repeated spaces, tabs, CRLF and blank lines', () => {
  const messy = '  The CAT\tsat  on THE mat .\r\n\r\n   \n\tNo ,  he says now .\r\nthe cat sat on the mat .';
  const ds = parseCorpus(messy, F);
  for (const w of ds.vocab) {
    assert.equal(w, w.toLowerCase());
    assert.ok(w.length > 0 && !/\s/.test(w), JSON.stringify(w));
  }
  // the ×4, "." ×3, then cat, sat, on, mat ×2 in order of first occurrence.
  assert.deepEqual(ds.vocab.slice(0, 6), ['the', '.', 'cat', 'sat', 'on', 'mat']);
  const all = grams(ds);
  assert.equal(all.length, 4 + 3 + 4);
  assert.ok(all.includes('no , he -> says'));
  assert.equal(all.filter((g) => g === 'the cat sat -> on').length, 2);
});

/** 100 sentences whose words are unique to them ("s17w3"), so every n-gram names its sentence. */
function taggedCorpus(): string {
  const lines: string[] = [];
  for (let s = 0; s < 100; s++) lines.push(Array.from({ length: 4 + (s % 5) }, (_, k) => `s${s}w${k}`).join(' '));
  return lines.join('\n');
}

function sentencesBySplit(ds: Dataset): Record<string, Set<string>> {
  const out: Record<string, Set<string>> = {};
  for (const name of SPLITS) {
    out[name] = new Set();
    const s = ds[name];
    for (let r = 0; r < s.n; r++) {
      for (const id of [...s.inputs.subarray(r * 3, r * 3 + 3), s.targets[r]]) out[name].add(ds.vocab[id].split('w')[0]);
    }
  }
  return out;
}

test('the split is by sentence, 80/10/10, deterministic for a seed and different for another', () => {
  const text = taggedCorpus();
  const a = parseCorpus(text, F, { vocabSize: 10_000, seed: 7 });
  const b = parseCorpus(text, F, { vocabSize: 10_000, seed: 7 });
  const c = parseCorpus(text, F, { vocabSize: 10_000, seed: 8 });
  assert.ok(!a.vocab.includes(UNK));
  for (const name of SPLITS) {
    assert.deepEqual(a[name].inputs, b[name].inputs, `${name} inputs repeat for the same seed`);
    assert.deepEqual(a[name].targets, b[name].targets);
  }
  assert.notDeepEqual(a.train.targets, c.train.targets, 'another seed gives another split');

  for (const ds of [a, c]) {
    const by = sentencesBySplit(ds);
    assert.deepEqual([by.train.size, by.valid.size, by.test.size], [80, 10, 10]);
    for (const x of SPLITS) for (const y of SPLITS) if (x < y) for (const s of by[x]) assert.ok(!by[y].has(s), `sentence ${s} is in ${x} and ${y}`);
    // Each sentence's n-grams are all there: a sentence of L words gives L - 3.
    assert.equal(ds.train.n + ds.valid.n + ds.test.n, Array.from({ length: 100 }, (_, s) => 1 + (s % 5)).reduce((p, q) => p + q, 0));
  }
  const [ba, bc] = [sentencesBySplit(a), sentencesBySplit(c)];
  assert.notDeepEqual([...ba.test].sort(), [...bc.test].sort(), 'the test sentences differ between seeds');
  // The default seed is 1.
  assert.deepEqual(parseCorpus(text, F, { vocabSize: 10_000 }).train.targets, parseCorpus(text, F, { vocabSize: 10_000, seed: 1 }).train.targets);
});

test('readCorpus reads a file from disk, names the dataset after it, and drops a UTF-8 byte order mark', () => {
  const file = write('bom.txt', '\ufeffHello world this is fine\nsecond line has five words\n');
  const ds = readCorpus(file);
  assert.equal(ds.source, file);
  assert.equal(ds.name, 'bom.txt');
  assert.equal(ds.vocab[0], 'hello');
  const utf8 = readCorpus(write('utf8.txt', 'naïve café crème brûlée déjà vu\n'));
  assert.deepEqual(utf8.vocab, ['naïve', 'café', 'crème', 'brûlée', 'déjà', 'vu']);
});

test('bad input: empty, whitespace only, no sentence long enough, binary, invalid UTF-8, missing', () => {
  const empty = write('empty.txt', '');
  throwsInputError(() => readCorpus(empty), empty, /is empty/);
  const blank = write('blank.txt', '  \n\t\n\r\n');
  throwsInputError(() => readCorpus(blank), blank, /has no words|no sentence/);
  const short = write('short.txt', 'one two three\nfour five\nsix\n');
  throwsInputError(() => readCorpus(short), short, /has no sentence of 4 or more words, so no 4-grams/);

  // Random bytes, and a gzip file renamed .txt.
  const garbage = new Uint8Array(4096);
  for (let i = 0, x = 12345; i < garbage.length; i++) garbage[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  const bin = write('garbage.txt', garbage);
  throwsInputError(() => readCorpus(bin), bin, /does not look like a text corpus|binary|not valid UTF-8/);
  const gz = write('archive.txt', new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, ...new TextEncoder().encode('a b c d e f g')]));
  throwsInputError(() => readCorpus(gz), gz, /does not look like a text corpus|binary|not valid UTF-8/);
  const nul = write('nul.txt', 'some words here and there\nmore\0words on a line\n');
  throwsInputError(() => readCorpus(nul), nul, /binary data at byte 30/);

  // Latin-1 bytes where UTF-8 was expected ("café" as 63 61 66 e9).
  const latin1 = write('latin1.txt', Buffer.from('the café is open today\nthe café was closed yesterday\n'.repeat(3), 'latin1'));
  throwsInputError(() => readCorpus(latin1), latin1, /not valid UTF-8.*byte 7/);
  // After a UTF-8 byte order mark the offset still counts from the start of the file.
  const bomLatin1 = write('bom-latin1.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('the café is open today\n', 'latin1')]));
  throwsInputError(() => readCorpus(bomLatin1), bomLatin1, /not valid UTF-8 text \(byte 10\)/);
  const bomNul = write('bom-nul.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('the cat\0 sat on the mat\n')]));
  throwsInputError(() => readCorpus(bomNul), bomNul, /binary data at byte 10/);
  const missing = path.join(tmp, 'missing.txt');
  throwsInputError(() => readCorpus(missing), missing, /does not exist|could not be read/);
});
