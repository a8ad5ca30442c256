// NLM: Generate Text: the model continues a few start words, greedily (the most probable word each
// time) or sampled at a temperature, several samples at once as CMU 10-707 shows them; the text
// opens as a read-only document.
import * as vscode from 'vscode';
import type { ReplyResult } from '../protocol';
import { ReadOnlyDocuments } from '../views/readOnlyDocuments';
import { CommandContext, registerCommand } from './context';
import { askContext } from './predictNextWord';

/** What tests (and the dashboard) may pass instead of answering the pickers. */
export interface GenerateArgs {
  text?: string;
  words?: number;
  temperature?: number;
  samples?: number;
  seed?: number;
}

interface Mode extends vscode.QuickPickItem {
  temperature: number;
  samples: number;
}

const WORDS = 10;
const MODES: Mode[] = [
  { label: 'Sampled, temperature 1', description: 'five samples from the model’s distribution', temperature: 1, samples: 5 },
  { label: 'Sampled, temperature 0.7', description: 'five samples, likelier words favoured', temperature: 0.7, samples: 5 },
  { label: 'Sampled, temperature 1.5', description: 'five samples, rarer words more often', temperature: 1.5, samples: 5 },
  { label: 'Greedy', description: 'the most probable word each time (one text)', temperature: 0, samples: 1 },
];

export function registerGenerateText(ctx: CommandContext, documents: ReadOnlyDocuments): void {
  registerCommand(ctx, 'nlm.generateText', async (args: GenerateArgs = {}): Promise<ReplyResult['generate'] | undefined> => {
    const info = ctx.run.info;
    if (!info) throw new Error('no model is loaded: run NLM: Train or NLM: Load Model first');
    const text = args.text ?? (await askContext(info, 'NLM: Generate Text — start words'));
    if (!text) return undefined;
    const mode = args.temperature !== undefined ? { temperature: args.temperature, samples: args.samples ?? 1 } : await vscode.window.showQuickPick(MODES, { title: `NLM: Generate Text after "${text}"` });
    if (!mode) return undefined;
    const words = args.words ?? WORDS;
    // A new seed each time, so asking again gives new samples; a caller may fix it.
    const seed = args.seed ?? Math.floor(Math.random() * 2 ** 31);
    const samples = await ctx.run.request({ kind: 'generate', text, words, temperature: mode.temperature, samples: mode.samples, seed });
    const how = mode.temperature === 0 ? 'greedy' : `sampled at temperature ${mode.temperature}, seed ${seed}`;
    const lines = [`# ${info.dataset.name}: "${text}" continued by ${words} words, ${how}`, '', ...samples.map((s, i) => `${i + 1}. ${text} ${s.join(' ')}`)];
    ctx.output.appendLine(`[generate] ${lines.slice(2).join(' | ')}`);
    await vscode.window.showTextDocument(documents.put('generated.txt', lines.join('\n') + '\n'), { preview: true });
    return samples;
  });
}
