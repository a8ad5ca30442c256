// Debug Console completions: names (tensors, fields, functions) where a name is being typed, and
// vocabulary words inside a string literal such as W1["ci|"] or nearest("da|").
import { ExpressionEnv } from './env';
import { BUILTIN_NAMES } from './functions';

export interface Completion {
  label: string;
  kind: 'tensor' | 'scalar' | 'function' | 'keyword' | 'word';
}

/** Enough words to pick from; a vocabulary can hold tens of thousands. */
const MAX_WORDS = 100;

/** Completions for the cursor at `offset`; `from` is where the replaced text starts. */
export function completionsAt(text: string, offset: number, env: ExpressionEnv): { from: number; items: Completion[] } {
  const end = Math.max(0, Math.min(text.length, Math.trunc(offset) || 0));
  const stringStart = openStringStart(text, end);
  if (stringStart !== undefined) {
    const prefix = text.slice(stringStart + 1, end).toLowerCase();
    const words = (env.vocabulary?.() ?? []).filter((w) => w.toLowerCase().startsWith(prefix)).slice(0, MAX_WORDS);
    return { from: stringStart + 1, items: words.map((label) => ({ label, kind: 'word' })) };
  }
  let from = end;
  while (from > 0 && /\w/.test(text[from - 1])) from--;
  const prefix = text.slice(from, end).toLowerCase();
  if (/^\d/.test(prefix)) return { from: end, items: [] };
  const candidates: Completion[] = [
    ...env.tensorNames().map((label): Completion => ({ label, kind: 'tensor' })),
    ...env.scalarNames().map((label): Completion => ({ label, kind: 'scalar' })),
    ...[...BUILTIN_NAMES, ...(env.functionNames?.() ?? [])].map((label): Completion => ({ label, kind: 'function' })),
    { label: 'true', kind: 'keyword' },
    { label: 'false', kind: 'keyword' },
  ];
  const seen = new Set<string>();
  const items = candidates.filter((c) => c.label.toLowerCase().startsWith(prefix) && !seen.has(c.label) && seen.add(c.label));
  return { from, items };
}

/** Offset of the quote opening a string still unclosed at `end`, if any. */
function openStringStart(text: string, end: number): number | undefined {
  let start: number | undefined;
  for (let i = 0; i < end; i++) {
    const c = text[i];
    if (start === undefined) {
      if (c === '"' || c === "'") start = i;
    } else if (c === '\\') {
      i++;
    } else if (c === text[start]) {
      start = undefined;
    }
  }
  return start;
}
