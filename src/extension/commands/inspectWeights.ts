// NLM: Inspect Weights: a parameter or gradient. Matrices open as heatmaps in the dashboard; the
// bias vectors, which a heatmap shows poorly, open as a read-only text document of their values.
import * as vscode from 'vscode';
import type { RunInfo } from '../protocol';
import { DashboardPanel } from '../views/dashboardPanel';
import { ReadOnlyDocuments } from '../views/readOnlyDocuments';
import { CommandContext, registerCommand } from './context';
import { tensorText } from './tensorText';

/** The loaded model's parameters and their gradients, as it declares them. */
function tensorChoices(info: RunInfo): { name: string; what: string; vector: boolean }[] {
  return [
    ...info.params.map((p) => ({ name: p.name, what: `${p.title}, ${p.shape.join('×')}`, vector: p.shape.length === 1 })),
    ...info.params.map((p) => ({ name: `d${p.name}`, what: `gradient of ${p.name}`, vector: p.shape.length === 1 })),
  ];
}

export function registerInspectWeights(ctx: CommandContext, documents: ReadOnlyDocuments): void {
  registerCommand(ctx, 'nlm.inspectWeights', async (name?: string) => {
    const info = ctx.run.info;
    if (!info) throw new Error('no model is loaded: run NLM: Train or NLM: Load Model first');
    const choices = tensorChoices(info);
    const choice =
      name ??
      (
        await vscode.window.showQuickPick(
          choices.map((t) => ({ label: t.name, description: t.what })),
          { title: 'NLM: Inspect Weights', placeHolder: 'Parameter or gradient (matrices open as heatmaps)' },
        )
      )?.label;
    if (!choice) return undefined;
    if (!choices.find((t) => t.name === choice)?.vector) {
      DashboardPanel.show(ctx.extension, ctx.run).showTensor(choice);
      return choice;
    }
    const data = await ctx.run.request({ kind: 'tensor', name: choice });
    const uri = documents.put(`${choice}.txt`, tensorText(data, info, ctx.run.snapshot));
    await vscode.window.showTextDocument(uri, { preview: true });
    return choice;
  });
}
