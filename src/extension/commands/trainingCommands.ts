// Train, pause, resume, step a mini-batch, stop, and open the dashboard.
import * as vscode from 'vscode';
import type { TrainConfig } from '../../engine/config';
import type { RunInfo } from '../protocol';
import { configuredHyperParameters } from '../settings';
import { DashboardPanel } from '../views/dashboardPanel';
import { CommandContext, registerCommand } from './context';
import { pickDataset } from './datasetPicker';

/** Arguments tests and other commands may pass instead of answering the pickers. */
export interface TrainArgs {
  dataset?: string;
  config?: Partial<TrainConfig>;
  modelFile?: string;
  /** Load and stay paused instead of starting to train. */
  paused?: boolean;
  /** Leave the dashboard closed. */
  noDashboard?: boolean;
}

export function registerTrainingCommands(ctx: CommandContext): void {
  const { run } = ctx;
  registerCommand(ctx, 'nlm.train', async (args: TrainArgs = {}) => {
    const dataset = args.dataset ?? (await pickDataset('NLM: Train'));
    if (!dataset) return undefined;
    const info = await loadRun(ctx, { ...args, dataset });
    if (!args.noDashboard) DashboardPanel.show(ctx.extension, run);
    if (!args.paused) await run.request({ kind: 'run' });
    return info;
  });
  registerCommand(ctx, 'nlm.pause', () => run.request({ kind: 'pause' }));
  registerCommand(ctx, 'nlm.resume', () => run.request({ kind: 'run' }));
  registerCommand(ctx, 'nlm.stepMiniBatch', () => run.request({ kind: 'step', unit: 'iteration' }));
  registerCommand(ctx, 'nlm.stop', () => run.request({ kind: 'stop' }));
  registerCommand(ctx, 'nlm.showDashboard', () => {
    DashboardPanel.show(ctx.extension, run);
  });
}

/** Loads a dataset (and optionally a model) into the worker, with progress; logs what it loaded. */
export async function loadRun(ctx: CommandContext, args: TrainArgs & { dataset: string }): Promise<RunInfo> {
  const config = { ...configuredHyperParameters(), ...args.config };
  const info = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `NLM: loading ${args.dataset}`, cancellable: false },
    () => ctx.run.load({ kind: 'load', dataset: { path: args.dataset }, config, modelFile: args.modelFile }),
  );
  const d = info.dataset;
  const c = info.config;
  ctx.output.appendLine(`[run] ${d.name}: V=${d.vocabSize}, ${d.train} train / ${d.valid} valid / ${d.test} test examples (${d.source})`);
  ctx.output.appendLine(
    `[run] D=${c.embeddingDim} P=${c.hiddenUnits} ${c.activation}, ${c.optimizer} lr ${c.lr}, batch ${c.batchSize}, ` +
      `${c.epochs} epochs, seed ${c.seed}, kernels ${info.kernels}${args.modelFile ? `, from ${args.modelFile}` : ''}`,
  );
  return info;
}
