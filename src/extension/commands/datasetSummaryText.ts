// The one-line figures the dataset picker shows for a text corpus before training: n-grams per
// split, or, for token streams, the tokens of each split and the windows an epoch reads.
import { streamWindows } from '../../engine/streamBatches';
import type { DatasetSummary } from '../protocol';

/** How training reads token streams: B parallel streams, windows of K tokens. */
export interface StreamReading {
  streams: number;
  window: number;
}

/** "913,373 tokens, 12,842 distinct · 0.61 % <unk> · 656,043 train / 82,011 valid / 82,013 test 4-grams · punctuation split";
 *  for streams "… · 730,000 train / 91,000 valid / 92,000 test tokens as 20 streams: 1,042 windows of 35 tokens an epoch · …". */
export function describeSummary(s: DatasetSummary, reading?: StreamReading): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const t = s.streamTokens;
  const splits = t
    ? `${n(t.train)} train / ${n(t.valid)} valid / ${n(t.test)} test tokens${reading ? ` as ${reading.streams} streams: ${n(Math.max(0, streamWindows(t.train, reading.streams, reading.window)))} windows of ${reading.window} tokens an epoch` : ''}`
    : `${n(s.train)} train / ${n(s.valid)} valid / ${n(s.test)} test ${s.context + 1}-grams`;
  const c = s.corpus;
  if (!c) return splits;
  const unk = ((100 * c.unkTokens) / c.tokens).toFixed(2);
  return `${n(c.tokens)} tokens, ${n(c.distinct)} distinct · ${unk} % <unk> · ${splits} · punctuation ${c.punctuation}`;
}
