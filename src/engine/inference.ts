// Using a trained model: next-word predictions, generated sentences, embedding neighbours.
import { InputError } from './errors';
import { jsKernels, Kernels } from './kernels';
import { createModel, modelDefinition } from './models';
import { Model, ModelShape, Params } from './models/model';
import { Rng } from './rng';
import { EOS } from './data/vocabulary';

export interface WordScore {
  word: string;
  /** Probability for predictions, cosine similarity for neighbours. */
  score: number;
}

export class Predictor {
  /** The model reading a context: one for an n-gram model; for a stream model, one per prompt
   *  length (the prompt is read through the recurrence from a zero state, as a context of that
   *  many words). */
  private readonly models = new Map<number, Model>();
  private readonly kernels: Kernels;
  private readonly ids: Map<string, number>;
  /** The parameter whose rows are the words' vectors, if the model has one. */
  private readonly embedding: string | undefined;

  constructor(
    readonly shape: ModelShape,
    readonly params: Params,
    readonly vocab: readonly string[],
    kernels: Kernels = jsKernels,
  ) {
    this.kernels = kernels;
    this.embedding = modelDefinition(shape.kind).paramSpecs(shape).find((p) => p.role === 'embedding')?.name;
    this.ids = new Map(vocab.map((w, i) => [w, i]));
  }

  /** Splits "city of new" into exactly `context` known word ids (a stream model: any number of
   *  them, after <eos>, which starts every line it trained on); names the unknown word. */
  contextIds(text: string): Int32Array {
    const words = text.toLowerCase().trim().split(/\s+/).filter(Boolean);
    if (this.shape.task === 'stream') {
      if (words.length === 0) throw new InputError('context', 'give at least one word');
      const eos = this.ids.get(EOS);
      return Int32Array.from([...(eos === undefined ? [] : [eos]), ...words.map((w) => this.wordId(w))]);
    }
    const c = this.shape.context;
    if (words.length !== c) throw new InputError('context', `expected ${c} words, got ${words.length} ("${text}")`);
    return Int32Array.from(words, (w) => this.wordId(w));
  }

  wordId(word: string): number {
    const id = this.ids.get(word.toLowerCase());
    if (id === undefined) throw new InputError('vocabulary', `"${word}" is not one of the model's ${this.vocab.length} words`);
    return id;
  }

  /** Probabilities of every word following the context. */
  distribution(ids: Int32Array): Float64Array {
    return Float64Array.from(this.modelFor(ids.length).predict(ids, 1).probabilities);
  }

  private modelFor(words: number): Model {
    const context = this.shape.task === 'stream' ? words : this.shape.context;
    let model = this.models.get(context);
    if (!model) {
      const shape: ModelShape = this.shape.task === 'stream' ? { ...this.shape, task: 'ngram', context } : this.shape;
      this.models.set(context, (model = createModel(shape, this.params, 1, this.kernels)));
    }
    return model;
  }

  topK(text: string, k = 10): WordScore[] {
    return this.rank(this.distribution(this.contextIds(text)), k);
  }

  /** Continues `text` word by word; temperature 0 is greedy. */
  generate(text: string, words = 10, temperature = 0, seed = 1): string[] {
    const ids = Array.from(this.contextIds(text));
    const rng = new Rng(seed);
    const c = this.shape.context;
    const out: string[] = [];
    for (let i = 0; i < words; i++) {
      const p = this.distribution(Int32Array.from(this.shape.task === 'stream' ? ids : ids.slice(-c)));
      const next = temperature > 0 ? sample(p, temperature, rng) : argmax(p);
      ids.push(next);
      out.push(this.vocab[next]);
    }
    return out;
  }

  /** Words whose embedding rows are most similar (cosine) to the given word's, among the first
   *  `among` words of the vocabulary (a text corpus lists its words most frequent first, so these
   *  are its most frequent: CMU 10-707 looks among the 1,000 most frequent), every word by default. */
  nearest(word: string, k = 10, among = this.vocab.length): WordScore[] {
    if (!this.embedding) throw new Error(`a ${this.shape.kind} model has no word embeddings`);
    const id = this.wordId(word);
    const { shape, data: w1 } = this.params[this.embedding];
    const D = shape[1];
    const norm = (i: number) => Math.sqrt(dot(w1, i * D, i * D, D)) || 1;
    const base = norm(id);
    const scores = new Float64Array(Math.min(among, this.vocab.length));
    for (let i = 0; i < scores.length; i++) scores[i] = i === id ? -Infinity : dot(w1, id * D, i * D, D) / (base * norm(i));
    return this.rank(scores, k);
  }

  private rank(scores: Float64Array, k: number): WordScore[] {
    return Array.from(scores.keys())
      .sort((a, b) => scores[b] - scores[a] || a - b)
      .slice(0, k)
      .map((i) => ({ word: this.vocab[i], score: scores[i] }));
  }
}

function dot(a: ArrayLike<number>, i: number, j: number, n: number): number {
  let s = 0;
  for (let d = 0; d < n; d++) s += a[i + d] * a[j + d];
  return s;
}

function argmax(p: Float64Array): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
}

/** Samples from p^(1/T), renormalised. */
function sample(p: Float64Array, temperature: number, rng: Rng): number {
  const w = p.map((x) => Math.pow(x, 1 / temperature));
  let total = 0;
  for (const x of w) total += x;
  let u = rng.uniform() * total;
  for (let i = 0; i < w.length; i++) {
    u -= w[i];
    if (u <= 0) return i;
  }
  return w.length - 1;
}
