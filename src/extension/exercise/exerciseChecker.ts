// NLM: Check Exercise and its automatic re-checks: the open .nlmx file is checked by the worker on
// the loaded run's current iteration (or a fresh run of the settings), and the verdicts become
// diagnostics on their lines (Problems view) and a summary document. A saved exercise file is
// checked again, and so is every visible one when the run stops (a breakpoint, a step), so the
// diagnostics follow the debugger.
import * as path from 'path';
import * as vscode from 'vscode';
import type { ExerciseReport, LineVerdict, Request } from '../protocol';
import type { RunController } from '../session/runController';
import { READ_ONLY_SCHEME, ReadOnlyDocuments } from '../views/readOnlyDocuments';
import { exerciseSummary } from './exerciseSummary';
import { isExercise } from './exerciseLanguage';

export const DIAGNOSTIC_SOURCE = 'nlm exercise';

type FreshRun = Extract<Request, { kind: 'checkExercise' }>['fresh'];

export class ExerciseChecker implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('nlm-exercise');
  private readonly subscriptions: vscode.Disposable[] = [this.diagnostics];
  /** Documents checked automatically once the check under way ends (one at a time each). */
  private readonly busy = new Map<string, { again: boolean }>();

  constructor(
    private readonly run: RunController,
    private readonly documents: ReadOnlyDocuments,
    /** The dataset and settings of a fresh run, for a check with no run loaded. */
    private readonly freshRun: () => FreshRun,
    private readonly log: (message: string) => void,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidSaveTextDocument((d) => isExercise(d) && this.recheck(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.diagnostics.delete(d.uri)),
    );
    const onStop = () => {
      for (const editor of vscode.window.visibleTextEditors) if (isExercise(editor.document)) this.recheck(editor.document);
    };
    run.on('stopped', onStop);
    this.subscriptions.push({ dispose: () => run.off('stopped', onStop) });
  }

  /** Checks `document` now; its diagnostics and summary document show the verdicts. */
  async check(document: vscode.TextDocument): Promise<ExerciseReport> {
    const report = await this.run.request({ kind: 'checkExercise', text: document.getText(), fresh: this.freshRun() });
    this.diagnostics.set(document.uri, report.verdicts.flatMap((v) => diagnosticsOf(document, v)));
    this.documents.put(summaryName(document), exerciseSummary(path.basename(document.uri.path), report));
    return report;
  }

  /** Opens the summary document of `document`'s last check beside it. */
  async showSummary(document: vscode.TextDocument): Promise<void> {
    const summary = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: READ_ONLY_SCHEME, path: `/${summaryName(document)}` }));
    await vscode.window.showTextDocument(summary, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: false });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  /** A check nobody waits for (a save, a stop): failures go to the log; checks of one document
   *  never overlap, and requests while one runs make one more check after it. */
  private recheck(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const running = this.busy.get(key);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: false };
    this.busy.set(key, state);
    void this.check(document)
      .catch((e: unknown) => this.log(`[exercise] ${path.basename(document.uri.path)}: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        this.busy.delete(key);
        if (state.again && !document.isClosed) this.recheck(document);
      });
  }
}

function summaryName(document: vscode.TextDocument): string {
  return `${path.basename(document.uri.path, '.nlmx')} · check.txt`;
}

/** A verdict as diagnostics: none for a correct or helper line; an error over the expression of a
 *  wrong line, over the token of an error (its whole line when it has no token), and on the header
 *  line for a tensor the file has no line for. */
export function diagnosticsOf(document: vscode.TextDocument, v: LineVerdict): vscode.Diagnostic[] {
  if (v.verdict === 'correct' || v.verdict === 'helper') return [];
  const lineIndex = v.line === null ? 0 : Math.min(v.line - 1, document.lineCount - 1);
  const text = document.lineAt(lineIndex).text;
  const start = Math.min(Math.max((v.column ?? 1) - 1, 0), text.length);
  let range: vscode.Range;
  if (v.line === null) range = new vscode.Range(lineIndex, 0, lineIndex, text.length);
  else if (v.verdict === 'wrong') range = new vscode.Range(lineIndex, start, lineIndex, text.replace(/\s*#.*$/, '').length || text.length);
  else {
    const token = /^(?:[A-Za-z_]\w*|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\S)/.exec(text.slice(start))?.[0];
    range = token ? new vscode.Range(lineIndex, start, lineIndex, start + token.length) : new vscode.Range(lineIndex, text.search(/\S|$/), lineIndex, text.length);
  }
  const name = v.name ? `${v.name}: ` : '';
  const message = `${name}${v.verdict} — ${v.message}${v.hint ? `\nhint: ${v.hint}` : ''}`;
  const diagnostic = new vscode.Diagnostic(range, message, vscode.DiagnosticSeverity.Error);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = v.verdict;
  return [diagnostic];
}
