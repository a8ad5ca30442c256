// Where runs trained in VS Code are recorded: `nlm.runsDir` (default `.nlm/runs`, the CLI's
// --runs-dir default) in the first workspace folder. With no folder open a relative path has
// nowhere to go: such runs are not recorded, and the user is told once per window.
import * as path from 'path';
import * as vscode from 'vscode';
import type { RecordTarget } from './protocol';

export const RUNS_DIR_SETTING = 'runsDir';

/** The runs folder, or undefined when a relative one has no workspace folder to live in. */
export function runsDirectory(): string | undefined {
  const configured = vscode.workspace.getConfiguration('nlm').get<string>(RUNS_DIR_SETTING) || '.nlm/runs';
  if (path.isAbsolute(configured)) return configured;
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  return folder && path.join(folder.uri.fsPath, configured);
}

/** The record target of every run the extension loads; says once when there is none. */
export function recordTargetOf(output: vscode.OutputChannel): () => RecordTarget | undefined {
  let told = false;
  return () => {
    const runsDir = runsDirectory();
    if (runsDir) return { runsDir };
    if (!told) {
      told = true;
      const message = 'NLM: no folder is open, so this run and the next ones are not recorded (open a folder, or set nlm.runsDir to an absolute path).';
      output.appendLine(`[runs] ${message}`);
      void vscode.window.showInformationMessage(message);
    }
    return undefined;
  };
}
