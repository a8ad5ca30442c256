// The summary of an exercise check, as a plain-text document: the verdict of every line with its
// differences, then for each wrong line where it differs, as a small text heatmap of |got − expected|.
// No vscode import (unit-tested).
import type { DifferenceGrid } from '../../engine/exercise/compare';
import type { ExerciseReport, LineVerdict } from '../protocol';

/** Shades from no difference to the largest. */
const SHADES = ' ·░▒▓█';

export function exerciseSummary(file: string, report: ExerciseReport): string {
  const graded = report.verdicts.filter((v) => v.verdict !== 'helper');
  const correct = graded.filter((v) => v.verdict === 'correct').length;
  const out = [`# NLM exercise check · ${file}`, `# checked on ${report.at}`, `# ${correct} of ${graded.length} lines correct`, ''];
  const rows = report.verdicts.map((v) => [v.line === null ? '—' : String(v.line), v.name || '?', v.verdict, number(v.maxAbsDiff), number(v.relDiff)]);
  const header = ['line', 'name', 'verdict', 'max |diff|', 'relative'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (r: string[]) => r.map((c, i) => (i === 0 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  out.push(format(header), format(widths.map((w) => '-'.repeat(w))), ...rows.map(format));
  for (const v of report.verdicts.filter((x) => x.verdict !== 'correct' && x.verdict !== 'helper')) out.push('', ...details(v));
  return out.join('\n') + '\n';
}

function details(v: LineVerdict): string[] {
  const lines = [`## ${v.line === null ? 'no line' : `line ${v.line}`} · ${v.name || '?'}: ${v.verdict}`, v.message];
  if (v.hint) lines.push(`hint: ${v.hint}`);
  if (v.difference) lines.push('', ...heatmap(v.difference));
  return lines;
}

/** The grid as rows of shades, with the scale and what a cell covers. */
export function heatmap(grid: DifferenceGrid): string[] {
  const finite = grid.values.filter(Number.isFinite);
  const max = Math.max(0, ...finite);
  const cell = grid.rowsPerCell === 1 && grid.colsPerCell === 1 ? 'one entry' : `the largest of ${grid.rowsPerCell} row${grid.rowsPerCell > 1 ? 's' : ''} × ${grid.colsPerCell} column${grid.colsPerCell > 1 ? 's' : ''}`;
  const lines = [`|got − expected|, one character per cell (${cell}): "${SHADES[1]}" small … "█" ${number(max)}; "!" NaN or infinite`];
  for (let r = 0; r < grid.rows; r++) {
    let row = '';
    for (let c = 0; c < grid.cols; c++) {
      const d = grid.values[r * grid.cols + c];
      if (!Number.isFinite(d)) row += '!';
      else if (d === 0 || max === 0) row += SHADES[0];
      else row += SHADES[Math.max(1, Math.ceil((d / max) * (SHADES.length - 1)))];
    }
    lines.push(`${String(r * grid.rowsPerCell).padStart(5)} │${row}│`);
  }
  return lines;
}

function number(x: number | undefined): string {
  return x === undefined ? '' : Number.isNaN(x) ? 'NaN' : x === 0 ? '0' : x.toPrecision(3);
}
