// The built-in demo corpus: deterministic, about 250 words that all occur, known word classes,
// quick to generate, and about 60–100k 4-grams.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SPLITS } from '../../src/engine/data/dataset';
import { demoDataset } from '../../src/engine/data/demo';

test('the same seed gives the same corpus, another seed another one', () => {
  const a = demoDataset({ seed: 5 });
  const b = demoDataset({ seed: 5 });
  const c = demoDataset({ seed: 6 });
  assert.deepEqual(a.vocab, b.vocab);
  assert.deepEqual(a.wordClasses, b.wordClasses);
  for (const name of SPLITS) {
    assert.deepEqual(a[name].inputs, b[name].inputs, name);
    assert.deepEqual(a[name].targets, b[name].targets, name);
  }
  assert.notDeepEqual(a.train.targets, c.train.targets);
  // The default seed is 1.
  assert.deepEqual(demoDataset().train.inputs, demoDataset({ seed: 1 }).train.inputs);
});

test('vocabulary of 240–260 unique words, every one of which occurs in the data', () => {
  for (const seed of [1, 2, 3]) {
    const ds = demoDataset({ seed });
    const V = ds.vocab.length;
    assert.ok(V >= 240 && V <= 260, `V = ${V}`);
    assert.equal(new Set(ds.vocab).size, V, 'no duplicate words');
    for (const w of ds.vocab) assert.ok(w.length > 0 && w === w.toLowerCase() && !/\s/.test(w), JSON.stringify(w));
    const seen = new Uint8Array(V);
    for (const name of SPLITS) {
      for (const id of ds[name].inputs) seen[id] = 1;
      for (const id of ds[name].targets) seen[id] = 1;
    }
    const unused = ds.vocab.filter((_, i) => !seen[i]);
    assert.deepEqual(unused, [], `seed ${seed}: words never in the data`);
    // Every id indexes the vocabulary.
    for (const name of SPLITS) for (const arr of [ds[name].inputs, ds[name].targets]) for (const id of arr) assert.ok(id >= 0 && id < V);
  }
});

test('wordClasses names a class for every word, with at least 10 classes', () => {
  const ds = demoDataset();
  assert.ok(ds.wordClasses);
  assert.equal(ds.wordClasses.length, ds.vocab.length);
  for (const c of ds.wordClasses) assert.ok(typeof c === 'string' && c.length > 0);
  const classes = new Set(ds.wordClasses);
  assert.ok(classes.size >= 10, `${classes.size} classes`);
  const classOf = (w: string) => ds.wordClasses![ds.vocab.indexOf(w)];
  assert.equal(classOf('monday'), classOf('friday'));
  assert.equal(classOf('london'), classOf('paris'));
  assert.notEqual(classOf('monday'), classOf('london'));
});

test('generation is quick and gives about 60–100k 4-grams split about 80/10/10', () => {
  demoDataset({ seed: 9 }); // warm up the JIT
  const t0 = performance.now();
  const ds = demoDataset({ seed: 2 });
  const ms = performance.now() - t0;
  console.log(`demo corpus: ${ms.toFixed(0)} ms, V = ${ds.vocab.length}, ${ds.train.n}/${ds.valid.n}/${ds.test.n} 4-grams`);
  // Measured ~0.2 s; the bound is generous for a busy 2-core machine, a regression is 10× slower.
  assert.ok(ms < 5000, `${ms.toFixed(0)} ms`);
  const total = ds.train.n + ds.valid.n + ds.test.n;
  assert.ok(total >= 60_000 && total <= 100_000, `${total} 4-grams`);
  assert.equal(ds.context, 3);
  assert.equal(ds.name, 'demo');
  assert.equal(ds.source, 'demo');
  for (const name of SPLITS) {
    assert.equal(ds[name].inputs.length, ds[name].n * 3);
    assert.equal(ds[name].targets.length, ds[name].n);
  }
  assert.ok(Math.abs(ds.train.n / total - 0.8) < 0.02, `train share ${ds.train.n / total}`);
  assert.ok(Math.abs(ds.valid.n / total - 0.1) < 0.02 && Math.abs(ds.test.n / total - 0.1) < 0.02);
});

test('the n-grams follow the grammar: "." and "?" end sentences, so they never appear mid-context before a word', () => {
  const ds = demoDataset();
  const dot = ds.vocab.indexOf('.');
  const q = ds.vocab.indexOf('?');
  assert.ok(dot >= 0 && q >= 0);
  for (const name of SPLITS) {
    const s = ds[name];
    for (let r = 0; r < s.n; r++) {
      for (let k = 0; k < 3; k++) {
        const id = s.inputs[r * 3 + k];
        assert.ok(id !== dot && id !== q, `${name} row ${r}: a sentence end inside the context (n-grams cross sentences)`);
      }
    }
  }
  // A small corpus when asked.
  const small = demoDataset({ sentences: 100 });
  assert.ok(small.train.n + small.valid.n + small.test.n < 1000);
});
