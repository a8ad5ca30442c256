// Where failures go: a line in the NLM log and one error notification. Tests listen to
// `onDidReport` to check the message a user would have seen.
import * as vscode from 'vscode';

export class Problems implements vscode.Disposable {
  private readonly reported = new vscode.EventEmitter<string>();
  readonly onDidReport = this.reported.event;

  constructor(private readonly output: vscode.OutputChannel) {}

  /** Logs `message` under `source` (a command id, "worker", …) and shows it. */
  report(source: string, message: string): void {
    this.output.appendLine(`[error] ${source}: ${message}`);
    this.reported.fire(message);
    void vscode.window.showErrorMessage(`NLM: ${message}`, 'Show Log').then((choice) => {
      if (choice) this.output.show(true);
    });
  }

  dispose(): void {
    this.reported.dispose();
  }
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
