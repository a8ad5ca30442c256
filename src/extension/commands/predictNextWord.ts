// NLM: Predict Next Word: the context words in, the model's ten most likely next words out. The
// input box checks the words against the vocabulary while typing; a word passed in by a caller
// gets the engine's error.
import * as vscode from 'vscode';
import type { ReplyResult, RunInfo } from '../protocol';
import { CommandContext, registerCommand } from './context';

const TOP_K = 10;
/** Contexts shown as a hint when the vocabulary has their words (course data, demo corpus). */
const EXAMPLES = ['we went to', 'city of new', 'life in the', 'i want to'];

export function registerPredictNextWord(ctx: CommandContext): void {
  registerCommand(ctx, 'nlm.predictNextWord', async (text?: string): Promise<ReplyResult['predict'] | undefined> => {
    const info = ctx.run.info;
    if (!info) throw new Error('no model is loaded: run NLM: Train or NLM: Load Model first');
    const context = text ?? (await askContext(info));
    if (!context) return undefined;
    const top = await ctx.run.request({ kind: 'predict', text: context, k: TOP_K });
    ctx.output.appendLine(`[predict] ${context} → ${top.map((t) => `${t.word} ${(t.score * 100).toFixed(1)}%`).join(', ')}`);
    if (text === undefined) {
      void vscode.window.showQuickPick(
        top.map((t, i) => ({ label: `${i + 1}. ${t.word}`, description: `${(t.score * 100).toFixed(2)} %` })),
        { title: `Next word after "${context}"`, placeHolder: `The model’s ${TOP_K} most likely next words` },
      );
    }
    return top;
  });
}

/** Asks for exactly the model's number of context words, checked against its vocabulary while typing. */
export function askContext(info: RunInfo, title = 'NLM: Predict Next Word'): Thenable<string | undefined> {
  const words = info.context;
  // As the engine reads the context: lowercased, then looked up in the vocabulary.
  const known = new Set(info.vocab);
  return vscode.window.showInputBox({
    title,
    prompt: `${words} words of context, from the model's ${info.vocab.length}-word vocabulary`,
    placeHolder: EXAMPLES.find((e) => e.split(' ').length === words && e.split(' ').every((w) => known.has(w))),
    validateInput: (value) => {
      const typed = value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      const unknown = typed.find((w) => !known.has(w));
      if (unknown) return `"${unknown}" is not in the vocabulary`;
      return typed.length === words ? undefined : `Type exactly ${words} words`;
    },
  });
}

