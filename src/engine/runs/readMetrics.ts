// Reads a run's metrics.jsonl back. A process killed in the middle of an append can leave a last
// line without its newline; that line is left out rather than failing the whole file.
import * as fs from 'fs';
import * as path from 'path';
import { METRICS_FILE, MetricsLine } from './runFiles';

export function readMetrics(runDir: string): MetricsLine[] {
  const text = fs.readFileSync(path.join(runDir, METRICS_FILE), 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  return complete
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as MetricsLine);
}
