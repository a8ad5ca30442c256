// A tensor as a plain-text document: its statistics, then one line per row, labelled with the
// word the row belongs to when that axis is the vocabulary (b2's entries, W1's rows, …).
import { formatNumber, formatStats } from '../../engine/metrics';
import type { RunInfo, Snapshot, TensorData } from '../protocol';

/** Columns shown per row of a matrix; wider rows end in "…". */
const MAX_COLUMNS = 32;

export function tensorText(t: TensorData, info: RunInfo, snapshot: Snapshot | undefined): string {
  const c = snapshot?.cursor;
  const where = c ? ` after ${c.steps} iterations (epoch ${c.epoch + 1}, batch ${c.batch})` : '';
  const rowWords = info.wordAxes[t.name]?.includes(0) ? info.vocab : undefined;
  const width = t.rows > 0 ? t.values.length / t.rows : 0;
  const labels = Array.from({ length: t.rows }, (_, r) => {
    const i = t.rowStart + r;
    return rowWords ? `${i} ${rowWords[i]}` : String(i);
  });
  const labelWidth = Math.max(0, ...labels.map((l) => l.length));
  const lines = [`${t.name} of ${info.dataset.name}${where}`, formatStats(t.stats), ''];
  labels.forEach((label, r) => {
    const cells = Array.from(t.values.subarray(r * width, r * width + Math.min(width, MAX_COLUMNS)), (v) => formatNumber(v).padStart(10));
    lines.push(`${label.padEnd(labelWidth)} ${cells.join('')}${width > MAX_COLUMNS ? ' …' : ''}`);
  });
  return lines.join('\n') + '\n';
}
