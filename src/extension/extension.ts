// Activation glue: one training worker and run per window, shared by the commands, the views,
// the dashboard and the debugger.
import * as path from 'path';
import * as vscode from 'vscode';
import { registerCommand } from './commands/context';
import { registerModelCommands } from './commands/modelCommands';
import { registerTrainingCommands } from './commands/trainingCommands';
import { registerDebugging } from './debug/register';
import { RunController } from './session/runController';
import { TrainingSession } from './session/trainingSession';
import { DashboardPanel } from './views/dashboardPanel';
import { RunTreeProvider } from './views/runTreeView';
import { RunStatusBar } from './views/statusBar';

/** What the extension exports, for its own tests. */
export interface NlmApi {
  run: RunController;
  statusBar: RunStatusBar;
  /** How long activate() took, in milliseconds (reported by the tests). */
  activationMs: number;
}

export function activate(context: vscode.ExtensionContext): NlmApi {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('NLM');
  const run = new RunController(new TrainingSession(path.join(context.extensionPath, 'dist', 'trainingWorker.js')));
  const ctx = { extension: context, run, output };
  const tree = new RunTreeProvider(run);
  const statusBar = new RunStatusBar(run);
  context.subscriptions.push(
    output,
    tree,
    statusBar,
    vscode.window.registerTreeDataProvider('nlm.run', tree),
    DashboardPanel.registerSerializer(context, run),
    { dispose: () => void run.dispose() },
  );
  registerTrainingCommands(ctx);
  registerModelCommands(ctx);
  registerCommand(ctx, 'nlm.showLog', () => output.show());
  registerDebugging(context, run);
  logAndTrackState(run, output);
  const activationMs = performance.now() - started;
  output.appendLine(`[activate] ${activationMs.toFixed(1)} ms`);
  return { run, statusBar, activationMs };
}

/** Logs the run's life and keeps the `nlm.state` context key (command enablement) in sync. */
function logAndTrackState(run: RunController, output: vscode.OutputChannel): void {
  const setState = (state: string) => void vscode.commands.executeCommand('setContext', 'nlm.state', state);
  setState('idle');
  run.on('state', setState);
  run.on('epoch', (e) =>
    output.appendLine(
      `[epoch ${e.epoch}] train CE ${e.trainCe.toFixed(4)} acc ${e.trainAcc.toFixed(4)} | valid CE ${e.valid.ce.toFixed(4)} acc ${e.valid.acc.toFixed(4)} ` +
        `top-5 ${e.valid.top5.toFixed(4)} ppl ${e.valid.perplexity.toFixed(2)} | ${e.seconds.toFixed(2)} s`,
    ),
  );
  run.on('stopped', (s) => {
    if (s.reason === 'finished') output.appendLine(`[run] training finished after ${s.cursor.steps} iterations`);
    else if (s.reason === 'exception') output.appendLine(`[stop] ${s.description}`);
  });
  run.on('log', (message, level) => output.appendLine(`[${level}] ${message}`));
  run.on('crashed', (reason) => {
    output.appendLine(`[error] ${reason}`);
    void vscode.window.showErrorMessage(`NLM: ${reason}. Run NLM: Train to start again.`);
  });
}

export function deactivate(): void {
  // The run is disposed with the context's subscriptions, which ends the worker.
}
