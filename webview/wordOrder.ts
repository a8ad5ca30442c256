// The heatmap's word order: a list of words typed or pasted by the student, looked up in the
// vocabulary (words it lacks are reported, not dropped in silence), and a matrix's word axis
// picked in that order.

export interface WordList {
  /** Vocabulary indices of the words found, in the order typed, each once. */
  indices: number[];
  /** The words typed that the vocabulary lacks, each once. */
  missing: string[];
}

/** Words separated by white space or commas; each matched as written, else in any case. */
export function parseWordList(text: string, vocab: readonly string[]): WordList {
  const exact = new Map<string, number>();
  const anyCase = new Map<string, number>();
  vocab.forEach((w, i) => {
    if (!exact.has(w)) exact.set(w, i);
    const lower = w.toLowerCase();
    if (!anyCase.has(lower)) anyCase.set(lower, i);
  });
  const indices: number[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  for (const word of text.split(/[\s,;]+/).filter(Boolean)) {
    const index = exact.get(word) ?? anyCase.get(word.toLowerCase());
    if (index === undefined) {
      if (!missing.includes(word)) missing.push(word);
    } else if (!seen.has(String(index))) {
      seen.add(String(index));
      indices.push(index);
    }
  }
  return { indices, missing };
}

/** The rows × cols matrix with its rows (or its columns) `order`, in that order. */
export function pickWordAxis(values: ArrayLike<number>, rows: number, cols: number, axis: 'rows' | 'columns', order: readonly number[]): number[] {
  if (axis === 'rows') {
    const out = new Array<number>(order.length * cols);
    order.forEach((r, k) => {
      for (let j = 0; j < cols; j++) out[k * cols + j] = values[r * cols + j];
    });
    return out;
  }
  const out = new Array<number>(rows * order.length);
  for (let i = 0; i < rows; i++) order.forEach((c, k) => (out[i * order.length + k] = values[i * cols + c]));
  return out;
}
