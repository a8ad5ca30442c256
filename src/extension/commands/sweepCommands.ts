// NLM: Run Sweep and NLM: New Sweep File. A sweep file is the JSON `nlm sweep FILE` reads (one
// parser, readSweepFile); New Sweep File writes one from the current nlm.* settings for the user to
// edit. Run Sweep trains its points in the training worker one after another (SweepRunner), under a
// cancellable progress notification with the time left, and keeps the results table (Compare
// Runs) open, filled in as points finish. Running it again resumes: finished points are skipped.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { resolveConfig } from '../../engine/config';
import { InputError } from '../../engine/errors';
import { writeFileAtomic } from '../../engine/modelfile/atomic';
import { readRun } from '../../engine/runs/listRuns';
import { readSweepFile } from '../../engine/runs/sweep';
import { formatDuration, SweepPlan } from '../../engine/runs/sweepPlan';
import { sweepTemplate } from '../../engine/runs/sweepTemplate';
import { compareRuns } from '../runComparison';
import { runsDirectory } from '../runsFolder';
import { SweepOutcome, SweepRunner } from '../session/sweepRunner';
import { configuredCorpusOptions, configuredHyperParameters } from '../settings';
import { ComparePanel } from '../views/comparePanel';
import { CommandContext, registerCommand } from './context';
import { lastDataset } from './datasetPicker';

export interface RunSweepArgs {
  /** The sweep file, instead of asking. */
  file?: string;
  /** Leave the results table closed (tests). */
  noResults?: boolean;
}

export interface RunSweepResult extends SweepOutcome {
  /** The sweep's id (its folder: <runs>/sweeps/<id>). */
  id: string;
  /** The finished points' runs, in grid order. */
  runs: string[];
}

/** The progress notification changes at most this often (each change is a frame of the window). */
const PROGRESS_MS = 500;

export function registerSweepCommands(ctx: CommandContext): void {
  let running: SweepRunner | undefined;

  /** From the palette, the Runs view's title bar or a .json file's context menu (a Uri). */
  registerCommand(ctx, 'nlm.runSweep', async (arg?: RunSweepArgs | vscode.Uri): Promise<RunSweepResult | undefined> => {
    const args: RunSweepArgs = arg instanceof vscode.Uri ? { file: arg.fsPath } : (arg ?? {});
    if (running) throw new Error('a sweep is running already: cancel it (its notification) before starting another');
    const file = args.file ?? (await pickSweepFile(ctx));
    if (!file) return undefined;
    const runsDir = runsDirectory();
    if (!runsDir) throw new Error('a sweep records its runs in nlm.runsDir: open a folder, or set nlm.runsDir to an absolute path');
    const plan = planOf(file, runsDir);
    const runner = new SweepRunner(ctx.run, plan);
    running = runner;
    try {
      return await runWithProgress(ctx, runner, file, args);
    } finally {
      running = undefined;
    }
  });

  /** The status bar item's click, and the palette's: as the notification's Cancel. */
  registerCommand(ctx, 'nlm.cancelSweep', () => {
    if (!running) throw new Error('no sweep is running');
    running.cancel();
  });

  /** Writes a sweep file from the current settings and opens it; returns its path. `folder`: where (tests). */
  registerCommand(ctx, 'nlm.newSweepFile', (folder?: string): Promise<string> => newSweepFile(ctx, folder));
}

/** The sweep's plan; a grid the engine refuses is an error naming the file. */
function planOf(file: string, runsDir: string): SweepPlan {
  const spec = readSweepFile(file);
  try {
    return new SweepPlan(spec, runsDir);
  } catch (e) {
    throw e instanceof InputError ? e : new InputError(file, (e as Error).message);
  }
}

async function runWithProgress(ctx: CommandContext, runner: SweepRunner, file: string, args: RunSweepArgs): Promise<RunSweepResult> {
  const { plan } = runner;
  const name = path.basename(file);
  const total = plan.points.length;
  ctx.output.appendLine(`[sweep] ${file}: sweep ${plan.id} (${plan.record.dir}), ${total} runs` + (plan.finishedCount ? `, ${plan.finishedCount} already finished` : ''));
  // The results table from the start: the points finished before, then each one as it finishes.
  const table = args.noResults ? undefined : ComparePanel.show(ctx.extension, compareRuns(plan.rows().map((r) => readRun(plan.runsDir, r.id))));
  // Also in the status bar, where it stays in sight when the notification is collapsed; a click cancels.
  const item = vscode.window.createStatusBarItem('nlm.sweep', vscode.StatusBarAlignment.Left, 49);
  item.name = 'NLM sweep';
  item.tooltip = `NLM: sweep ${file}: click to cancel it (the run training now is kept as stopped; running the sweep again resumes it)`;
  item.command = 'nlm.cancelSweep';
  let outcome: SweepOutcome;
  try {
    outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `NLM: sweep ${name}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => runner.cancel());
        let point = '';
        let counted = '';
        let shown = 0;
        let lastReport = 0;
        const show = (message: string, bar: string) => {
          progress.report({ message });
          item.text = `$(run-all) ${bar}`;
          item.show();
          lastReport = performance.now();
        };
        return runner.train({
          onPoint: (p, number) => {
            counted = `${number}/${total}`;
            point = `run ${counted}: ${plan.describe(p)}`;
            ctx.output.appendLine(`[sweep] ${point}`);
            show(point, `sweep ${counted}`);
          },
          onSteps: (_steps, fraction, left) => {
            if (performance.now() - lastReport < PROGRESS_MS) return;
            const time = left === undefined ? '' : ` · about ${formatDuration(left)} left`;
            progress.report({ increment: Math.max(0, 100 * fraction - shown) });
            shown = Math.max(shown, 100 * fraction);
            show(`${point}${time}`, `sweep ${counted} · ${Math.floor(100 * fraction)}%${time}`);
          },
          onFinished: (p, runId) => {
            ctx.output.appendLine(`[sweep] finished ${plan.describe(p)}: run ${runId}`);
            // Only the panel this sweep opened, and only while it shows (a closed one stays closed).
            if (table && ComparePanel.current === table) table.update(compareRuns(plan.rows().map((r) => readRun(plan.runsDir, r.id))));
          },
        });
      },
    );
  } finally {
    item.dispose();
  }
  const runs = plan.rows().map((r) => r.id);
  const said = `${outcome.finished} of ${outcome.total} runs finished`;
  if (outcome.status === 'finished') void vscode.window.showInformationMessage(`NLM: sweep ${name} finished: ${said}.`);
  else if (outcome.status === 'stopped') void vscode.window.showInformationMessage(`NLM: sweep ${name} stopped: ${said}; NLM: Run Sweep on it again resumes it.`);
  else ctx.problems.report('nlm.runSweep', `sweep ${name} failed: ${outcome.error} (${said}; NLM: Run Sweep on it again resumes it)`);
  ctx.output.appendLine(`[sweep] ${outcome.status}: ${said}`);
  return { ...outcome, id: plan.id, runs };
}

interface SweepFileChoice extends vscode.QuickPickItem {
  file?: string;
}

/** The JSON file in the editor, the workspace's *sweep*.json files, or a new one from the settings. */
async function pickSweepFile(ctx: CommandContext): Promise<string | undefined> {
  const choices: SweepFileChoice[] = [];
  const active = vscode.window.activeTextEditor?.document;
  if (active?.uri.scheme === 'file' && active.fileName.toLowerCase().endsWith('.json')) {
    choices.push({ label: path.basename(active.fileName), description: 'the file in the editor', file: active.fileName });
  }
  const found = await vscode.workspace.findFiles('**/*sweep*.json', '{**/node_modules/**,**/.nlm/**}', 100);
  for (const uri of found.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
    if (uri.fsPath === active?.fileName) continue;
    choices.push({ label: vscode.workspace.asRelativePath(uri), file: uri.fsPath });
  }
  const create: SweepFileChoice = { label: '$(add) New sweep file from the current settings…', description: 'a grid over the embedding and hidden sizes, to edit' };
  const picked = await vscode.window.showQuickPick([...choices, create], { title: 'NLM: Run Sweep', placeHolder: 'A sweep file (JSON, as `nlm sweep FILE` reads)' });
  if (!picked) return undefined;
  if (picked.file) return picked.file;
  await newSweepFile(ctx);
  return undefined;
}

/** sweep.json (sweep-2.json, … when taken) in the workspace folder, from the current settings and
 *  the dataset last chosen in NLM: Train; opened for editing, with a button that runs it. */
async function newSweepFile(ctx: CommandContext, folder?: string): Promise<string> {
  const dir = folder ?? vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
  if (!dir) throw new Error('open a folder first: the sweep file and its runs live in the workspace');
  let file = path.join(dir, 'sweep.json');
  for (let n = 2; fs.existsSync(file); n++) file = path.join(dir, `sweep-${n}.json`);
  const dataset = lastDataset(ctx.extension) ?? 'demo';
  // Relative to the file's folder where it lies inside it, so the workspace can move.
  const relative = path.relative(dir, dataset);
  const inside = path.isAbsolute(dataset) && !relative.startsWith('..') && !path.isAbsolute(relative);
  const data = inside ? relative.split(path.sep).join('/') || '.' : dataset;
  const json = sweepTemplate(resolveConfig(configuredHyperParameters()), data, configuredCorpusOptions());
  writeFileAtomic(file, new TextEncoder().encode(JSON.stringify(json, null, 2) + '\n'));
  ctx.output.appendLine(`[sweep] wrote ${file}`);
  await vscode.window.showTextDocument(vscode.Uri.file(file));
  void vscode.window.showInformationMessage(`NLM: ${path.basename(file)} sweeps ${Object.keys(json.grid).join(' × ')} from your settings: edit its grid, then run it.`, 'Run Sweep').then((answer) => {
    if (answer) void vscode.commands.executeCommand('nlm.runSweep', { file });
  });
  return file;
}
