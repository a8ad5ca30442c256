// t[i], t[i, j], t[:, j], t[a:b], W1["city"], W3[:, "york"]: checks each index against its axis
// and narrows the view. Negative numbers count from the end, as in Python.
import { Span } from './ast';
import { ExpressionEnv } from './env';
import { ExpressionError, quote } from './errors';
import { lookupWord } from './suggest';
import { AxisPick, describe, Located, TensorView } from './values';

/** An evaluated index: one position, or a slice with optional bounds. */
export type IndexValue = (Located & { readonly kind: 'at' }) | (Span & { readonly kind: 'slice'; readonly from?: Located; readonly to?: Located });

/** A number when every axis is fixed, else the narrowed view. */
export function indexView(view: TensorView, indices: readonly IndexValue[], env: ExpressionEnv, span: Span): number | TensorView {
  const rank = view.shape.length;
  if (indices.length > rank) {
    throw new ExpressionError(`${view.label} has ${rank} ${rank === 1 ? 'axis' : 'axes'}, got ${indices.length} indices`, span.pos, span.end);
  }
  const picks: AxisPick[] = [];
  const parts: string[] = [];
  indices.forEach((ix, axis) => {
    if (ix.kind === 'at') {
      picks.push({ kind: 'at', index: position(view, axis, ix, env) });
      parts.push(typeof ix.value === 'string' ? quote(ix.value) : String(ix.value));
    } else {
      const n = view.shape[axis];
      const fromRaw = ix.from && sliceBound(ix.from);
      const toRaw = ix.to && sliceBound(ix.to);
      const text = `${fromRaw ?? ''}:${toRaw ?? ''}`;
      const from = fromRaw === undefined ? 0 : fromRaw < 0 ? fromRaw + n : fromRaw;
      const to = toRaw === undefined ? n : toRaw < 0 ? toRaw + n : toRaw;
      if (from < 0 || to > n) {
        throw new ExpressionError(`slice ${text} out of range for ${axisName(view, axis)} ${range(n)}`, ix.pos, ix.end);
      }
      if (from >= to) throw new ExpressionError(`slice ${text} of ${axisName(view, axis)} is empty`, ix.pos, ix.end);
      picks.push({ kind: 'range', from, to });
      parts.push(text);
    }
  });
  const result = view.pick(picks, `${view.label}[${parts.join(', ')}]`);
  return result.shape.length === 0 ? result.values()[0] : result;
}

function position(view: TensorView, axis: number, ix: Located, env: ExpressionEnv): number {
  const n = view.shape[axis];
  const v = ix.value;
  if (typeof v === 'string') {
    if (!view.wordAxes[axis]) {
      throw new ExpressionError(`${axisName(view, axis)} are not labelled by words; use a number`, ix.pos, ix.end);
    }
    const id = lookupWord(env, v, ix.pos, ix.end);
    if (id < 0 || id >= n) throw new ExpressionError(`word ${quote(v)} has id ${id}, out of range for ${axisName(view, axis)} ${range(n)}`, ix.pos, ix.end);
    return id;
  }
  if (typeof v !== 'number') throw new ExpressionError(`an index must be a number or a word, got ${describe(v)}`, ix.pos, ix.end);
  const i = wholeNumber(v, ix);
  const resolved = i < 0 ? i + n : i;
  if (resolved < 0 || resolved >= n) throw new ExpressionError(`index ${i} out of range for ${axisName(view, axis)} ${range(n)}`, ix.pos, ix.end);
  return resolved;
}

/** A slice bound as written; the caller resolves negatives and checks the range. */
function sliceBound(b: Located): number {
  if (typeof b.value !== 'number') throw new ExpressionError(`slice bounds must be numbers, got ${describe(b.value)}`, b.pos, b.end);
  return wholeNumber(b.value, b);
}

function wholeNumber(v: number, span: Span): number {
  if (!Number.isInteger(v)) throw new ExpressionError(`index ${v} is not a whole number`, span.pos, span.end);
  return v;
}

/** "W1 rows", "W3 columns", "b2 elements", "X axis 2". */
function axisName(view: TensorView, axis: number): string {
  const rank = view.shape.length;
  const noun = rank === 1 ? 'elements' : rank === 2 ? (axis === 0 ? 'rows' : 'columns') : `axis ${axis}`;
  return `${view.label} ${noun}`;
}

function range(n: number): string {
  return n > 0 ? `(0..${n - 1})` : '(empty)';
}
