// The "Run" view in the NLM activity bar container: the current run (dataset, state, model,
// configuration) and the parameters W1, W2, b1, W3, b2 with live statistics from the snapshots;
// clicking a parameter opens it (NLM: Inspect Weights).
import * as vscode from 'vscode';
import { formatNumber, formatStats, TensorStats } from '../../engine/metrics';
import type { RunInfo, RunState, Snapshot } from '../protocol';
import { LOSS } from '../runHistory';
import { RunController } from '../session/runController';

type Node =
  | { kind: 'section'; label: string; children: Node[]; collapsed?: boolean }
  | { kind: 'fact'; label: string; value: string; tooltip?: string }
  | { kind: 'param'; stats: TensorStats };

/** Refresh at most this often: snapshots arrive up to 10 times a second. */
const REFRESH_MS = 500;

export class RunTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly run: RunController) {
    run.on('run', () => this.refresh());
    run.on('state', () => this.refresh());
    run.on('snapshot', () => this.refresh());
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'section': {
        const item = new vscode.TreeItem(node.label, node.collapsed ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
        item.id = `section:${node.label}`;
        return item;
      }
      case 'fact': {
        const item = new vscode.TreeItem(node.label);
        item.description = node.value;
        item.tooltip = node.tooltip ?? `${node.label}: ${node.value}`;
        return item;
      }
      case 'param': {
        const s = node.stats;
        const item = new vscode.TreeItem(s.name);
        item.id = `param:${s.name}`;
        item.description = paramLine(s);
        item.tooltip = formatStats(s);
        item.iconPath = new vscode.ThemeIcon(s.nan + s.inf > 0 ? 'warning' : 'symbol-array');
        item.command = { command: 'nlm.inspectWeights', title: 'Inspect', arguments: [s.name] };
        item.contextValue = 'parameter';
        return item;
      }
    }
  }

  getChildren(node?: Node): Node[] {
    if (node) return node.kind === 'section' ? node.children : [];
    const { info, state, snapshot, history } = this.run;
    if (!info) return [];
    return [
      { kind: 'section', label: 'Run', children: runFacts(info, state, snapshot, history.steps.buckets.at(-1)?.last[LOSS]) },
      { kind: 'section', label: 'Configuration', collapsed: true, children: configFacts(info) },
      { kind: 'section', label: 'Parameters', children: (snapshot?.params ?? []).map((stats) => ({ kind: 'param', stats })) },
    ];
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changed.dispose();
  }

  private refresh(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.changed.fire();
    }, REFRESH_MS);
  }
}

/** The statistics on one line, as in the debugger's Variables view (the tooltip says the same). */
function paramLine(s: TensorStats): string {
  const f = formatNumber;
  return `[${s.shape.join('×')}] μ=${f(s.mean)} σ=${f(s.std)} min=${f(s.min)} max=${f(s.max)} ‖·‖=${f(s.norm)} nan=${s.nan}`;
}

function runFacts(info: RunInfo, state: RunState, snapshot: Snapshot | undefined, lastLoss: number | undefined): Node[] {
  const d = info.dataset;
  const c = info.config;
  return [
    { kind: 'fact', label: 'dataset', value: `${d.name} · V=${d.vocabSize} · ${d.train} train`, tooltip: `${d.source}\n${d.train} train / ${d.valid} valid / ${d.test} test examples` },
    { kind: 'fact', label: 'state', value: state },
    ...(snapshot
      ? [
          { kind: 'fact' as const, label: 'epoch', value: epochText(info, snapshot) },
          { kind: 'fact' as const, label: 'iterations', value: String(snapshot.cursor.steps) },
          { kind: 'fact' as const, label: 'learning rate', value: formatNumber(snapshot.lr) },
        ]
      : []),
    ...(lastLoss !== undefined ? [{ kind: 'fact' as const, label: 'last batch loss', value: lastLoss.toFixed(4) }] : []),
    { kind: 'fact', label: 'model', value: `D=${c.embeddingDim} P=${c.hiddenUnits} ${c.activation} · ${info.kernels}` },
  ];
}

function epochText(info: RunInfo, snapshot: Snapshot): string {
  const { epoch, batch } = snapshot.cursor;
  const epochs = info.config.epochs;
  return `${Math.min(epoch + 1, epochs)}/${epochs}, batch ${batch}/${info.batchesPerEpoch}`;
}

function configFacts(info: RunInfo): Node[] {
  return Object.entries(info.config).map(([key, value]) => ({ kind: 'fact', label: key, value: String(value) }));
}
