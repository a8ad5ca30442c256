// NLM: Inspect Weights: a parameter or gradient. Matrices open as heatmaps in the dashboard; the
// bias vectors, which a heatmap shows poorly, open as a read-only text document of their values.
import * as vscode from 'vscode';
import { DashboardPanel } from '../views/dashboardPanel';
import { ReadOnlyDocuments } from '../views/readOnlyDocuments';
import { CommandContext, registerCommand } from './context';
import { tensorText } from './tensorText';

const TENSORS = [
  { name: 'W1', what: 'word embeddings, V×D' },
  { name: 'W2', what: 'embeddings → hidden, 3D×P' },
  { name: 'b1', what: 'hidden bias, P' },
  { name: 'W3', what: 'hidden → output, P×V' },
  { name: 'b2', what: 'output bias, V' },
  { name: 'dW1', what: 'gradient of W1' },
  { name: 'dW2', what: 'gradient of W2' },
  { name: 'db1', what: 'gradient of b1' },
  { name: 'dW3', what: 'gradient of W3' },
  { name: 'db2', what: 'gradient of b2' },
];
const VECTORS = new Set(['b1', 'b2', 'db1', 'db2']);

export function registerInspectWeights(ctx: CommandContext, documents: ReadOnlyDocuments): void {
  registerCommand(ctx, 'nlm.inspectWeights', async (name?: string) => {
    const choice =
      name ??
      (
        await vscode.window.showQuickPick(
          TENSORS.map((t) => ({ label: t.name, description: t.what })),
          { title: 'NLM: Inspect Weights', placeHolder: 'Parameter or gradient (matrices open as heatmaps)' },
        )
      )?.label;
    if (!choice) return undefined;
    if (!VECTORS.has(choice)) {
      DashboardPanel.show(ctx.extension, ctx.run).showTensor(choice);
      return choice;
    }
    const info = ctx.run.info;
    if (!info) throw new Error('no model is loaded: run NLM: Train or NLM: Load Model first');
    const data = await ctx.run.request({ kind: 'tensor', name: choice });
    const uri = documents.put(`${choice}.txt`, tensorText(data, info, ctx.run.snapshot));
    await vscode.window.showTextDocument(uri, { preview: true });
    return choice;
  });
}
