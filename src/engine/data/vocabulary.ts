// The vocabulary of a text corpus: the most frequent words, at most `maxSize` of them (<unk>
// included) and each seen at least `minCount` times; every other word becomes <unk>.

export const UNK = '<unk>';
/** The token that ends every line of a token stream (stream.ts). */
export const EOS = '<eos>';

export interface VocabularyOptions {
  maxSize: number;
  minCount: number;
}

/** Most frequent first, ties by first occurrence; <unk> takes the last place only when needed. */
export function chooseVocabulary(sentences: readonly (readonly string[])[], opts: VocabularyOptions): string[] {
  const counts = new Map<string, number>();
  for (const s of sentences) for (const w of s) counts.set(w, (counts.get(w) ?? 0) + 1);
  return rankVocabulary(counts, opts);
}

/** chooseVocabulary from each distinct word's count, the words in order of first occurrence. */
export function rankVocabulary(counts: ReadonlyMap<string, number>, opts: VocabularyOptions): string[] {
  // Map keeps first-occurrence order and sort is stable, so ties keep that order.
  const ranked = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!);
  const frequent = ranked.filter((w) => counts.get(w)! >= opts.minCount);
  if (frequent.length === ranked.length && ranked.length <= opts.maxSize) return ranked;
  // Some words become <unk>: a literal "<unk>" in the text is one of them, not a separate entry.
  return [...frequent.filter((w) => w !== UNK).slice(0, opts.maxSize - 1), UNK];
}
