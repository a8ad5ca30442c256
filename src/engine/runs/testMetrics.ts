// The test-split metrics a run's summary keeps when it was trained with --test (or a sweep file's
// "test": true): the finished model evaluated on the test split, the same for the CLI and the worker.
import { Evaluator } from '../evaluate';
import type { Trainer } from '../trainer';
import { RunSummary } from './runFiles';

export function testMetrics(t: Trainer): NonNullable<RunSummary['test']> {
  const r = new Evaluator(t.shape, t.params, t.kernels).evaluateSplit(t.dataset, 'test');
  return { ce: r.ce, acc: r.acc, top5: r.top5, perplexity: r.perplexity };
}
