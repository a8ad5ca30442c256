// A realistic stream of extension → dashboard messages for the harness: a demo-like vocabulary of
// 250 words in classes, a training run whose loss decays, epochs, and tensor replies (W1 rows are
// drawn around a centre per word class, so the embedding map has structure to show).

const CLASSES = {
  number: 'one two three four five six seven eight nine ten eleven twelve',
  'number (tens)': 'twenty thirty forty fifty hundred thousand million',
  ordinal: 'first second third',
  pronoun: 'i you he she it we they',
  'object pronoun': 'me him her us them',
  possessive: 'my your his their our its',
  determiner: 'the a an this that these those some any every each no all both',
  verb: 'is was are were be been have has had do does did',
  'verb (base)': 'go see make take say know think get come want like love run eat play work live',
  'verb (past)': 'went saw made took said knew got came',
  modal: 'can could will would should may might must',
  preposition: 'of in on at to from with for by about into over under after before between',
  place: 'city york london paris home school office street country world house park river town church hospital market station village island mountain beach forest road',
  weekday: 'monday tuesday wednesday thursday friday saturday sunday',
  time: 'today tomorrow yesterday morning evening night week month year day hour minute',
  family: 'man woman child people family friend mother father son daughter brother sister',
  role: 'president doctor teacher police student king queen',
  organisation: 'team government company party group',
  adjective: 'good new old big small long great little high right last own other same',
  quantifier: 'few many more most much only',
  evaluative: 'sure best bad young',
  noun: 'money water food car book music game story letter picture door window table phone computer paper',
  'abstract noun': 'business war life part way thing',
  conjunction: 'and or but not so if',
  'wh-word': 'when what who how where why',
  adverb: 'there here up out just very also too then than now',
  punctuation: ', . ? ! ; :',
};
/** Classes whose words are used almost alike: their W1 rows point nearly the same way (cos ≈ 0.999). */
const TIGHT_CLASSES = new Set(['weekday']);

export const V = 250;
export const D = 16;
export const P = 128;
export const BATCHES_PER_EPOCH = 600;
export const BATCH = 100;

/** Small deterministic generator (mulberry32) with a normal sampler. */
export function random(seed) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

export function vocabulary() {
  const vocab = [];
  const classes = [];
  for (const [name, words] of Object.entries(CLASSES)) {
    for (const w of words.split(' ')) {
      if (vocab.length < V && !vocab.includes(w)) {
        vocab.push(w);
        classes.push(name);
      }
    }
  }
  for (let i = 0; vocab.length < V; i++) {
    vocab.push(`word${i}`);
    classes.push('noun');
  }
  return { vocab, classes };
}

const PHASES = [
  ['embed', 'forward', 'E = [W1[x1]; W1[x2]; W1[x3]]'],
  ['hidden', 'forward', 'Z1 = E·W2 + b1'],
  ['activation', 'forward', 'H = σ(Z1)'],
  ['output', 'forward', 'Z2 = H·W3 + b2'],
  ['softmax', 'forward', 'P = softmax(Z2)'],
  ['loss', 'forward', 'L = −mean(log P[y])'],
  ['dZ2', 'backward', 'dZ2 = (P − Y) / N'],
  ['dW3', 'backward', 'dW3 = Hᵀ·dZ2 ; db2 = Σ dZ2'],
  ['dH', 'backward', 'dH = dZ2·W3ᵀ'],
  ['dZ1', 'backward', 'dZ1 = dH ⊙ σ′(Z1)'],
  ['dW2', 'backward', 'dW2 = Eᵀ·dZ1 ; db1 = Σ dZ1'],
  ['dE', 'backward', 'dE = dZ1·W2ᵀ'],
  ['dW1', 'backward', 'dW1[x_k] += dE_k'],
  ['update', 'update', 'θ ← θ − lr·dθ'],
];

const SHAPES = { W1: [V, D], W2: [3 * D, P], b1: [P], W3: [P, V], b2: [V] };
const HIDDEN_AXIS = { title: 'hidden unit', unit: 'hidden unit' };
const NEXT_WORD_AXIS = { title: 'next word', unit: 'column' };
/** The parameters as the MLP declares them (src/engine/models/mlp/params.ts), for RunInfo.params. */
const DECLARED = {
  W1: { role: 'embedding', title: 'word embeddings', description: 'Row i is the learned vector of word i.', gradientDescription: 'Last mini-batch only: rows of words absent from its contexts are zero.', axes: [{ title: 'word', unit: 'row' }, { title: 'embedding dimension', unit: 'dimension' }] },
  W2: { role: 'weight', title: 'embeddings → hidden', description: 'Rows: the 3 context words’ embedding dimensions; columns: hidden units.', gradientDescription: 'Last mini-batch’s ∂L/∂W2 = Eᵀ·dZ1.', axes: [{ title: 'context word · embedding dimension', unit: 'row' }, HIDDEN_AXIS], contextBlock: D },
  b1: { role: 'bias', title: 'hidden bias', description: 'One bias per hidden unit.', gradientDescription: 'Last mini-batch’s ∂L/∂b1 = Σ dZ1.', axes: [HIDDEN_AXIS] },
  W3: { role: 'weight', title: 'hidden → output', description: 'Row per hidden unit; column j feeds the score of next word j.', gradientDescription: 'Last mini-batch’s ∂L/∂W3 = Hᵀ·dZ2.', axes: [HIDDEN_AXIS, NEXT_WORD_AXIS] },
  b2: { role: 'bias', title: 'output bias', description: 'One bias per next word.', gradientDescription: 'Last mini-batch’s ∂L/∂b2 = Σ dZ2.', axes: [NEXT_WORD_AXIS] },
};

export function runInfo() {
  const { vocab, classes } = vocabulary();
  return {
    dataset: { name: 'demo', source: 'demo', vocabSize: V, train: BATCHES_PER_EPOCH * BATCH, valid: 6000, test: 6000 },
    config: {
      embeddingDim: D,
      hiddenUnits: P,
      activation: 'sigmoid',
      init: 'normal',
      initStd: 0.01,
      optimizer: 'adam',
      lr: 0.005,
      momentum: 0.9,
      beta1: 0.9,
      beta2: 0.999,
      lrDecay: 0.75,
      weightDecay: 0,
      batchSize: BATCH,
      epochs: 10,
      seed: 1,
      patience: 0,
    },
    modelKind: 'mlp',
    vocab,
    wordClasses: classes,
    phases: PHASES.map(([name, direction, math]) => ({ name, direction, math, reads: [], writes: [], subSteps: [] })),
    params: Object.entries(SHAPES).map(([name, shape]) => ({ name, shape, ...DECLARED[name] })),
    wordAxes: { W1: [0], W3: [1], b2: [0], dW1: [0], dW3: [1], db2: [0], Z2: [1], P: [1], dZ2: [1] },
    context: 3,
    embedding: 'W1',
    hiddenTensor: 'H',
    batchesPerEpoch: BATCHES_PER_EPOCH,
    kernels: 'js',
  };
}

/** Loss and accuracy of mini-batch `step` of the simulated run. */
function stepValues(rng, step) {
  const t = step / 1000;
  const loss = 3.1 + 2.45 * Math.exp(-t * 2.2) + 0.12 * rng.normal();
  const acc = Math.max(0, 0.34 * (1 - Math.exp(-t * 1.8)) + 0.03 * rng.normal());
  return [loss, acc];
}

/** A bucket of one record (src/extension/bucketSeries.ts), as the worker sends each step while a
 *  run is shorter than its bucket count. */
export function bucket(step, values, weight = 1) {
  return { from: step, to: step, count: 1, weight, peak: weight, sum: values.map((v) => v * weight), min: [...values], max: [...values], first: [...values], last: [...values] };
}

/** Merges `later` into `into` (the records of `later` come after those of `into`). */
function mergeInto(into, later) {
  into.to = later.to;
  into.count += later.count;
  into.weight += later.weight;
  into.sum = into.sum.map((v, k) => v + later.sum[k]);
  // (the harness's mini-batches are all full: the envelopes simply join)
  into.min = into.min.map((v, k) => Math.min(v, later.min[k]));
  into.max = into.max.map((v, k) => Math.max(v, later.max[k]));
  into.last = later.last.slice();
}

export const EMPTY_HISTORY = { steps: { buckets: [] }, firstSteps: { buckets: [] }, paramNames: [], params: { buckets: [] }, gradNames: [], grads: { buckets: [] }, ratios: { buckets: [] }, hidden: { buckets: [] } };

/** The history the extension host keeps of these messages: every step, the norms of every snapshot. */
export function historyOf(messages) {
  const snapshots = messages.filter((m) => m.type === 'snapshot').map((m) => m.snapshot);
  const perSnapshot = (values) => ({ buckets: snapshots.map((s) => bucket(s.cursor.steps, values(s))) });
  return {
    steps: { buckets: snapshots.flatMap((s) => s.steps) },
    firstSteps: { buckets: snapshots.flatMap((s) => s.steps).filter((b) => b.to <= 512) },
    paramNames: snapshots[0]?.params.map((p) => p.name) ?? [],
    params: perSnapshot((s) => s.params.map((p) => p.norm)),
    gradNames: snapshots[0]?.grads.map((g) => g.name) ?? [],
    grads: perSnapshot((s) => s.grads.map((g) => g.norm)),
    ratios: { buckets: snapshots.filter((s) => s.updateRatios).map((s) => bucket(s.cursor.steps, s.updateRatios)) },
    hidden: perSnapshot((s) => [s.hidden.saturated, 0]),
  };
}

/** A long run's history as the host holds it: `steps` mini-batches in buckets `width` wide, and
 *  the norms of a snapshot every `width` steps (from step `width`: the first steps' are missing). */
export function longHistory(steps, width) {
  const rng = random(11);
  const stepBuckets = [];
  const firstSteps = [];
  for (let s = 1; s <= steps; s++) {
    const b = bucket(s, stepValues(rng, s), BATCH);
    if (s <= 512) firstSteps.push({ ...b, sum: [...b.sum], min: [...b.min], max: [...b.max], first: [...b.first], last: [...b.last] });
    const last = stepBuckets.at(-1);
    if (last && Math.floor((last.from - 1) / width) === Math.floor((s - 1) / width)) mergeInto(last, b);
    else stepBuckets.push(b);
  }
  const snapshots = [];
  for (let s = width; s <= steps; s += width) snapshots.push(snapshot(rng, s, s));
  return { ...historyOf(snapshots), steps: { buckets: stepBuckets }, firstSteps: { buckets: firstSteps } };
}

function stats(name, shape, norm, rng) {
  const size = shape.reduce((a, b) => a * b, 1);
  const std = norm / Math.sqrt(size);
  return { name, shape, mean: 0.01 * rng.normal() * std, std, min: -3 * std, max: 3 * std, norm, nan: 0, inf: 0 };
}

/** Sigmoid activations whose pre-activations spread out as training goes on (saturation grows). */
function hidden(rng, step) {
  const spread = 0.4 + 3 * (1 - Math.exp(-step / 1500));
  const bins = 20;
  const counts = new Array(bins).fill(0);
  let saturated = 0;
  const samples = BATCH * P;
  for (let i = 0; i < samples; i++) {
    const h = 1 / (1 + Math.exp(-(rng.normal() * spread + 0.3 * rng.normal())));
    counts[Math.min(bins - 1, Math.floor(h * bins))]++;
    if (h < 0.01 || h > 0.99) saturated++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, i) => i / bins), counts, saturated: saturated / samples, deadUnits: 0, units: P };
}

export function snapshot(rng, fromStep, toStep, state = 'running') {
  const steps = [];
  for (let s = fromStep + 1; s <= toStep; s++) steps.push(bucket(s, stepValues(rng, s), BATCH));
  const t = toStep / 1000;
  const lr = 0.005 * Math.pow(0.75, Math.floor(toStep / BATCHES_PER_EPOCH));
  const gradNorm = { W1: 0.02 + 0.05 * Math.exp(-t), W2: 0.05 + 0.2 * Math.exp(-t * 1.5), b1: 0.01 + 0.03 * Math.exp(-t), W3: 0.3 + 0.9 * Math.exp(-t * 2), b2: 0.05 + 0.4 * Math.exp(-t * 3) };
  const paramNorm = { W1: 0.64 + 2.4 * (1 - Math.exp(-t)), W2: 0.78 + 3 * (1 - Math.exp(-t)), b1: 0.01 + 0.8 * (1 - Math.exp(-t)), W3: 1.8 + 5 * (1 - Math.exp(-t)), b2: 0.01 + 2 * (1 - Math.exp(-t * 2)) };
  const params = Object.entries(SHAPES).map(([n, shape]) => stats(n, shape, paramNorm[n] * (1 + 0.01 * rng.normal()), rng));
  const grads = Object.entries(SHAPES).map(([n, shape]) => stats(`d${n}`, shape, gradNorm[n] * Math.exp(0.25 * rng.normal()), rng));
  return {
    type: 'snapshot',
    snapshot: {
      state,
      cursor: { epoch: Math.floor(toStep / BATCHES_PER_EPOCH), batch: toStep % BATCHES_PER_EPOCH, phase: 0, sub: 0, steps: toStep },
      lr,
      steps,
      params,
      grads,
      hidden: hidden(rng, toStep),
      ...(toStep > 0 && { updateRatios: params.map((p, k) => Math.log10((lr * grads[k].std) / p.std)), gradHistograms: grads.map((g) => gradientHistogram(g, toStep)) }),
      examplesPerSecond: 41000 + 3000 * rng.normal(),
    },
  };
}

/** 30 bins of a gradient's entries from its least to its greatest value, as the worker sends them:
 *  normal around 0, and mostly exact zeros for dW1 (only the batch's words have a gradient). Own
 *  random stream, so the other fixtures' values stay as they were. */
function gradientHistogram(g, step) {
  const rng = random(step * 7 + g.name.length);
  const bins = 30;
  const width = (g.max - g.min) / bins;
  const counts = new Array(bins).fill(0);
  const sparse = g.name === 'dW1';
  for (let i = 0; i < 600; i++) {
    const x = sparse && rng.uniform() < 0.9 ? 0 : Math.max(g.min, Math.min(g.max, rng.normal() * g.std));
    counts[Math.min(bins - 1, Math.floor((x - g.min) / width))]++;
  }
  return { name: g.name, edges: Array.from({ length: bins + 1 }, (_, i) => g.min + i * width), counts };
}

export function epoch(n) {
  const t = (n * BATCHES_PER_EPOCH) / 1000;
  const ce = 3.25 + 2.3 * Math.exp(-t * 2.2);
  const acc = 0.31 * (1 - Math.exp(-t * 1.8));
  return {
    type: 'epoch',
    record: { epoch: n, trainCe: ce - 0.1, trainAcc: acc + 0.01, valid: { n: 6000, ce, acc, top5: acc + 0.25, perplexity: Math.exp(ce) }, seconds: 1.4, lr: 0.005 },
  };
}

/** A reply to requestTensor: W1 clustered by word class, the other tensors noise of a plausible scale. */
export function tensor(name, seed) {
  const rng = random(seed);
  const base = name.replace(/^d/, '');
  const shape = SHAPES[base];
  const rows = shape[0];
  const width = shape.length > 1 ? shape[1] : 1;
  const values = new Array(rows * width);
  if (base === 'W1' && !name.startsWith('d')) {
    const { classes } = vocabulary();
    const centres = new Map();
    const centreRng = random(7);
    for (const c of classes) if (!centres.has(c)) centres.set(c, Array.from({ length: D }, () => centreRng.normal() * 0.4));
    for (let i = 0; i < rows; i++) {
      const spread = TIGHT_CLASSES.has(classes[i]) ? 0.02 : 0.35;
      for (let d = 0; d < D; d++) values[i * D + d] = centres.get(classes[i])[d] + spread * rng.normal();
    }
  } else if (name.startsWith('d')) {
    // Gradients are sparse in W1 (only the batch's words) and small everywhere.
    const used = new Set(Array.from({ length: 60 }, () => Math.floor(rng.uniform() * rows)));
    for (let i = 0; i < rows; i++) for (let j = 0; j < width; j++) values[i * width + j] = base === 'W1' && !used.has(i) ? 0 : 1e-3 * rng.normal();
  } else {
    for (let i = 0; i < values.length; i++) values[i] = (base === 'W3' ? 0.25 : 0.15) * rng.normal();
  }
  let sumSq = 0;
  for (const v of values) sumSq += v * v;
  const st = stats(name, shape, Math.sqrt(sumSq), rng);
  return { type: 'tensor', data: { name, shape, rowStart: 0, rows, values, stats: { ...st, min: Math.min(...values), max: Math.max(...values) } } };
}

/** The run as the dashboard receives it: 'run', ~300 snapshots, an epoch record every 600 steps. */
export function trainingMessages(totalSteps, stepsPerSnapshot) {
  const rng = random(1);
  const messages = [{ type: 'run', runId: 'harness-run', info: runInfo(), epochs: [], history: EMPTY_HISTORY }, { type: 'state', state: 'running' }];
  for (let s = 0; s < totalSteps; s += stepsPerSnapshot) {
    const to = Math.min(totalSteps, s + stepsPerSnapshot);
    messages.push(snapshot(rng, s, to));
    if (Math.floor(to / BATCHES_PER_EPOCH) > Math.floor(s / BATCHES_PER_EPOCH)) messages.push(epoch(Math.floor(to / BATCHES_PER_EPOCH)));
  }
  return messages;
}

/** A text corpus's run at V = 8000 (issue 12): its words in order of frequency, no word classes. */
export const LARGE_V = 8000;
const LARGE_SHAPES = { W1: [LARGE_V, D], W2: [3 * D, P], b1: [P], W3: [P, LARGE_V], b2: [LARGE_V] };

export function largeVocabulary() {
  const { vocab } = vocabulary();
  return [...vocab, ...Array.from({ length: LARGE_V - vocab.length }, (_, i) => `w${vocab.length + i}`)];
}

export function largeRunInfo() {
  const info = runInfo();
  return {
    ...info,
    dataset: { ...info.dataset, name: 'kjv/kjv.txt', source: 'kjv.txt', vocabSize: LARGE_V, train: 655678, corpus: { tokens: 958000, distinct: 12850, unkTokens: 27000, punctuation: 'split' } },
    vocab: largeVocabulary(),
    wordClasses: undefined,
    params: Object.entries(LARGE_SHAPES).map(([name, shape]) => ({ name, shape, ...DECLARED[name] })),
  };
}

/** A reply to requestTensor at V = 8000: entry (i, j) is largeValue(i, j), a smooth function of its
 *  indices plus a little noise, so a zoomed window shows structure and each cell's value can be
 *  recomputed. With `withValues` false, the reply without its values (the harness makes them in the page). */
export function largeTensor(name, seed, withValues = true) {
  const base = name.replace(/^d/, '');
  const shape = LARGE_SHAPES[base];
  const rows = shape[0];
  const width = shape.length > 1 ? shape[1] : 1;
  const values = new Array(rows * width);
  for (let i = 0; i < rows; i++) for (let j = 0; j < width; j++) values[i * width + j] = largeValue(i, j);
  const st = stats(name, shape, Math.sqrt(values.reduce((s, v) => s + v * v, 0)), random(seed));
  const data = { name, shape, rowStart: 0, rows, stats: { ...st, min: values.reduce((a, b) => Math.min(a, b)), max: values.reduce((a, b) => Math.max(a, b)) } };
  return { type: 'tensor', data: withValues ? { ...data, values } : data };
}

export function largeValue(i, j) {
  return Math.round(1e4 * (0.2 * Math.sin(i / 37) * Math.cos(j / 3) + 0.05 * Math.sin(i * 12.9898 + j * 78.233))) / 1e4;
}
