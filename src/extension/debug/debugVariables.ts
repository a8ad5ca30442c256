// Scopes and variables of a stop: Batch, Parameters, Activations, Gradients and Metrics. A tensor
// shows a one-line summary (led by a warning when this iteration has not computed it yet) and
// expands to its statistics and histogram, then lazily, a page of rows at a time, to its values
// from the worker; rows and entries are labelled with words where the tensor's axis is indexed by
// the vocabulary. The debug hover shows the same tree, so it needs no modifier key.
import { Handles, Scope } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { describeNotComputed } from '../../engine/iterationProgress';
import { formatNumber, formatStats } from '../../engine/metrics';
import type { Cursor, RunInfo, TensorData, TensorStats } from '../protocol';
import type { RunController } from '../session/runController';
import { histogramLines } from './textHistogram';

type ScopeName = 'batch' | 'params' | 'activations' | 'gradients' | 'metrics';

type Ref =
  | { kind: 'scope'; scope: ScopeName }
  | { kind: 'tensor'; name: string; shape: number[]; facts: DebugProtocol.Variable[] }
  | { kind: 'histogram'; name: string }
  | { kind: 'row'; name: string; row: number };

/** Rows sent when a client asks without paging; VS Code always pages large tensors. */
const MAX_UNPAGED = 1000;
/** Values shown in a collapsed row. */
const PREVIEW = 6;
/** Bins of a tensor's histogram child. */
const HISTOGRAM_BINS = 10;

/** The names the worker's expression language knows, split by kind. */
interface Names {
  tensors: ReadonlySet<string>;
  scalars: readonly string[];
}

export interface Page {
  filter?: 'indexed' | 'named';
  start?: number;
  count?: number;
}

export class DebugVariables {
  private readonly handles = new Handles<Ref>();
  private names: Promise<Names> | undefined;

  constructor(
    private readonly run: Pick<RunController, 'request'>,
    private readonly info: RunInfo,
  ) {}

  /** Called when the run moves: references handed out before are stale. */
  reset(): void {
    this.handles.reset();
  }

  async scopes(cursor: Cursor): Promise<DebugProtocol.Scope[]> {
    const batch = await this.run.request({ kind: 'batch' });
    // Before the first phase the model still holds the batch of the iteration that just ended.
    const previous = cursor.steps > 0 && cursor.phase === 0 && cursor.sub === 0;
    const scope = (name: string, ref: ScopeName) => new Scope(name, this.handles.create({ kind: 'scope', scope: ref }), false);
    const batchScope: DebugProtocol.Scope = { ...scope(previous ? 'Batch (previous)' : 'Batch', 'batch'), indexedVariables: batch.length };
    return [
      batchScope,
      scope('Parameters', 'params'),
      scope('Activations', 'activations'),
      scope('Gradients', 'gradients'),
      scope('Metrics', 'metrics'),
    ];
  }

  async variables(reference: number, page: Page, cursor: Cursor): Promise<DebugProtocol.Variable[]> {
    const ref = this.handles.get(reference);
    if (!ref) throw new Error('these variables are gone: the run has moved on since');
    // Rows and the batch only have indexed children; a tensor has its facts (named) and rows (indexed).
    if (page.filter === 'named' && !(ref.kind === 'scope' && ref.scope !== 'batch') && ref.kind !== 'tensor') return [];
    switch (ref.kind) {
      case 'scope':
        return this.scopeVariables(ref.scope, page, cursor);
      case 'tensor':
        if (page.filter === 'named') return ref.facts;
        if (page.filter === 'indexed') return this.rows(ref.name, ref.shape, page);
        return [...ref.facts, ...(await this.rows(ref.name, ref.shape, page))];
      case 'histogram':
        return this.histogram(ref.name);
      case 'row':
        return this.entries(ref.name, ref.row, page);
    }
  }

  /** A tensor by name, as the variable the Variables view, watches and hovers show. */
  async tensor(name: string): Promise<DebugProtocol.Variable> {
    const data = await this.run.request({ kind: 'tensor', name, rows: 0 });
    const { stats, notComputed } = data;
    const rows = stats.shape[0] ?? 0;
    const facts = this.facts(data);
    return {
      name,
      value: notComputed ? `${describeNotComputed(notComputed)} · ${summary(stats)}` : summary(stats),
      type: `float32 [${stats.shape.join('×')}]`,
      evaluateName: name,
      variablesReference: this.handles.create({ kind: 'tensor', name, shape: stats.shape, facts }),
      namedVariables: facts.length,
      indexedVariables: rows,
    };
  }

  async isTensor(name: string): Promise<boolean> {
    return (await this.knownNames()).tensors.has(name);
  }

  /** A tensor's named children: whether this iteration computed it, its statistics, its histogram. */
  private facts({ name, stats, notComputed }: TensorData): DebugProtocol.Variable[] {
    const fact = (label: string, value: string): DebugProtocol.Variable => ({ name: label, value, variablesReference: 0 });
    return [
      ...(notComputed ? [fact('⚠ this iteration', describeNotComputed(notComputed))] : []),
      fact('shape', `[${stats.shape.join('×')}]`),
      fact('μ mean', formatNumber(stats.mean)),
      fact('σ std', formatNumber(stats.std)),
      fact('min', formatNumber(stats.min)),
      fact('max', formatNumber(stats.max)),
      fact('‖·‖ L2 norm', formatNumber(stats.norm)),
      ...(stats.nan + stats.inf > 0 ? [fact('NaN / Inf', `${stats.nan} / ${stats.inf}`)] : []),
      {
        name: 'histogram',
        value: stats.min < stats.max ? `${HISTOGRAM_BINS} bins from ${formatNumber(stats.min)} to ${formatNumber(stats.max)}` : `one value: ${formatNumber(stats.min)}`,
        variablesReference: this.handles.create({ kind: 'histogram', name }),
      },
    ];
  }

  private async histogram(name: string): Promise<DebugProtocol.Variable[]> {
    const { values } = await this.run.request({ kind: 'tensor', name });
    const lines = histogramLines(values, HISTOGRAM_BINS);
    if (typeof lines === 'string') return [{ name: 'values', value: lines, variablesReference: 0 }];
    return lines.map((l) => ({ name: l.edge, value: l.bar, variablesReference: 0 }));
  }

  private async scopeVariables(scope: ScopeName, page: Page, cursor: Cursor): Promise<DebugProtocol.Variable[]> {
    const names = await this.knownNames();
    const written = (direction: string) =>
      this.info.phases.filter((p) => p.direction === direction).flatMap((p) => p.writes.filter((w) => names.tensors.has(w)));
    switch (scope) {
      case 'batch': {
        const examples = window(await this.run.request({ kind: 'batch' }), page);
        const from = page.start ?? 0;
        return examples.map((e, i) => ({ name: String(from + i), value: `${e.context.join(' ')} → ${e.target}`, variablesReference: 0 }));
      }
      case 'params':
        return Promise.all(this.info.params.map((p) => this.tensor(p.name)));
      case 'activations':
        return Promise.all(written('forward').map((n) => this.tensor(n)));
      case 'gradients':
        return Promise.all(written('backward').map((n) => this.tensor(n)));
      case 'metrics':
        return [this.phaseVariable(cursor), ...(await Promise.all(names.scalars.map((n) => this.scalar(n))))];
    }
  }

  private phaseVariable(cursor: Cursor): DebugProtocol.Variable {
    const phase = this.info.phases[cursor.phase];
    const next = cursor.sub > 0 ? ` › ${phase.subSteps[cursor.sub]}` : '';
    return { name: 'phase', value: `${phase.name}${next} (next to run)`, variablesReference: 0 };
  }

  private async scalar(name: string): Promise<DebugProtocol.Variable> {
    try {
      const { text } = await this.run.request({ kind: 'evaluate', expression: name });
      return { name, value: text, evaluateName: name, variablesReference: 0 };
    } catch (e) {
      return { name, value: `<${(e as Error).message}>`, variablesReference: 0 };
    }
  }

  private async rows(name: string, shape: number[], page: Page): Promise<DebugProtocol.Variable[]> {
    const from = page.start ?? 0;
    const data = await this.run.request({ kind: 'tensor', name, rowStart: from, rows: page.count || MAX_UNPAGED });
    if (shape.length === 1) {
      return Array.from(data.values, (v, i) => ({
        name: this.label(name, 0, from + i),
        value: formatF32(v),
        evaluateName: `${name}[${this.index(name, 0, from + i)}]`,
        variablesReference: 0,
      }));
    }
    const width = data.rows > 0 ? data.values.length / data.rows : 0;
    return Array.from({ length: data.rows }, (_, i) => {
      const row = from + i;
      const shown = Array.from(data.values.subarray(i * width, i * width + Math.min(width, PREVIEW)), formatNumber).join(', ');
      return {
        name: this.label(name, 0, row),
        value: `[${shown}${width > PREVIEW ? ', …' : ''}] (${width})`,
        evaluateName: `${name}[${this.index(name, 0, row)}]`,
        variablesReference: this.handles.create({ kind: 'row', name, row }),
        indexedVariables: width,
      };
    });
  }

  private async entries(name: string, row: number, page: Page): Promise<DebugProtocol.Variable[]> {
    const data = await this.run.request({ kind: 'tensor', name, rowStart: row, rows: 1 });
    const from = page.start ?? 0;
    return window(Array.from(data.values), page).map((v, i) => ({
      name: this.label(name, 1, from + i),
      value: formatF32(v),
      evaluateName: `${name}[${this.index(name, 0, row)}, ${this.index(name, 1, from + i)}]`,
      variablesReference: 0,
    }));
  }

  private isWordAxis(name: string, axis: number): boolean {
    return this.info.wordAxes[name]?.includes(axis) ?? false;
  }

  private label(name: string, axis: number, i: number): string {
    return this.isWordAxis(name, axis) ? `[${i}] ${this.info.vocab[i]}` : `[${i}]`;
  }

  /** The index as the expression language writes it, so "Add to Watch" works on any row or entry. */
  private index(name: string, axis: number, i: number): string {
    return this.isWordAxis(name, axis) ? JSON.stringify(this.info.vocab[i]) : String(i);
  }

  private knownNames(): Promise<Names> {
    this.names ??= this.run.request({ kind: 'completions', text: '', offset: 0 }).then(({ items }) => ({
      tensors: new Set(items.filter((c) => c.kind === 'tensor').map((c) => c.label)),
      scalars: items.filter((c) => c.kind === 'scalar').map((c) => c.label),
    }));
    return this.names;
  }
}

/** "[128×250] μ=… σ=… …": the tensor summary without its name, which the variable already shows. */
export function summary(stats: TensorStats): string {
  return formatStats(stats).slice(stats.name.length).trimStart();
}

/** The shortest decimal that reads back as the same float32, so shown values are exact. */
export function formatF32(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  for (let digits = 1; digits < 9; digits++) {
    const text = x.toPrecision(digits);
    if (Math.fround(Number(text)) === x) return String(Number(text));
  }
  return String(Number(x.toPrecision(9)));
}

function window<T>(items: T[], page: Page): T[] {
  const from = page.start ?? 0;
  return items.slice(from, page.count ? from + page.count : undefined);
}
