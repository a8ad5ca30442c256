// A student's value against the engine's: correct (exact, or relative error < 1e-5 of the
// engine's largest entry, since the engine computes in float32), or wrong with where it differs,
// and a hint when the value is a known transformation of the right one or a known mistake.
import { Matrix, shapeText } from './matrix';

export const RELATIVE_TOLERANCE = 1e-5;

export interface Comparison {
  readonly correct: boolean;
  readonly maxAbsDiff: number;
  /** maxAbsDiff over the engine's largest magnitude. */
  readonly relDiff: number;
  /** "rows 0–99 (100 of 100), columns 3, 17 (2 of 250); largest at [12, 17]". */
  readonly where: string;
}

function maxAbs(m: Matrix): number {
  let max = 0;
  for (const v of m.data) max = Math.max(max, Math.abs(v));
  return max;
}

export function compare(got: Matrix, expected: Matrix): Comparison {
  const scale = maxAbs(expected);
  const tol = RELATIVE_TOLERANCE * scale;
  let maxAbsDiff = 0;
  let worst = -1;
  const rows = new Set<number>();
  const cols = new Set<number>();
  for (let i = 0; i < got.data.length; i++) {
    const d = Math.abs(got.data[i] - expected.data[i]);
    // NaN compares false: a NaN where the engine has a number is a difference.
    if (!(d <= tol) && got.data[i] !== expected.data[i]) {
      rows.add(Math.floor(i / got.cols));
      cols.add(i % got.cols);
      if (!(d <= maxAbsDiff)) {
        maxAbsDiff = Number.isNaN(d) ? NaN : d;
        worst = i;
      }
    } else if (d > maxAbsDiff) maxAbsDiff = d;
  }
  const correct = rows.size === 0;
  const relDiff = scale > 0 ? maxAbsDiff / scale : maxAbsDiff === 0 ? 0 : Infinity;
  const where = correct ? '' : `${indices('row', rows, got.rows)}, ${indices('column', cols, got.cols)}; largest at [${Math.floor(worst / got.cols)}, ${worst % got.cols}]`;
  return { correct, maxAbsDiff, relDiff, where };
}

/** "rows 0, 3, 7, … (12 of 100)" or "every row (100)". */
function indices(what: string, set: ReadonlySet<number>, total: number): string {
  if (set.size === total) return total === 1 ? `the ${what}` : `every ${what} (${total})`;
  const sorted = [...set].sort((a, b) => a - b);
  const shown = sorted.slice(0, 6).join(', ') + (sorted.length > 6 ? ', …' : '');
  return `${what}${set.size === 1 ? '' : 's'} ${shown} (${set.size} of ${total})`;
}

/** Whether two values agree within the tolerance (for hints). */
export function close(a: Matrix, b: Matrix): boolean {
  return a.rows === b.rows && a.cols === b.cols && compare(a, b).correct;
}

function scaled(m: Matrix, k: number): Matrix {
  return { ...m, data: m.data.map((v) => v * k) };
}

/** A hint for a value of the right shape that is wrong: a sign, a factor of N. */
export function valueHint(got: Matrix, expected: Matrix, n: number): string | undefined {
  if (maxAbs(expected) === 0) return undefined;
  if (close(got, scaled(expected, -1))) return 'wrong sign: this is minus the right value';
  if (n > 1 && close(got, scaled(expected, n))) return `missing 1/N: this is N = ${n} times the right value`;
  if (n > 1 && close(got, scaled(expected, 1 / n))) return `divided by N once too often (a mean where a sum is needed?): this is the right value / ${n}`;
  return undefined;
}

/** A hint for a value of the wrong shape. */
export function shapeHint(got: Matrix, expected: Matrix): string {
  const base = `got ${shapeText(got)}, expected ${shapeText(expected)}`;
  if (got.rows === expected.cols && got.cols === expected.rows) return `${base} — transposed?`;
  const row = (m: Matrix) => m.rows === 1 && m.cols > 1;
  const column = (m: Matrix) => m.cols === 1 && m.rows > 1;
  if ((row(expected) && column(got)) || (column(expected) && row(got))) {
    return `${base} — summed over the wrong axis? axis 0 sums over rows and gives one row, axis 1 gives one column`;
  }
  return base;
}

/** The absolute difference of two same-shaped values, reduced to at most maxRows × maxCols cells
 *  (each the largest difference of the block it covers): small enough for a heatmap in a view. */
export interface DifferenceGrid {
  readonly rows: number;
  readonly cols: number;
  /** Rows and columns of the value each cell covers. */
  readonly rowsPerCell: number;
  readonly colsPerCell: number;
  /** Row-major, rows × cols. */
  readonly values: number[];
}

export function differenceGrid(got: Matrix, expected: Matrix, maxRows = 20, maxCols = 40): DifferenceGrid {
  const rowsPerCell = Math.ceil(got.rows / maxRows);
  const colsPerCell = Math.ceil(got.cols / maxCols);
  const rows = Math.ceil(got.rows / rowsPerCell);
  const cols = Math.ceil(got.cols / colsPerCell);
  const values = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < got.rows; i++) {
    for (let j = 0; j < got.cols; j++) {
      const d = Math.abs(got.data[i * got.cols + j] - expected.data[i * got.cols + j]);
      const cell = Math.floor(i / rowsPerCell) * cols + Math.floor(j / colsPerCell);
      // A NaN difference stays NaN in its cell: it is the worst there is.
      if (Number.isNaN(d) || d > values[cell]) values[cell] = Number.isNaN(values[cell]) ? NaN : d;
    }
  }
  return { rows, cols, rowsPerCell, colsPerCell, values };
}
