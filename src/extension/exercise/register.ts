// Wires exercise mode into VS Code: the checker with its diagnostics, the two commands, hovers and
// completion in .nlmx files.
import * as vscode from 'vscode';
import { CommandContext } from '../commands/context';
import { lastDataset } from '../commands/datasetPicker';
import { configuredCorpusOptions, configuredHyperParameters } from '../settings';
import type { ReadOnlyDocuments } from '../views/readOnlyDocuments';
import { ExerciseChecker } from './exerciseChecker';
import { registerExerciseCommands, registerTrainWithExercise } from './exerciseCommands';
import { ExerciseCompletionProvider, ExerciseHoverProvider } from './exerciseHover';
import { EXERCISE_SELECTOR } from './exerciseLanguage';

export function registerExercises(ctx: CommandContext, documents: ReadOnlyDocuments): ExerciseChecker {
  // With no run loaded, a check runs on a fresh run of the settings, on the dataset last trained on.
  const fresh = () => ({ dataset: { path: lastDataset(ctx.extension) ?? 'demo', corpus: configuredCorpusOptions() }, config: configuredHyperParameters() });
  const checker = new ExerciseChecker(ctx.run, documents, fresh, (m) => ctx.output.appendLine(m));
  ctx.extension.subscriptions.push(
    checker,
    vscode.languages.registerHoverProvider(EXERCISE_SELECTOR, new ExerciseHoverProvider(ctx.run)),
    vscode.languages.registerCompletionItemProvider(EXERCISE_SELECTOR, new ExerciseCompletionProvider()),
  );
  registerExerciseCommands(ctx, checker);
  registerTrainWithExercise(ctx, checker);
  return checker;
}
