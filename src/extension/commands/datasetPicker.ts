// Chooses a dataset: the demo corpus, the datasets found in the workspace (CMPE 597 folders,
// .mat files, .txt corpora), or any file or folder through Browse…; and remembers the last one
// loaded, which F5 trains on when no run is loaded.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { localPath } from '../localFile';

export const DEMO_LABEL = 'Built-in demo corpus';
const EXCLUDE = '**/{node_modules,.git,out,dist}/**';
const MAX_FILES = 200;

/** workspaceState key of the dataset last loaded. */
const LAST_DATASET = 'nlm.lastDataset';

export function rememberDataset(extension: vscode.ExtensionContext, dataset: string): Thenable<void> {
  return extension.workspaceState.update(LAST_DATASET, dataset);
}

export function lastDataset(extension: vscode.ExtensionContext): string | undefined {
  return extension.workspaceState.get<string>(LAST_DATASET);
}

export interface DatasetChoice extends vscode.QuickPickItem {
  /** "demo" or a file system path; absent for Browse…. */
  path?: string;
}

/**
 * Asks for a dataset. `first` goes above the usual entries (Load Model offers the dataset the
 * model was trained on there).
 */
export async function pickDataset(title: string, first: DatasetChoice[] = []): Promise<string | undefined> {
  const items: DatasetChoice[] = [
    ...first,
    { label: DEMO_LABEL, description: '~250 words in clear classes, generated', path: 'demo' },
    ...(await workspaceDatasets()),
    { label: '$(folder-opened) Browse…', description: 'a CMPE 597 folder, a .mat or a .txt file' },
  ];
  const choice = await vscode.window.showQuickPick(items, { title, placeHolder: 'Dataset', matchOnDescription: true, matchOnDetail: true });
  if (!choice) return undefined;
  if (choice.path) return choice.path;
  const picked = await vscode.window.showOpenDialog({
    title: 'A CMPE 597 folder, a data.mat or a .txt corpus',
    canSelectFiles: true,
    canSelectFolders: true,
    filters: { Datasets: ['npy', 'mat', 'txt'] },
  });
  return picked?.[0] && localPath(picked[0], 'the dataset');
}

/** The datasets in the workspace folders, as picker entries. */
export async function workspaceDatasets(): Promise<DatasetChoice[]> {
  const found = await vscode.workspace.findFiles('**/{vocab.npy,*.mat,*.txt}', EXCLUDE, MAX_FILES);
  const items: DatasetChoice[] = [];
  // Files of a remote or virtual workspace cannot be read here: they are not offered.
  for (const uri of found.filter((u) => u.scheme === 'file').sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
    const file = uri.fsPath;
    if (path.basename(file) === 'vocab.npy') {
      const folder = path.dirname(file);
      // A CMPE 597 folder also holds the splits; a lone vocab.npy is something else.
      if (!fs.existsSync(path.join(folder, 'train_inputs.npy'))) continue;
      items.push(item(folder, 'CMPE 597 NumPy folder'));
    } else items.push(item(file, file.endsWith('.mat') ? 'MATLAB data.mat' : 'text corpus, one sentence per line'));
  }
  return items;
}

function item(target: string, kind: string): DatasetChoice {
  return { label: path.basename(target), description: kind, detail: vscode.workspace.asRelativePath(target), path: target };
}
