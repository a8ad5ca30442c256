// Nearest words by cosine similarity of their embedding rows (W1): words used alike end up
// pointing the same way, whatever their vectors' lengths.

export interface Neighbour {
  index: number;
  similarity: number;
}

/** The k rows nearest row `index` among the first `among` (a frequency-ordered vocabulary's most
 *  frequent words, as CMU 10-707 lists neighbours among the 1,000 most frequent), best first. */
export function nearestByCosine(rows: ArrayLike<number>, n: number, dim: number, index: number, k: number, among = n): Neighbour[] {
  const candidates = Math.min(n, among);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += rows[i * dim + d] * rows[i * dim + d];
    norms[i] = Math.sqrt(s);
  }
  const out: Neighbour[] = [];
  for (let j = 0; j < candidates; j++) {
    if (j === index) continue;
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += rows[index * dim + d] * rows[j * dim + d];
    const denominator = norms[index] * norms[j];
    out.push({ index: j, similarity: denominator > 0 ? dot / denominator : 0 });
  }
  return out.sort((a, b) => b.similarity - a.similarity).slice(0, k);
}

/** Decimals shown at least, and at most (beyond that, values that still agree are equal in float32 weights). */
const MIN_DECIMALS = 2;
const MAX_DECIMALS = 6;

/**
 * Similarities with as many decimals as it takes to tell each from the next one in the list
 * (sorted), all with the same count: "0.9993, 0.9987" rather than "1.00, 1.00".
 */
export function formatSimilarities(values: readonly number[]): string[] {
  let decimals = MIN_DECIMALS;
  const distinct = (d: number): boolean =>
    values.every((v, k) => k === 0 || v === values[k - 1] || v.toFixed(d) !== values[k - 1].toFixed(d));
  while (decimals < MAX_DECIMALS && !distinct(decimals)) decimals++;
  return values.map((v) => v.toFixed(decimals));
}
