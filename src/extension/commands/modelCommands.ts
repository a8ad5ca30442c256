// Save, load, inspect, predict and evaluate: the commands that work on the model's weights.
import * as path from 'path';
import * as vscode from 'vscode';
import type { EvaluationReport } from '../protocol';
import { DashboardPanel } from '../views/dashboardPanel';
import { CommandContext, registerCommand } from './context';
import { pickDataset } from './datasetPicker';
import { renderEvaluationReport } from './evaluationReport';
import { loadRun } from './trainingCommands';

const TENSORS = ['W1', 'W2', 'b1', 'W3', 'b2', 'dW1', 'dW2', 'db1', 'dW3', 'db2'];

export interface EvaluateArgs {
  model?: string;
  split?: 'train' | 'valid' | 'test';
  /** Return the report without opening it (tests). */
  noReport?: boolean;
}

export function registerModelCommands(ctx: CommandContext): void {
  const { run } = ctx;
  registerCommand(ctx, 'nlm.inspectWeights', async (name?: string) => {
    const choice = name ?? (await vscode.window.showQuickPick(TENSORS, { title: 'NLM: Inspect Weights', placeHolder: 'Parameter or gradient' }));
    if (!choice) return;
    DashboardPanel.show(ctx.extension, run).showTensor(choice);
  });

  registerCommand(ctx, 'nlm.saveModel', async (target?: vscode.Uri | string) => {
    const uri =
      typeof target === 'string'
        ? vscode.Uri.file(target)
        : (target ??
          (await vscode.window.showSaveDialog({
            title: 'NLM: Save Model',
            filters: { safetensors: ['safetensors'], 'NumPy .npz': ['npz'] },
            defaultUri: vscode.workspace.workspaceFolders?.[0] && vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'model.safetensors'),
          })));
    if (!uri) return undefined;
    const format = uri.fsPath.endsWith('.npz') ? 'npz' : 'safetensors';
    const saved = await run.request({ kind: 'save', path: uri.fsPath, format });
    ctx.output.appendLine(`[model] saved ${saved.path} (${saved.bytes} bytes, ${format})`);
    void vscode.window.showInformationMessage(`NLM: saved ${path.basename(saved.path)}`);
    return saved;
  });

  registerCommand(ctx, 'nlm.loadModel', async (args: { model?: string; dataset?: string } = {}) => {
    const model = args.model ?? (await pickModelFile('NLM: Load Model'));
    if (!model) return undefined;
    const dataset = args.dataset ?? (await pickDataset(`Dataset for ${path.basename(model)} (its vocabulary must match)`));
    if (!dataset) return undefined;
    const info = await loadRun(ctx, { dataset, modelFile: model });
    DashboardPanel.show(ctx.extension, run);
    return info;
  });

  registerCommand(ctx, 'nlm.predictNextWord', async (text?: string) => {
    const context =
      text ??
      (await vscode.window.showInputBox({
        title: 'NLM: Predict Next Word',
        prompt: 'Three words of context',
        placeHolder: 'we went to',
        validateInput: (v) => (v.trim().split(/\s+/).length === 3 ? undefined : 'Type exactly three words'),
      }));
    if (!context) return undefined;
    const top = await run.request({ kind: 'predict', text: context, k: 10 });
    if (text === undefined) {
      void vscode.window.showQuickPick(
        top.map((t) => ({ label: t.word, description: `${(t.score * 100).toFixed(2)} %` })),
        { title: `Next word after "${context}"` },
      );
    }
    return top;
  });

  registerCommand(ctx, 'nlm.evaluateDataset', async (target?: vscode.Uri | string, args: EvaluateArgs = {}) => {
    const dataset = typeof target === 'string' ? target : (target?.fsPath ?? (await pickDataset('NLM: Evaluate Model on Dataset')));
    if (!dataset) return undefined;
    const model = args.model ?? (await chooseModel(ctx));
    if (model === undefined) return undefined;
    const split = args.split ?? (await pickSplit());
    if (!split) return undefined;
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `NLM: evaluating on ${path.basename(dataset)} (${split})`, cancellable: true },
      (_progress, token) =>
        new Promise<EvaluationReport | undefined>((resolve, reject) => {
          // Cancelling stops waiting; the worker finishes the pass on its own.
          token.onCancellationRequested(() => resolve(undefined));
          run.request({ kind: 'evaluateDataset', dataset: { path: evaluationTarget(dataset) }, split, modelFile: model || undefined }).then(resolve, reject);
        }),
    );
    if (!report) return undefined;
    ctx.output.appendLine(
      `[eval] ${report.dataset} ${split}: n=${report.n} CE ${report.ce.toFixed(4)} acc ${report.acc.toFixed(4)} top-5 ${report.top5.toFixed(4)} ppl ${report.perplexity.toFixed(2)}`,
    );
    if (!args.noReport) {
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: renderEvaluationReport(report, model || 'the loaded model') });
      await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
    }
    return report;
  });
}

/** A .npy file stands for the CMPE 597 folder it sits in. */
function evaluationTarget(dataset: string): string {
  return dataset.endsWith('.npy') ? path.dirname(dataset) : dataset;
}

/** '' means the loaded model. */
async function chooseModel(ctx: CommandContext): Promise<string | undefined> {
  if (!ctx.run.info) return pickModelFile('Model to evaluate');
  const choice = await vscode.window.showQuickPick([{ label: 'The loaded model', id: '' }, { label: '$(file) Choose a model file…', id: 'file' }], {
    title: 'Model to evaluate',
  });
  if (!choice) return undefined;
  return choice.id === '' ? '' : pickModelFile('Model to evaluate');
}

async function pickModelFile(title: string): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({ title, canSelectFiles: true, filters: { 'NLM model': ['safetensors'] } });
  return picked?.[0]?.fsPath;
}

async function pickSplit(): Promise<'train' | 'valid' | 'test' | undefined> {
  const choice = await vscode.window.showQuickPick(['test', 'valid', 'train'], { title: 'Split to evaluate' });
  return choice as 'train' | 'valid' | 'test' | undefined;
}
