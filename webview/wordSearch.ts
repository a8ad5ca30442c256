// Finding a typed word in the vocabulary: the word itself, in any case, or else the most frequent
// word it begins (a text corpus's vocabulary lists the most frequent words first).

export function findWord(words: readonly string[], typed: string): number | undefined {
  const query = typed.trim();
  if (!query) return undefined;
  const exact = words.indexOf(query);
  if (exact >= 0) return exact;
  const lower = query.toLowerCase();
  const anyCase = words.findIndex((w) => w.toLowerCase() === lower);
  if (anyCase >= 0) return anyCase;
  const prefix = words.findIndex((w) => w.toLowerCase().startsWith(lower));
  return prefix >= 0 ? prefix : undefined;
}
