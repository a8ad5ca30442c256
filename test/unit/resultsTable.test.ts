// The results table and its exports, parsed back: CSV fields, Markdown columns, LaTeX booktabs.
// Also the grid a sweep expands to and the run ids' order.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import { test } from 'node:test';
import * as os from 'os';
import * as path from 'path';
import { resolveConfig } from '../../src/engine/config';
import { readMetrics } from '../../src/engine/runs/readMetrics';
import { formatTable, ResultRow, resultsTable } from '../../src/engine/runs/resultsTable';
import { RunSummary } from '../../src/engine/runs/runFiles';
import { runId } from '../../src/engine/runs/runId';
import { settingsThatDiffer } from '../../src/engine/runs/settings';
import { sweepPoints } from '../../src/engine/runs/sweep';

function summary(validCe: number, validAcc: number, status: RunSummary['status'] = 'finished'): RunSummary {
  return {
    id: 'x',
    status,
    started: '',
    ended: null,
    seconds: 12.34,
    steps: 10,
    epochs: 1,
    stoppedEarly: false,
    bestValidCe: { epoch: 1, ce: validCe, acc: validAcc },
    bestValidAcc: { epoch: 1, ce: validCe, acc: validAcc },
    final: { epoch: 1, trainCe: 3, trainAcc: 0.2, validCe, validAcc },
    test: null,
    model: null,
  };
}

const rows: ResultRow[] = [
  { id: 'a', config: resolveConfig({ embeddingDim: 8, hiddenUnits: 64, activation: 'tanh' }), summary: summary(2.123456789, 0.31) },
  { id: 'b', config: resolveConfig({ embeddingDim: 16, hiddenUnits: 64, activation: 'tanh' }), summary: summary(2.0, 0.35) },
  { id: 'c', config: resolveConfig({ embeddingDim: 32, hiddenUnits: 64, activation: 'tanh' }), summary: summary(1.9, 0.375, 'stopped') },
];

/** RFC 4180 fields, quotes included. */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (quoted || (ch !== ',' && ch !== '\n')) field += ch;
    else {
      row.push(field);
      field = '';
      if (ch === '\n') {
        out.push(row);
        row = [];
      }
    }
  }
  return out;
}

test('the table has a column for each setting that differs, then the metrics, and the status when a run did not finish', () => {
  const t = resultsTable(rows);
  assert.deepEqual(
    t.columns.map((c) => c.label),
    ['embed', 'best valid CE', 'best valid acc', 'final valid CE', 'final valid acc', 'time (s)', 'status'],
  );
  assert.deepEqual(t.rows[2], [32, 1.9, 0.375, 1.9, 0.375, 12.34, 'stopped']);
  // One run alone: the settings that are not the defaults.
  assert.deepEqual(settingsThatDiffer([rows[0].config]), ['embeddingDim', 'hiddenUnits', 'activation']);
});

test('the test metrics get columns when some run was evaluated on the test split', () => {
  const tested = { ...rows[1], summary: { ...summary(2.0, 0.35), test: { ce: 2.1, acc: 0.34, top5: 0.6, perplexity: 8.2 } } };
  const t = resultsTable([rows[0], tested]);
  assert.deepEqual(
    t.columns.map((c) => c.label),
    ['embed', 'best valid CE', 'best valid acc', 'final valid CE', 'final valid acc', 'test CE', 'test acc', 'time (s)'],
  );
  assert.deepEqual(
    t.rows.map((r) => r.slice(5, 7)),
    [
      [null, null],
      [2.1, 0.34],
    ],
  );
});

test('a metrics file cut off in the middle of a line reads up to its last whole line', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-metrics-'));
  fs.writeFileSync(path.join(dir, 'metrics.jsonl'), '{"type":"epoch","epoch":1}\n{"type":"steps","epo');
  assert.deepEqual(readMetrics(dir), [{ type: 'epoch', epoch: 1 }]);
});

test('CSV parses back to every digit; a label with a comma is quoted', () => {
  const t = resultsTable(rows);
  t.columns[0].label = 'embed, D';
  const [header, ...body] = parseCsv(formatTable(t, 'csv'));
  assert.equal(header[0], 'embed, D');
  assert.equal(header.length, t.columns.length);
  assert.deepEqual(
    body.map((r) => r.map((v, i) => (typeof t.rows[0][i] === 'number' ? Number(v) : v))),
    t.rows,
  );
});

test('Markdown has the same columns in every line, numbers right-aligned and rounded', () => {
  const lines = formatTable(resultsTable(rows), 'markdown').trim().split('\n');
  const cells = lines.map((l) => l.slice(1, -1).split('|').map((c) => c.trim()));
  assert.ok(cells.every((c) => c.length === 7));
  assert.deepEqual(cells[1], ['---:', '---:', '---:', '---:', '---:', '---:', '---']);
  assert.deepEqual(cells[2].slice(0, 3), ['8', '2.1235', '0.3100']);
  assert.equal(cells.length, 2 + rows.length);
});

test('LaTeX is a booktabs tabular with escaped labels', () => {
  const t = resultsTable(rows);
  t.columns[0].label = 'embed_D & 100%';
  const tex = formatTable(t, 'latex');
  const lines = tex.trim().split('\n');
  assert.equal(lines[0], '\\begin{tabular}{rrrrrrl}');
  assert.deepEqual([lines[1], lines[3], lines[7], lines[8]], ['\\toprule', '\\midrule', '\\bottomrule', '\\end{tabular}']);
  assert.match(lines[2], /^embed\\_D \\& 100\\% & best valid CE & .* \\\\$/);
  assert.equal(lines[4], '8 & 2.1235 & 0.3100 & 2.1235 & 0.3100 & 12.3 & finished \\\\');
  for (const l of lines.slice(4, 7)) assert.equal(l.split(' & ').length, 7);
});

test('a sweep expands its grid in order (the last setting fastest), each point checked', () => {
  const points = sweepPoints({ data: 'demo', dataOptions: {}, grid: { embeddingDim: ['8', 16], hiddenUnits: [64, 128] }, fixed: { epochs: 3 }, test: false });
  assert.deepEqual(
    points.map((p) => p.settings),
    [
      { embeddingDim: 8, hiddenUnits: 64 },
      { embeddingDim: 8, hiddenUnits: 128 },
      { embeddingDim: 16, hiddenUnits: 64 },
      { embeddingDim: 16, hiddenUnits: 128 },
    ],
  );
  assert.ok(points.every((p) => p.config.epochs === 3));
  assert.throws(() => sweepPoints({ data: 'demo', dataOptions: {}, grid: { embeddingDim: [8, '8'] }, fixed: {}, test: false }), /names the point .* twice/);
  assert.throws(() => sweepPoints({ data: 'demo', dataOptions: {}, grid: { epochs: [1, 2] }, fixed: { epochs: 3 }, test: false }), /epochs is both swept and fixed/);
  assert.throws(() => sweepPoints({ data: 'demo', dataOptions: {}, grid: { hidden: [1] } as never, fixed: {}, test: false }), /unknown setting "hidden"/);
});

test('run ids sort by time and differ within one millisecond', () => {
  const t = new Date('2026-12-07T02:10:24.107Z');
  assert.equal(runId(t, 'abcdef'), '20261207-021024-107-abcdef');
  assert.ok(runId(new Date(t.getTime() + 1)) > runId(t, 'ffffff'));
  assert.notEqual(runId(t), runId(t));
});
