// What identifies an exercise file (.nlmx) in the editor, and the exercise a document is for.
import * as vscode from 'vscode';
import { DEFAULT_TARGET, ExerciseTarget, exerciseTarget } from '../../engine/exercise/exerciseFile';
import { ExerciseError } from '../../engine/exercise/exerciseError';

export const EXERCISE_LANGUAGE = 'nlmx';
export const EXERCISE_SELECTOR: vscode.DocumentSelector = { language: EXERCISE_LANGUAGE };

export function isExercise(document: vscode.TextDocument): boolean {
  return document.languageId === EXERCISE_LANGUAGE;
}

/** The model and activation the document's header names; the defaults while the header is bad
 *  (the check reports that on its line). */
export function targetOf(document: vscode.TextDocument): ExerciseTarget {
  try {
    return exerciseTarget(document.getText());
  } catch (e) {
    if (e instanceof ExerciseError) return DEFAULT_TARGET;
    throw e;
  }
}

/** Where a line that assigns `name` is, before line `before` (0-based), if any. */
export function definitionLine(document: vscode.TextDocument, name: string, before = document.lineCount): number | undefined {
  const assigns = new RegExp(`^\\s*${name}\\s*=`);
  for (let i = 0; i < Math.min(before, document.lineCount); i++) if (assigns.test(document.lineAt(i).text)) return i;
  return undefined;
}
