// The Compare Runs panel: the selected runs' curves overlaid, one colour per run, and their results
// table (sortable on the page; exported here as CSV, Markdown or LaTeX through resultsTable.ts, in
// the order the page shows). One panel per window; a new selection replaces what it shows.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { formatTable, ResultsTable } from '../../engine/runs/resultsTable';
import type { FromCompare, ToCompare } from '../protocol';
import type { Comparison } from '../runComparison';
import { webviewPage, webviewPageRoots } from './webviewPage';

const VIEW_TYPE = 'nlm.compare';
export const COMPARE_TITLE = 'NLM: Compare Runs';
const EXTENSIONS = { csv: 'csv', markdown: 'md', latex: 'tex' } as const;

export class ComparePanel {
  static current: ComparePanel | undefined;
  private comparison: Comparison;
  private ready = false;

  static show(context: vscode.ExtensionContext, comparison: Comparison): ComparePanel {
    const open = ComparePanel.current;
    if (open) {
      open.update(comparison);
      open.panel.reveal();
      return open;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, COMPARE_TITLE, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: webviewPageRoots(context.extensionUri),
    });
    ComparePanel.current = new ComparePanel(panel, context.extensionUri, comparison);
    return ComparePanel.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    comparison: Comparison,
  ) {
    this.comparison = comparison;
    panel.webview.html = webviewPage(panel.webview, extensionUri, { bundle: 'compare', rootId: 'compare', title: COMPARE_TITLE });
    panel.webview.onDidReceiveMessage((m: FromCompare) => this.onMessage(m));
    panel.onDidDispose(() => {
      if (ComparePanel.current === this) ComparePanel.current = undefined;
    });
  }

  update(comparison: Comparison): void {
    this.comparison = comparison;
    if (this.ready) this.post({ type: 'comparison', comparison });
  }

  /** Writes the table, its rows in `order`, to `file` (asks where when not given). */
  async exportTable(format: keyof typeof EXTENSIONS, order: readonly number[], file?: string): Promise<string | undefined> {
    const table = ordered(this.comparison.table, order);
    const target =
      file ??
      (
        await vscode.window.showSaveDialog({
          title: 'NLM: Export Results Table',
          filters: { [format]: [EXTENSIONS[format]] },
          defaultUri: vscode.workspace.workspaceFolders?.[0] && vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, `results.${EXTENSIONS[format]}`),
        })
      )?.fsPath;
    if (!target) return undefined;
    fs.writeFileSync(target, formatTable(table, format));
    return target;
  }

  private onMessage(m: FromCompare): void {
    if (m.type === 'ready') {
      this.ready = true;
      this.post({ type: 'comparison', comparison: this.comparison });
    } else if (m.type === 'exportTable') {
      this.exportTable(m.format, m.order).then(
        (file) => file && void vscode.window.showInformationMessage(`NLM: results table written to ${file}`),
        (e: unknown) => void vscode.window.showErrorMessage(`NLM: Export Results Table: ${(e as Error).message}`),
      );
    }
  }

  private post(message: ToCompare): void {
    void this.panel.webview.postMessage(message);
  }
}

/** The table with its rows in the page's order (rows it does not name are left out). */
function ordered(table: ResultsTable, order: readonly number[]): ResultsTable {
  const rows = order.length ? order.filter((i) => table.rows[i]).map((i) => table.rows[i]) : table.rows;
  return { columns: table.columns, rows };
}
