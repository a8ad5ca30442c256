// The "Run" view in the NLM activity bar container: the current run (dataset, configuration,
// state) and the parameters W1, W2, b1, W3, b2 with live statistics; clicking a parameter opens
// its heatmap.
import * as vscode from 'vscode';
import { formatStats, formatNumber, TensorStats } from '../../engine/metrics';
import { RunController } from '../session/runController';

type Node = { kind: 'section'; label: string; children: Node[] } | { kind: 'fact'; label: string; value: string } | { kind: 'param'; stats: TensorStats };

/** Refresh at most this often: snapshots arrive up to 10 times a second. */
const REFRESH_MS = 500;

export class RunTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly run: RunController) {
    run.on('run', () => this.refresh());
    run.on('state', () => this.refresh());
    run.on('snapshot', () => this.refresh());
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'section': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
        item.contextValue = 'section';
        return item;
      }
      case 'fact': {
        const item = new vscode.TreeItem(node.label);
        item.description = node.value;
        item.tooltip = `${node.label}: ${node.value}`;
        return item;
      }
      case 'param': {
        const s = node.stats;
        const item = new vscode.TreeItem(s.name);
        item.description = `[${s.shape.join('×')}] μ=${formatNumber(s.mean)} σ=${formatNumber(s.std)} min=${formatNumber(s.min)} max=${formatNumber(s.max)} ‖·‖=${formatNumber(s.norm)} nan=${s.nan}`;
        item.tooltip = formatStats(s);
        item.iconPath = new vscode.ThemeIcon(s.nan + s.inf > 0 ? 'warning' : 'symbol-array');
        item.command = { command: 'nlm.inspectWeights', title: 'Open heatmap', arguments: [s.name] };
        item.contextValue = 'parameter';
        return item;
      }
    }
  }

  getChildren(node?: Node): Node[] {
    if (node) return node.kind === 'section' ? node.children : [];
    const { info, state, snapshot } = this.run;
    if (!info) return [];
    const c = info.config;
    const d = info.dataset;
    return [
      {
        kind: 'section',
        label: 'Run',
        children: [
          { kind: 'fact', label: 'dataset', value: `${d.name} (V=${d.vocabSize}, ${d.train} train)` },
          { kind: 'fact', label: 'state', value: snapshot ? `${state} · epoch ${snapshot.cursor.epoch + 1} · batch ${snapshot.cursor.batch}/${info.batchesPerEpoch}` : state },
          { kind: 'fact', label: 'model', value: `D=${c.embeddingDim} P=${c.hiddenUnits} ${c.activation}` },
          { kind: 'fact', label: 'optimizer', value: `${c.optimizer} lr ${snapshot ? formatNumber(snapshot.lr) : c.lr}, batch ${c.batchSize}, ${c.epochs} epochs` },
        ],
      },
      { kind: 'section', label: 'Parameters', children: (snapshot?.params ?? []).map((stats) => ({ kind: 'param', stats })) },
    ];
  }

  private refresh(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.changed.fire();
    }, REFRESH_MS);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changed.dispose();
  }
}
