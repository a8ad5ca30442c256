// The "Run" view in the NLM activity bar container: the current run (dataset, state, model,
// configuration) and the parameters W1, W2, b1, W3, b2 with live statistics from the snapshots;
// clicking a parameter opens it (NLM: Inspect Weights).
import * as vscode from 'vscode';
import type { TensorStats } from '../../engine/metrics';
import { LOSS } from '../runHistory';
import { RunController } from '../session/runController';
import { configFactTexts, ItemText, paramText, runFactTexts } from './runTreeText';

type Node =
  | { kind: 'section'; label: string; children: Node[]; collapsed?: boolean }
  | { kind: 'fact'; text: ItemText }
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
        const item = new vscode.TreeItem(node.text.label);
        item.description = node.text.description;
        item.tooltip = node.text.tooltip;
        return item;
      }
      case 'param': {
        const s = node.stats;
        const text = paramText(s);
        const item = new vscode.TreeItem(text.label);
        item.id = `param:${s.name}`;
        item.description = text.description;
        item.tooltip = text.tooltip;
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
      { kind: 'section', label: 'Run', children: runFactTexts(info, state, snapshot, history.steps.buckets.at(-1)?.last[LOSS]).map((text) => ({ kind: 'fact', text })) },
      { kind: 'section', label: 'Configuration', collapsed: true, children: configFactTexts(info).map((text) => ({ kind: 'fact', text })) },
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
