// The sweep file NLM: Run Sweep writes from the current settings, for the user to edit: two axes
// (the embedding and hidden sizes, each the current value and its double) and every other setting
// fixed at its current value, so the file alone says what each run trains (readSweepFile reads it,
// as `nlm sweep FILE` does).
import { DEFAULT_CONFIG, NUMBER_RULES, TrainConfig } from '../config';
import type { CorpusOptions } from '../data/corpusOptions';
import { SettingKey } from './settings';
import { SettingValue } from './sweep';

/** The JSON of a sweep file (the fields readSweepFile accepts). */
export interface SweepFileJson {
  data: string;
  grid: Partial<Record<SettingKey, SettingValue[]>>;
  fixed: Partial<Record<SettingKey, SettingValue>>;
  options?: Pick<CorpusOptions, 'vocabSize' | 'minCount' | 'context' | 'lowercase' | 'splitPunctuation'>;
  test: boolean;
}

const AXES = ['embeddingDim', 'hiddenUnits'] as const;
const OPTION_KEYS = ['vocabSize', 'minCount', 'context', 'lowercase', 'splitPunctuation'] as const;

/** `data`: as the file should name it (relative to the file's folder, or absolute, or "demo");
 *  `options`: how a .txt corpus is read (left out for the other formats, which ignore them). */
export function sweepTemplate(config: TrainConfig, data: string, options: CorpusOptions = {}): SweepFileJson {
  const grid: SweepFileJson['grid'] = {};
  for (const key of AXES) {
    const v = config[key];
    // The value and its double, or its half where the double is out of range.
    grid[key] = v * 2 <= NUMBER_RULES[key].max ? [v, v * 2] : [Math.max(1, Math.floor(v / 2)), v];
  }
  const fixed: SweepFileJson['fixed'] = {};
  for (const key of Object.keys(DEFAULT_CONFIG) as SettingKey[]) if (!(key in grid)) fixed[key] = config[key];
  const text = data.toLowerCase().endsWith('.txt');
  const corpus = Object.fromEntries(OPTION_KEYS.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]));
  return { data, grid, fixed, ...(text && { options: corpus }), test: false };
}
