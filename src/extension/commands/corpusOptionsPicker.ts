// Before training on a .txt corpus: what the options make of it — V, tokens, the share that
// becomes <unk>, the examples of each split — with each option one click away. Changing one reads
// the corpus again (in the worker) and shows the new figures; "Train" takes them.
import * as path from 'path';
import * as vscode from 'vscode';
import { CORPUS_SETTINGS, CorpusOptions } from '../../engine/data/text';
import type { DatasetSummary } from '../protocol';
import { resolveConfig } from '../../engine/config';
import { DEFAULT_STREAM_WINDOW } from '../../engine/models/recurrent';
import { configuredCorpusOptions, configuredHyperParameters } from '../settings';
import { CommandContext } from './context';
import { describeSummary, StreamReading } from './datasetSummaryText';
import { withCancellableProgress } from './progress';

type NumberKey = 'vocabSize' | 'minCount' | 'context';
type SwitchKey = 'lowercase' | 'splitPunctuation';

interface OptionItem extends vscode.QuickPickItem {
  action: { kind: 'train' } | { kind: 'number'; key: NumberKey } | { kind: 'switch'; key: SwitchKey } | { kind: 'task'; task: 'ngram' | 'stream' };
}

const LABELS: Record<NumberKey | SwitchKey, string> = {
  vocabSize: 'Vocabulary size',
  minCount: 'Minimum count',
  context: 'Context words',
  lowercase: 'Lowercase',
  splitPunctuation: 'Split punctuation off words',
};

const HINTS: Record<NumberKey, string> = {
  vocabSize: 'the most frequent words, <unk> included',
  minCount: 'rarer words become <unk>',
  context: 'words before the one to predict',
};

/** Whether a dataset path is a text corpus, the one format these options apply to. */
export function isTextCorpus(dataset: string): boolean {
  return dataset.toLowerCase().endsWith('.txt');
}

/** The options to train with, or undefined when the user cancelled. */
export async function chooseCorpusOptions(ctx: CommandContext, file: string): Promise<CorpusOptions | undefined> {
  let options: CorpusOptions = configuredCorpusOptions();
  for (;;) {
    const summary = await withCancellableProgress(`NLM: reading ${path.basename(file)}`, (onProgress, signal) =>
      ctx.run.request({ kind: 'previewDataset', dataset: { path: file, corpus: options } }, { onProgress, signal }),
    );
    if (!summary) return undefined;
    const picked = await vscode.window.showQuickPick(optionItems(summary, options), {
      title: `NLM: Train on ${path.basename(file)}`,
      placeHolder: 'Train with these figures, or change an option',
      matchOnDetail: true,
    });
    if (!picked) return undefined;
    const action = picked.action;
    if (action.kind === 'train') return options;
    if (action.kind === 'switch') options = { ...options, [action.key]: !current(options, action.key) };
    else if (action.kind === 'task') options = { ...options, task: action.task };
    else {
      const value = await askNumber(action.key, current(options, action.key));
      if (value !== undefined) options = { ...options, [action.key]: value };
    }
  }
}

function optionItems(summary: DatasetSummary, options: CorpusOptions): OptionItem[] {
  const onOff = (b: boolean) => (b ? 'on' : 'off');
  const streams = summary.streamTokens !== undefined;
  return [
    {
      label: `$(play) Train with V = ${summary.vocabSize.toLocaleString('en-US')}`,
      detail: describeSummary(summary, streams ? streamReading() : undefined),
      action: { kind: 'train' },
    },
    { label: '', kind: vscode.QuickPickItemKind.Separator, action: { kind: 'train' } },
    // A stream reads the text in windows (nlm.bptt), not in contexts of a few words.
    ...(streams ? (['vocabSize', 'minCount'] as const) : (['vocabSize', 'minCount', 'context'] as const)).map((key): OptionItem => ({
      label: `${LABELS[key]}: ${current(options, key)}`,
      description: HINTS[key],
      action: { kind: 'number', key },
    })),
    ...(['lowercase', 'splitPunctuation'] as const).map((key): OptionItem => ({
      label: `${LABELS[key]}: ${onOff(current(options, key))}`,
      description: 'select to switch',
      action: { kind: 'switch', key },
    })),
    // Last, so the options above keep their places in the list.
    {
      label: `Task: ${streams ? 'token streams' : 'n-grams'}`,
      description: `select to read it as ${streams ? 'n-grams' : 'token streams (rnn, lstm)'}`,
      action: { kind: 'task', task: streams ? 'ngram' : 'stream' },
    },
  ];
}

function current<K extends NumberKey | SwitchKey>(options: CorpusOptions, key: K): (typeof CORPUS_SETTINGS)[K]['default'] {
  return (options[key] ?? CORPUS_SETTINGS[key].default) as (typeof CORPUS_SETTINGS)[K]['default'];
}

/** The streams and window training will read, from the settings (batchSize, bptt); none when a
 *  setting is out of range (loading the run then says which). */
function streamReading(): StreamReading | undefined {
  try {
    const c = resolveConfig(configuredHyperParameters());
    return { streams: c.batchSize, window: c.bptt || DEFAULT_STREAM_WINDOW };
  } catch {
    return undefined;
  }
}

async function askNumber(key: NumberKey, value: number): Promise<number | undefined> {
  const { min, max } = CORPUS_SETTINGS[key];
  const text = await vscode.window.showInputBox({
    title: LABELS[key],
    prompt: `${LABELS[key]}: ${HINTS[key]} (${min}–${max})`,
    value: String(value),
    validateInput: (t) => {
      const x = Number(t);
      return t.trim() !== '' && Number.isInteger(x) && x >= min && x <= max ? undefined : `a whole number from ${min} to ${max}`;
    },
  });
  return text === undefined ? undefined : Number(text);
}
