// The iteration document in the editor: a read-only virtual document rendered from the loaded
// run (or, before any run, from the engine's phases for the settings F5 would train with),
// refreshed whenever the shared run changes. Its URI is the Source the debug adapter reports.
import * as vscode from 'vscode';
import type { TrainConfig } from '../../engine/config';
import type { RunController } from '../session/runController';
import { configuredHyperParameters } from '../settings';
import { ITERATION_LANGUAGE, ITERATION_URI, IterationInput, renderIteration } from './iterationDocument';
import { previewIteration } from './iterationPreview';

export const ITERATION_DOCUMENT_URI = vscode.Uri.parse(ITERATION_URI);

export class IterationContentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly refresh = () => this.changed.fire(ITERATION_DOCUMENT_URI);

  constructor(private readonly run: RunController) {
    run.on('run', this.refresh);
    run.on('crashed', this.refresh);
  }

  provideTextDocumentContent(): string {
    return renderIteration(this.run.info ?? this.preview()).text;
  }

  private preview(): IterationInput {
    try {
      return previewIteration(launchSettings());
    } catch {
      // A half-written launch configuration must not hide the document.
      return previewIteration({});
    }
  }

  dispose(): void {
    this.run.off('run', this.refresh);
    this.run.off('crashed', this.refresh);
    this.changed.dispose();
  }
}

/** NLM: Open Iteration. */
export async function openIteration(): Promise<vscode.TextEditor> {
  let doc = await vscode.workspace.openTextDocument(ITERATION_DOCUMENT_URI);
  if (doc.languageId !== ITERATION_LANGUAGE) doc = await vscode.languages.setTextDocumentLanguage(doc, ITERATION_LANGUAGE);
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** The settings F5 would train with: the first `nlm` launch configuration over the `nlm.*` settings. */
function launchSettings(): Partial<TrainConfig> {
  const settings = configuredHyperParameters();
  const configs = vscode.workspace.getConfiguration('launch').get<{ type?: string; request?: string }[]>('configurations') ?? [];
  const launch = configs.find((c) => c.type === 'nlm' && c.request === 'launch') as Partial<TrainConfig> | undefined;
  if (!launch) return settings;
  const { activation, optimizer, lr, embeddingDim, hiddenUnits, batchSize, epochs, seed } = launch;
  const own = Object.entries({ activation, optimizer, lr, embeddingDim, hiddenUnits, batchSize, epochs, seed }).filter(([, v]) => v !== undefined);
  return { ...settings, ...Object.fromEntries(own) };
}
