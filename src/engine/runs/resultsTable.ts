// The results table of several runs (a sweep, a selection): one row per run, a column for each
// setting in which they differ, then the metrics. Pure, so the CLI and the extension share it;
// exported as aligned text, CSV, Markdown or LaTeX (booktabs).
import { TrainConfig } from '../config';
import { RunSummary } from './runFiles';
import { SETTING_LABELS, settingsThatDiffer } from './settings';

export interface ResultRow {
  id: string;
  config: TrainConfig;
  summary: RunSummary | undefined;
}

export type Cell = string | number | null;

export interface Column {
  label: string;
  /** Decimals shown for numbers outside CSV (CSV keeps every digit). */
  digits?: number;
}

export interface ResultsTable {
  columns: Column[];
  rows: Cell[][];
}

export const TABLE_FORMATS = ['text', 'csv', 'markdown', 'latex'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

const METRICS: { label: string; digits: number; value: (s: RunSummary) => number | undefined }[] = [
  { label: 'best valid CE', digits: 4, value: (s) => s.bestValidCe?.ce },
  { label: 'best valid acc', digits: 4, value: (s) => s.bestValidAcc?.acc },
  { label: 'final valid CE', digits: 4, value: (s) => s.final?.validCe },
  { label: 'final valid acc', digits: 4, value: (s) => s.final?.validAcc },
  { label: 'time (s)', digits: 1, value: (s) => s.seconds },
];

/** Shown before the time when some run was evaluated on the test split. */
const TEST_METRICS: typeof METRICS = [
  { label: 'test CE', digits: 4, value: (s) => s.test?.ce },
  { label: 'test acc', digits: 4, value: (s) => s.test?.acc },
];

export function resultsTable(rows: readonly ResultRow[]): ResultsTable {
  const keys = settingsThatDiffer(rows.map((r) => r.config));
  const withStatus = rows.some((r) => r.summary?.status !== 'finished');
  const metrics = rows.some((r) => r.summary?.test) ? [...METRICS.slice(0, -1), ...TEST_METRICS, METRICS[METRICS.length - 1]] : METRICS;
  const columns: Column[] = [
    ...keys.map((k) => ({ label: SETTING_LABELS[k] })),
    ...metrics.map((m) => ({ label: m.label, digits: m.digits })),
    ...(withStatus ? [{ label: 'status' }] : []),
  ];
  return {
    columns,
    rows: rows.map((r) => [
      ...keys.map((k) => r.config[k]),
      ...metrics.map((m) => (r.summary ? (m.value(r.summary) ?? null) : null)),
      ...(withStatus ? [r.summary?.status ?? 'unreadable'] : []),
    ]),
  };
}

export function formatTable(t: ResultsTable, format: TableFormat): string {
  switch (format) {
    case 'csv':
      return [t.columns.map((c) => csvField(c.label)), ...t.rows.map((r) => r.map((v) => csvField(v === null ? '' : String(v))))].map((l) => l.join(',')).join('\n') + '\n';
    case 'markdown':
      return markdown(t);
    case 'latex':
      return latex(t);
    case 'text':
      return text(t);
  }
}

function show(v: Cell, c: Column): string {
  if (v === null) return '–';
  return typeof v === 'number' && c.digits !== undefined ? v.toFixed(c.digits) : String(v);
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const numeric = (t: ResultsTable, i: number) => t.rows.some((r) => typeof r[i] === 'number');

function markdown(t: ResultsTable): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `| ${t.columns.map((c) => cell(c.label)).join(' | ')} |`,
    `|${t.columns.map((_, i) => (numeric(t, i) ? ' ---: ' : ' --- ')).join('|')}|`,
    ...t.rows.map((r) => `| ${r.map((v, i) => cell(show(v, t.columns[i]))).join(' | ')} |`),
  ];
  return lines.join('\n') + '\n';
}

function latex(t: ResultsTable): string {
  const esc = (s: string) =>
    s.replace(/[\\{}&%$#_~^]/g, (ch) => ({ '\\': '\\textbackslash{}', '~': '\\textasciitilde{}', '^': '\\textasciicircum{}' })[ch] ?? `\\${ch}`).replace(/–/g, '--');
  const align = t.columns.map((_, i) => (numeric(t, i) ? 'r' : 'l')).join('');
  return [
    `\\begin{tabular}{${align}}`,
    '\\toprule',
    t.columns.map((c) => esc(c.label)).join(' & ') + ' \\\\',
    '\\midrule',
    ...t.rows.map((r) => r.map((v, i) => esc(show(v, t.columns[i]))).join(' & ') + ' \\\\'),
    '\\bottomrule',
    '\\end{tabular}',
  ].join('\n') + '\n';
}

function text(t: ResultsTable): string {
  const cells = [t.columns.map((c) => c.label), ...t.rows.map((r) => r.map((v, i) => show(v, t.columns[i])))];
  const widths = t.columns.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((s, i) => (numeric(t, i) ? s.padStart(widths[i]) : s.padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}
