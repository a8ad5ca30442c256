// NLM: Evaluate Model on Dataset (also in the Explorer's context menu of .npy, .mat and .txt files
// and folders): a model file or the loaded model on one split of a dataset, reported as Markdown.
import * as path from 'path';
import * as vscode from 'vscode';
import { localPath } from '../localFile';
import { configuredCorpusOptions } from '../settings';
import type { EvaluationReport } from '../protocol';
import { ReadOnlyDocuments } from '../views/readOnlyDocuments';
import { CommandContext, registerCommand } from './context';
import { pickDataset } from './datasetPicker';
import { renderEvaluationReport } from './evaluationReport';
import { pickModelFile } from './modelFileCommands';
import { withCancellableProgress } from './progress';

type Split = 'train' | 'valid' | 'test';

/** What tests pass instead of answering the pickers. */
export interface EvaluateArgs {
  /** A .safetensors file; '' for the loaded model. */
  model?: string;
  split?: Split;
  /** Return the report without opening it. */
  noReport?: boolean;
}

export function registerEvaluateDataset(ctx: CommandContext, documents: ReadOnlyDocuments): void {
  registerCommand(ctx, 'nlm.evaluateDataset', async (target?: vscode.Uri | string, options?: EvaluateArgs | vscode.Uri[]): Promise<EvaluationReport | undefined> => {
    // From the Explorer's context menu the second argument is the list of selected resources.
    const args: EvaluateArgs = Array.isArray(options) ? {} : (options ?? {});
    const picked = typeof target === 'string' ? target : target ? localPath(target, 'the dataset') : await pickDataset('NLM: Evaluate Model on Dataset');
    if (!picked) return undefined;
    const dataset = datasetOf(picked);
    const model = args.model ?? (await chooseModel(ctx));
    if (model === undefined) return undefined;
    const split = args.split ?? (await pickSplit());
    if (!split) return undefined;
    const name = dataset === 'demo' ? 'the demo corpus' : path.basename(dataset);
    const report = await withCancellableProgress(`NLM: evaluating ${model ? path.basename(model) : 'the loaded model'} on ${name} (${split})`, (onProgress, signal) =>
      // Read first on its own, so reading a large corpus shows its stages and can be cancelled too.
      ctx.run
        .request({ kind: 'previewDataset', dataset: { path: dataset, corpus: configuredCorpusOptions() } }, { onProgress, signal })
        .then(() => ctx.run.request({ kind: 'evaluateDataset', dataset: { path: dataset, corpus: configuredCorpusOptions() }, split, modelFile: model || undefined }, { onProgress, signal })),
    );
    if (!report) {
      ctx.output.appendLine(`[eval] cancelled the evaluation on ${dataset}`);
      return undefined;
    }
    ctx.output.appendLine(
      `[eval] ${model || 'loaded model'} on ${report.dataset} (${split}): n=${report.n} CE ${report.ce.toFixed(4)} acc ${report.acc.toFixed(4)} ` +
        `top-5 ${report.top5.toFixed(4)} ppl ${report.perplexity.toFixed(2)}`,
    );
    if (!args.noReport) {
      const uri = documents.put(`Evaluation of ${report.dataset.replace(/\//g, '-')} (${split}).md`, renderEvaluationReport(report, model || 'the loaded model'));
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    }
    return report;
  });
}

/** A .npy file stands for the CMPE 597 folder it sits in. */
function datasetOf(picked: string): string {
  return picked.toLowerCase().endsWith('.npy') ? path.dirname(picked) : picked;
}

/** A model file, '' for the loaded model, undefined when the user gave up. */
async function chooseModel(ctx: CommandContext): Promise<string | undefined> {
  if (!ctx.run.info) return pickModelFile('Model to evaluate');
  const choice = await vscode.window.showQuickPick(
    [
      { label: 'The loaded model', description: ctx.run.info.dataset.name, id: '' },
      { label: '$(file) A model file…', description: '.safetensors', id: 'file' },
    ],
    { title: 'Model to evaluate' },
  );
  if (!choice) return undefined;
  return choice.id === '' ? '' : pickModelFile('Model to evaluate');
}

async function pickSplit(): Promise<Split | undefined> {
  const choice = await vscode.window.showQuickPick(
    [
      { label: 'test', description: 'held-out examples (the usual choice)' },
      { label: 'valid', description: 'the split used for early stopping' },
      { label: 'train', description: 'what the model learned from' },
    ],
    { title: 'Split to evaluate' },
  );
  return choice?.label as Split | undefined;
}
