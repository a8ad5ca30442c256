// The Runs view's commands: rename, delete (after a confirmation), open the run's folder, load its
// model, train again with its settings (same seed and data ⇒ the same numbers), refresh. From the
// context menu they get the clicked run and the selection; from the palette, the view's selection.
import * as path from 'path';
import * as vscode from 'vscode';
import { CORPUS_DEFAULTS } from '../../engine/data/text';
import { deleteRun, renameRun } from '../../engine/runs/editRuns';
import type { RunEntry } from '../../engine/runs/listRuns';
import { MODEL_FILE } from '../../engine/runs/runFiles';
import type { RunInfo } from '../protocol';
import { compareRuns, Comparison } from '../runComparison';
import { ComparePanel } from '../views/comparePanel';
import { DashboardPanel } from '../views/dashboardPanel';
import { runListText } from '../views/runsListText';
import { RunsTreeProvider } from '../views/runsView';
import { CommandContext, registerCommand } from './context';
import { LoadArgs, loadRun } from './loadRun';

export function registerRunsCommands(ctx: CommandContext, runs: RunsTreeProvider, view: vscode.TreeView<RunEntry>): void {
  /** The runs a command acts on: the selection it was given, the clicked run, or the view's selection. */
  const chosen = (item?: RunEntry, selected?: readonly RunEntry[]): RunEntry[] => {
    const list = selected?.length ? [...selected] : item ? [item] : [...view.selection];
    if (!list.length) throw new Error('select a run in the Runs view first');
    return list;
  };
  const one = (item?: RunEntry, selected?: readonly RunEntry[]): RunEntry & { config: NonNullable<RunEntry['config']> } => {
    const run = item ?? chosen(item, selected)[0];
    if (!run.config) throw new Error(`${run.dir}: the run's config.json cannot be read (${run.problem ?? 'unknown problem'})`);
    return run as RunEntry & { config: NonNullable<RunEntry['config']> };
  };

  registerCommand(ctx, 'nlm.runs.refresh', () => runs.refresh());

  /** Two or more runs (the selection; with none selected, the newest two), overlaid. */
  registerCommand(ctx, 'nlm.runs.compare', (item?: RunEntry, selected?: RunEntry[]): Comparison => {
    const list = selected?.length ? selected : view.selection.length > 1 ? view.selection : item ? [item] : runs.getChildren().slice(0, 2);
    if (list.length < 2) throw new Error('select two or more runs in the Runs view (Ctrl/Shift+click), then Compare Runs');
    const comparison = compareRuns(list);
    ComparePanel.show(ctx.extension, comparison);
    return comparison;
  });

  /** `name`: the new name, instead of asking (tests). */
  registerCommand(ctx, 'nlm.runs.rename', async (item?: RunEntry, selected?: RunEntry[], name?: string) => {
    const run = one(item, selected);
    const given = name ?? (await vscode.window.showInputBox({ title: 'NLM: Rename Run', prompt: 'A name for the run (empty: its start time)', value: run.config.name ?? '' }));
    if (given === undefined) return;
    renameRun(run.dir, given);
    runs.refresh();
  });

  /** `confirmed`: true skips the question (tests). */
  registerCommand(ctx, 'nlm.runs.delete', async (item?: RunEntry, selected?: RunEntry[], confirmed?: boolean) => {
    const list = chosen(item, selected);
    if (list.some((r) => r.summary?.status === 'running' && r.dir === ctx.run.record?.dir)) throw new Error('the current run is still recording: stop it (NLM: Stop) before deleting it');
    const what = list.length === 1 ? `the run "${runListText(list[0]).label}"` : `${list.length} runs`;
    if (!confirmed) {
      const answer = await vscode.window.showWarningMessage(`Delete ${what}? Its folder (configuration, metrics, model) is removed.`, { modal: true }, 'Delete');
      if (answer !== 'Delete') return;
    }
    for (const r of list) deleteRun(r.dir);
    ctx.output.appendLine(`[runs] deleted ${list.map((r) => r.dir).join(', ')}`);
    runs.refresh();
  });

  registerCommand(ctx, 'nlm.runs.openFolder', async (item?: RunEntry, selected?: RunEntry[]) => {
    const run = chosen(item, selected)[0];
    const uri = vscode.Uri.file(run.dir);
    const inWorkspace = vscode.workspace.getWorkspaceFolder(uri) !== undefined;
    await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', uri);
  });

  registerCommand(ctx, 'nlm.runs.loadModel', async (item?: RunEntry, selected?: RunEntry[]): Promise<RunInfo | undefined> => {
    const run = one(item, selected);
    if (!run.summary?.model) throw new Error(`${run.dir}: the run saved no model yet`);
    const info = await loadRun(ctx, { ...loadArgsOf(run), modelFile: path.join(run.dir, MODEL_FILE) });
    if (info) DashboardPanel.show(ctx.extension, ctx.run);
    return info;
  });

  /** `noDashboard`: leave the dashboard closed (tests). */
  registerCommand(ctx, 'nlm.runs.trainAgain', async (item?: RunEntry, selected?: RunEntry[], noDashboard?: boolean): Promise<RunInfo | undefined> => {
    const run = one(item, selected);
    const info = await loadRun(ctx, loadArgsOf(run));
    if (!info) return undefined;
    if (!noDashboard) DashboardPanel.show(ctx.extension, ctx.run);
    await ctx.run.request({ kind: 'run' });
    return info;
  });
}

/** The run's dataset, corpus options, settings and starting weights, as recorded: nothing from
 *  the current nlm.* settings, so the run trains again exactly as it did. */
function loadArgsOf(run: RunEntry & { config: NonNullable<RunEntry['config']> }): LoadArgs {
  const { dataset, config, modelFile } = run.config;
  // A CLI run's relative path was relative to where it ran: the workspace folder, usually.
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const resolve = (p: string) => (p === 'demo' || path.isAbsolute(p) || !folder ? p : path.join(folder, p));
  const { seed: _seed, ...corpusDefaults } = CORPUS_DEFAULTS;
  return { dataset: resolve(dataset.path), config, corpus: { ...corpusDefaults, ...dataset.options }, ...(modelFile !== undefined && { modelFile: resolve(modelFile) }) };
}
