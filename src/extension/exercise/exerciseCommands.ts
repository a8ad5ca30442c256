// NLM: New Exercise (an exercise file for the loaded model, or the configured one, with the chosen
// phases blank, saved in the workspace and opened) and NLM: Check Exercise (the open .nlmx file
// checked on the run, verdicts as diagnostics and a summary beside it).
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { DEFAULT_CONFIG, TrainConfig } from '../../engine/config';
import { Blank, DEFAULT_TARGET, ExerciseTarget, exerciseStem, newExercise } from '../../engine/exercise/exerciseFile';
import { writeFileAtomic } from '../../engine/modelfile/atomic';
import { CommandContext, registerCommand } from '../commands/context';
import { lastDataset } from '../commands/datasetPicker';
import { loadRun } from '../commands/loadRun';
import { DashboardPanel } from '../views/dashboardPanel';
import { localPath } from '../localFile';
import type { ExerciseReport } from '../protocol';
import { configuredHyperParameters } from '../settings';
import type { ExerciseChecker } from './exerciseChecker';
import { EXERCISE_LANGUAGE, isExercise } from './exerciseLanguage';
import { exerciseTarget } from '../../engine/exercise/exerciseFile';

export interface NewExerciseArgs {
  blank?: Blank;
  /** The folder to save in; the first workspace folder by default. */
  folder?: string;
}

const BLANK_CHOICES: { label: string; description: string; blank: Blank }[] = [
  { label: 'Backward pass', description: 'write the gradients; the forward pass is given', blank: 'backward' },
  { label: 'Forward pass', description: 'write the forward pass; the gradients are given', blank: 'forward' },
  { label: 'Everything', description: 'every line blank', blank: 'all' },
];

export function registerExerciseCommands(ctx: CommandContext, checker: ExerciseChecker): void {
  registerCommand(ctx, 'nlm.newExercise', async (args?: NewExerciseArgs): Promise<vscode.Uri | undefined> => {
    const blank = args?.blank ?? (await vscode.window.showQuickPick(BLANK_CHOICES, { title: 'NLM: New Exercise', placeHolder: 'Which lines do you write?' }))?.blank;
    if (!blank) return undefined;
    const target = currentTarget(ctx);
    const text = newExercise(target, blank);
    const folder = args?.folder ?? (vscode.workspace.workspaceFolders?.[0] && localPath(vscode.workspace.workspaceFolders[0].uri, 'the workspace folder'));
    if (!folder) {
      // No folder to save in: an untitled file the student saves where they like.
      const doc = await vscode.workspace.openTextDocument({ language: EXERCISE_LANGUAGE, content: text });
      await vscode.window.showTextDocument(doc);
      return doc.uri;
    }
    const file = freeName(folder, exerciseStem(target, blank));
    writeFileAtomic(file, Buffer.from(text, 'utf8'));
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    return doc.uri;
  });

  registerCommand(ctx, 'nlm.checkExercise', async (uri?: vscode.Uri): Promise<ExerciseReport | undefined> => {
    const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!document || !isExercise(document)) throw new Error('open an exercise file (.nlmx) to check: NLM: New Exercise makes one');
    const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'NLM: checking the exercise' }, () => checker.check(document));
    await checker.showSummary(document);
    return report;
  });
}

/** What tests pass instead of the defaults of Train with My Backward. */
export interface TrainWithExerciseArgs {
  /** Load and stay paused instead of starting to train. */
  paused?: boolean;
  noDashboard?: boolean;
}

/** NLM: Train with My Backward: a new run (the file's activation, the settings, the dataset last
 *  trained on) whose backward phases compute the open exercise's lines, live on the dashboard. */
export function registerTrainWithExercise(ctx: CommandContext, checker: ExerciseChecker): void {
  registerCommand(ctx, 'nlm.trainWithExercise', async (uri?: vscode.Uri, args: TrainWithExerciseArgs = {}): Promise<string[] | undefined> => {
    const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!document || !isExercise(document)) throw new Error('open an exercise file (.nlmx) with your backward pass to train with it');
    const text = document.getText();
    // Lines that cannot be evaluated are shown in the Problems view before any run is replaced.
    const report = await checker.check(document);
    const broken = report.verdicts.filter((v) => v.verdict === 'error' && v.line !== null);
    if (broken.length > 0) throw new Error(`${path.basename(document.uri.path)}: fix the lines with errors first (${broken.map((v) => `line ${v.line}`).join(', ')}; see the Problems view)`);
    const target = exerciseTarget(text);
    // The file's model (and activation), through every time step; the other settings as configured.
    const info = await loadRun(ctx, { dataset: lastDataset(ctx.extension) ?? 'demo', config: { model: target.model as TrainConfig['model'], activation: target.activation, bptt: 0 } });
    if (!info) return undefined;
    const { replaced } = await ctx.run.request({ kind: 'trainWithExercise', text });
    ctx.output.appendLine(`[exercise] training with the backward of ${path.basename(document.uri.path)}: phases ${replaced.join(', ')} compute its lines`);
    if (!args.noDashboard) DashboardPanel.show(ctx.extension, ctx.run);
    if (!args.paused) await ctx.run.request({ kind: 'run' });
    return replaced;
  });
}

/** The loaded run's model and activation, else the configured ones. */
function currentTarget({ run }: CommandContext): ExerciseTarget {
  if (run.info) return { model: run.info.modelKind, activation: run.info.config.activation, context: run.info.context };
  const settings = configuredHyperParameters();
  return { model: settings.model ?? DEFAULT_TARGET.model, activation: settings.activation ?? DEFAULT_CONFIG.activation };
}

/** `folder/stem.nlmx`, or `stem-2.nlmx`, … when that is taken: never overwrite a student's work. */
function freeName(folder: string, stem: string): string {
  for (let k = 1; ; k++) {
    const file = path.join(folder, `${stem}${k === 1 ? '' : `-${k}`}.nlmx`);
    if (!fs.existsSync(file)) return file;
  }
}
