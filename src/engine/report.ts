// A fuller evaluation of a model on a split: the headline metrics plus what a student looks at
// next — the most frequent confusions, accuracy per word (most frequent first), and sample predictions.
import { Dataset, SplitName } from './data/dataset';
import { EvalResult, Evaluator, HeadlineTotals, runToEnd } from './evaluate';
import { Kernels } from './kernels';
import { ModelShape, Params } from './models/model';
import { InputError } from './errors';
import { bestGuess } from './scoring';
import { FloatArray } from './tensor';

/** Tokens of a stream sample's context: the last ones read before its prediction. */
const SAMPLE_CONTEXT = 6;

export interface EvaluationReport extends EvalResult {
  dataset: string;
  split: string;
  /** What `n` counts: n-gram examples, or the tokens predicted over a model's token streams. */
  unit: 'examples' | 'tokens';
  topErrors: { target: string; predicted: string; count: number }[];
  /** Every word that is a target in the split, most frequent first. */
  perWord: { word: string; count: number; acc: number }[];
  samples: { context: string; target: string; predicted: string; p: number }[];
}

export function evaluationReport(...args: Parameters<typeof evaluationReportSteps>): EvaluationReport {
  return runToEnd(evaluationReportSteps(...args));
}

/** evaluationReport one chunk of examples per step, yielding the examples done so far. */
export function* evaluationReportSteps(
  shape: ModelShape,
  params: Params,
  dataset: Dataset,
  split: SplitName,
  kernels: Kernels,
  sampleCount = 12,
): Generator<number, EvaluationReport> {
  const data = dataset[split];
  const V = shape.vocabSize;
  const C = shape.context;
  const vocab = dataset.vocab;
  const evaluator = new Evaluator(shape, params, kernels);
  const headline = new HeadlineTotals(V);
  const errors = new Map<number, number>();
  const perTarget = new Int32Array(V);
  const perTargetCorrect = new Int32Array(V);
  const every = Math.max(1, Math.floor(data.n / sampleCount));
  const samples: EvaluationReport['samples'] = [];
  // Right and wrong by the evaluator's rule (scoring.ts): a tie for the top is an error, and its
  // guess is the tied word that is not the target.
  const visit = (row: number, target: number, p: FloatArray, z: FloatArray, o: number, context: ArrayLike<number>) => {
    const rank = headline.add(target, z, o);
    const best = bestGuess(z, o, V, target);
    perTarget[target]++;
    if (rank === 0) perTargetCorrect[target]++;
    else errors.set(target * V + best, (errors.get(target * V + best) ?? 0) + 1);
    if (row % every === 0 && samples.length < sampleCount) {
      const words = Array.from(context, (id) => vocab[id]);
      samples.push({ context: words.join(' '), target: vocab[target], predicted: vocab[best], p: p[o + best] });
    }
  };
  let n = data.n;
  if (shape.task === 'stream') {
    // Per token, over the streams as the engine evaluates them (evaluateStream); a sample's context
    // is the last few tokens its stream read in the window.
    if (!dataset.stream) throw new InputError(dataset.source, 'is read as n-grams, but the model was trained on token streams: read it as streams (task stream)');
    let row = 0;
    n = yield* evaluator.streamPredictionWindows(dataset.stream[split], dataset.source, (target, p, z, o, read) => visit(row++, target, p, z, o, read.subarray(Math.max(0, read.length - SAMPLE_CONTEXT))));
  } else {
    if (dataset.stream) throw new InputError(dataset.source, 'is read as token streams, but the model was trained on n-grams: read it as n-grams (task ngram)');
    yield* evaluator.predictionChunks(data, (row, p, z, o) => visit(row, data.targets[row], p, z, o, data.inputs.subarray(row * C, row * C + C)));
  }
  const topErrors = [...errors.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, 15)
    .map(([key, count]) => ({ target: vocab[Math.floor(key / V)], predicted: vocab[key % V], count }));
  const perWord = Array.from(perTarget.keys())
    .filter((id) => perTarget[id] > 0)
    .sort((a, b) => perTarget[b] - perTarget[a] || a - b)
    .map((id) => ({ word: vocab[id], count: perTarget[id], acc: perTargetCorrect[id] / perTarget[id] }));
  return { ...headline.result(n), dataset: dataset.name, split, unit: shape.task === 'stream' ? 'tokens' : 'examples', topErrors, perWord, samples };
}
