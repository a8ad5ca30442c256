// Activation glue: one training worker and run per window, shared by the commands, the views,
// the dashboard and the debugger. Nothing heavy happens here: the worker starts on the first
// request.
import * as path from 'path';
import * as vscode from 'vscode';
import { registerCommand } from './commands/context';
import { registerEvaluateDataset } from './commands/evaluateDataset';
import { registerInspectWeights } from './commands/inspectWeights';
import { registerModelFileCommands } from './commands/modelFileCommands';
import { registerGenerateText } from './commands/generateText';
import { registerPredictNextWord } from './commands/predictNextWord';
import { registerSetLearningRate } from './commands/setLearningRate';
import { registerTimeTravelCommands } from './commands/timeTravelCommands';
import { registerRunsCommands } from './commands/runsCommands';
import { registerSweepCommands } from './commands/sweepCommands';
import { registerTrainingCommands } from './commands/trainingCommands';
import { RunContextKeys } from './contextKeys';
import { registerDebugging } from './debug/register';
import { registerExercises } from './exercise/register';
import { Problems } from './problems';
import { logRun } from './runLog';
import { recordTargetOf } from './runsFolder';
import { RunController } from './session/runController';
import { configuredTimeTravelMiB } from './settings';
import { TrainingSession } from './session/trainingSession';
import { DashboardPanel } from './views/dashboardPanel';
import { READ_ONLY_SCHEME, ReadOnlyDocuments } from './views/readOnlyDocuments';
import { RunTreeProvider } from './views/runTreeView';
import { RunsTreeProvider } from './views/runsView';
import { RunStatusBar } from './views/statusBar';

/** What the extension exports, for its own tests. */
export interface NlmApi {
  run: RunController;
  statusBar: RunStatusBar;
  tree: RunTreeProvider;
  runs: RunsTreeProvider;
  contextKeys: RunContextKeys;
  /** Fires with the message of every error notification the extension shows. */
  onDidReportProblem: vscode.Event<string>;
  /** How long activate() took, in milliseconds (reported by the tests). */
  activationMs: number;
}

let activeRun: RunController | undefined;

export function activate(context: vscode.ExtensionContext): NlmApi {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('NLM');
  const problems = new Problems(output);
  const run = new RunController(new TrainingSession(path.join(context.extensionPath, 'dist', 'trainingWorker.js')), recordTargetOf(output));
  run.loadDefaults = () => ({ timeTravelMiB: configuredTimeTravelMiB() });
  activeRun = run;
  const documents = new ReadOnlyDocuments();
  const tree = new RunTreeProvider(run);
  const statusBar = new RunStatusBar(run);
  const contextKeys = new RunContextKeys(run);
  const runs = new RunsTreeProvider(run);
  const runsView = vscode.window.createTreeView('nlm.runs', { treeDataProvider: runs, canSelectMany: true });
  context.subscriptions.push(
    output,
    problems,
    documents,
    tree,
    statusBar,
    vscode.workspace.registerTextDocumentContentProvider(READ_ONLY_SCHEME, documents),
    vscode.window.registerTreeDataProvider('nlm.run', tree),
    runs,
    runsView,
    DashboardPanel.registerSerializer(context, run),
  );
  const ctx = { extension: context, run, output, problems };
  registerTrainingCommands(ctx);
  registerTimeTravelCommands(ctx);
  registerSetLearningRate(ctx);
  registerInspectWeights(ctx, documents);
  registerModelFileCommands(ctx);
  registerPredictNextWord(ctx);
  registerGenerateText(ctx, documents);
  registerEvaluateDataset(ctx, documents);
  registerRunsCommands(ctx, runs, runsView);
  registerSweepCommands(ctx);
  registerExercises(ctx, documents);
  registerCommand(ctx, 'nlm.showLog', () => output.show());
  registerDebugging(context, run);
  logRun(run, output, problems);
  const activationMs = performance.now() - started;
  output.appendLine(`[activate] ${activationMs.toFixed(1)} ms`);
  return { run, statusBar, tree, runs, contextKeys, onDidReportProblem: problems.onDidReport, activationMs };
}

/** Ends the training worker; VS Code waits for the returned promise. */
export function deactivate(): Promise<void> | undefined {
  const run = activeRun;
  activeRun = undefined;
  return run?.dispose();
}
