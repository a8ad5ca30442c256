// NLM: Save Model (safetensors, or .npz for NumPy) and NLM: Load Model (a .safetensors file on
// the dataset it was trained on, another one with the same vocabulary, or the demo corpus).
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { readModelMeta } from '../../engine/modelfile/modelFile';
import type { RunInfo } from '../protocol';
import { localPath } from '../localFile';
import { DashboardPanel } from '../views/dashboardPanel';
import { CommandContext, registerCommand } from './context';
import { DatasetChoice, pickDataset } from './datasetPicker';
import { loadRun } from './loadRun';

export function registerModelFileCommands(ctx: CommandContext): void {
  registerCommand(ctx, 'nlm.saveModel', async (target?: vscode.Uri | string) => {
    const uri = typeof target === 'string' ? vscode.Uri.file(target) : (target ?? (await askSaveLocation()));
    if (!uri) return undefined;
    const file = localPath(uri, 'the model file');
    const format = file.toLowerCase().endsWith('.npz') ? 'npz' : 'safetensors';
    const saved = await ctx.run.request({ kind: 'save', path: file, format });
    ctx.output.appendLine(`[model] saved ${saved.path} (${saved.bytes} bytes, ${format})`);
    void vscode.window.showInformationMessage(`NLM: saved ${path.basename(saved.path)}`);
    return saved;
  });

  registerCommand(ctx, 'nlm.loadModel', async (args: { model?: string; dataset?: string } = {}): Promise<RunInfo | undefined> => {
    const model = args.model ?? (await pickModelFile('NLM: Load Model'));
    if (!model) return undefined;
    const dataset = args.dataset ?? (await pickDataset(`Dataset for ${path.basename(model)} (its vocabulary must match)`, trainedOn(model)));
    if (!dataset) return undefined;
    const info = await loadRun(ctx, { dataset, modelFile: model });
    if (info) DashboardPanel.show(ctx.extension, ctx.run);
    return info;
  });
}

export async function pickModelFile(title: string): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({ title, canSelectFiles: true, filters: { 'NLM model': ['safetensors'] } });
  return picked?.[0] && localPath(picked[0], 'the model file');
}

function askSaveLocation(): Thenable<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return vscode.window.showSaveDialog({
    title: 'NLM: Save Model',
    filters: { safetensors: ['safetensors'], 'NumPy .npz': ['npz'] },
    defaultUri: folder && vscode.Uri.joinPath(folder, 'model.safetensors'),
  });
}

/** The dataset recorded in the model's provenance, offered first when it is still there. */
function trainedOn(model: string): DatasetChoice[] {
  let dataset: string;
  try {
    dataset = readModelMeta(model).provenance.dataset;
  } catch {
    return []; // Loading reports what is wrong with the file.
  }
  if (dataset !== 'demo' && !fs.existsSync(dataset)) return [];
  return [{ label: '$(history) The dataset it was trained on', description: dataset === 'demo' ? 'demo corpus' : path.basename(dataset), detail: dataset, path: dataset }];
}
