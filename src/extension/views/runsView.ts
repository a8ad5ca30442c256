// The "Runs" view in the NLM container: every recorded run of the runs folder (nlm.runsDir), newest
// first, from VS Code and from the CLI alike. It reads the folder again when the current run's
// record changes, when a summary.json in the folder changes (a CLI run, a sweep), when the setting
// changes, and on Refresh.
import * as vscode from 'vscode';
import { listRuns, RunEntry } from '../../engine/runs/listRuns';
import { runsDirectory, RUNS_DIR_SETTING } from '../runsFolder';
import { RunController } from '../session/runController';
import { runListText } from './runsListText';

export class RunsTreeProvider implements vscode.TreeDataProvider<RunEntry>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private watcher: vscode.FileSystemWatcher | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** The runs as last listed (commands given no selection find theirs here). */
  runs: RunEntry[] = [];

  constructor(run: RunController) {
    run.on('record', () => this.refresh());
    this.watch();
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(`nlm.${RUNS_DIR_SETTING}`)) return;
        this.watch();
        this.refresh();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.watch();
        this.refresh();
      }),
    );
  }

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(run: RunEntry): vscode.TreeItem {
    const text = runListText(run);
    const item = new vscode.TreeItem(text.label);
    item.id = run.id;
    item.description = text.description;
    item.tooltip = text.tooltip;
    item.contextValue = run.config ? 'nlmRun' : 'nlmRunUnreadable';
    const status = run.summary?.status;
    item.iconPath = new vscode.ThemeIcon(status === 'finished' ? 'pass' : status === 'running' ? 'sync' : status === 'failed' ? 'error' : status === 'stopped' ? 'debug-stop' : 'warning');
    return item;
  }

  getChildren(parent?: RunEntry): RunEntry[] {
    if (parent) return [];
    const dir = runsDirectory();
    this.runs = dir ? listRuns(dir) : [];
    return this.runs;
  }

  dispose(): void {
    this.watcher?.dispose();
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }

  private watch(): void {
    this.watcher?.dispose();
    this.watcher = undefined;
    const dir = runsDirectory();
    if (!dir) return;
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '{*/summary.json,*/config.json}'));
    const changed = () => this.refresh();
    this.watcher.onDidCreate(changed);
    this.watcher.onDidChange(changed);
    this.watcher.onDidDelete(changed);
  }
}
