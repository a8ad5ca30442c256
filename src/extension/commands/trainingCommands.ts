// Train, pause, resume, step a mini-batch, stop, and open the dashboard.
import type { RunInfo } from '../protocol';
import { DashboardPanel } from '../views/dashboardPanel';
import { CommandContext, registerCommand } from './context';
import { chooseCorpusOptions, isTextCorpus } from './corpusOptionsPicker';
import { pickDataset } from './datasetPicker';
import { LoadArgs, loadRun } from './loadRun';

/** What tests (and other commands) may pass instead of answering the pickers. */
export interface TrainArgs extends Partial<LoadArgs> {
  /** Load and stay paused instead of starting to train. */
  paused?: boolean;
  /** Leave the dashboard closed. */
  noDashboard?: boolean;
}

export function registerTrainingCommands(ctx: CommandContext): void {
  const { run } = ctx;
  registerCommand(ctx, 'nlm.train', async (args: TrainArgs = {}): Promise<RunInfo | undefined> => {
    const dataset = args.dataset ?? (await pickDataset('NLM: Train'));
    if (!dataset) return undefined;
    let corpus = args.corpus;
    // A corpus picked by hand shows what its options make of it before training starts.
    if (!corpus && !args.dataset && isTextCorpus(dataset)) {
      corpus = await chooseCorpusOptions(ctx, dataset);
      if (!corpus) return undefined;
    }
    const info = await loadRun(ctx, { ...args, dataset, corpus });
    if (!info) return undefined;
    if (!args.noDashboard) DashboardPanel.show(ctx.extension, run);
    if (!args.paused) await run.request({ kind: 'run' });
    return info;
  });
  registerCommand(ctx, 'nlm.pause', () => run.request({ kind: 'pause' }));
  registerCommand(ctx, 'nlm.resume', () => run.request({ kind: 'run' }));
  // One whole iteration (all phases of one mini-batch); the worker pauses after it.
  registerCommand(ctx, 'nlm.stepMiniBatch', () => run.request({ kind: 'step', unit: 'iteration' }));
  registerCommand(ctx, 'nlm.stop', () => run.request({ kind: 'stop' }));
  registerCommand(ctx, 'nlm.showDashboard', () => {
    DashboardPanel.show(ctx.extension, run);
  });
}
