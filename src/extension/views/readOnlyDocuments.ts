// Read-only documents the extension writes (evaluation reports, bias vectors): an in-memory
// content provider, so closing them never asks to save and reopening shows the latest text.
import * as vscode from 'vscode';

export const READ_ONLY_SCHEME = 'nlm-document';

export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  /** Stores `text` as the document `name` (its extension picks the language) and returns its URI. */
  put(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: READ_ONLY_SCHEME, path: `/${name}` });
    this.texts.set(uri.path, text);
    this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '';
  }

  dispose(): void {
    this.changed.dispose();
  }
}
