// Chooses a dataset: the demo corpus, the dataset files and folders found in the workspace, or any
// file or folder through Browse….
import * as path from 'path';
import * as vscode from 'vscode';

interface DatasetItem extends vscode.QuickPickItem {
  path?: string;
  browse?: boolean;
}

export const DEMO_LABEL = 'Built-in demo corpus';

export async function pickDataset(title: string): Promise<string | undefined> {
  const items: DatasetItem[] = [{ label: DEMO_LABEL, description: '~250 words in clear classes, generated', path: 'demo' }];
  const found = await vscode.workspace.findFiles('**/{vocab.npy,*.mat,*.txt}', '**/{node_modules,.git}/**', 200);
  const seen = new Set<string>();
  for (const uri of found.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
    const isNpy = path.basename(uri.fsPath) === 'vocab.npy';
    const target = isNpy ? path.dirname(uri.fsPath) : uri.fsPath;
    if (seen.has(target)) continue;
    seen.add(target);
    items.push({
      label: path.basename(target),
      description: isNpy ? 'CMPE 597 NumPy folder' : uri.fsPath.endsWith('.mat') ? 'MATLAB data.mat' : 'text corpus',
      detail: vscode.workspace.asRelativePath(target),
      path: target,
    });
  }
  items.push({ label: '$(folder-opened) Browse…', browse: true });
  const choice = await vscode.window.showQuickPick(items, { title, placeHolder: 'Dataset to train on' });
  if (!choice) return undefined;
  if (!choice.browse) return choice.path;
  const picked = await vscode.window.showOpenDialog({
    title: 'A CMPE 597 folder, a data.mat or a .txt corpus',
    canSelectFiles: true,
    canSelectFolders: true,
    filters: { Datasets: ['npy', 'mat', 'txt'] },
  });
  return picked?.[0]?.fsPath;
}
