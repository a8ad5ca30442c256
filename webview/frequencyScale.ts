// Where a word's frequency rank falls on the map's frequency colours: on a log scale, so the
// hundred most frequent words spread over half the colours instead of a sliver.

/** 0 for the most frequent of `n` words, 1 for the rarest. */
export function rankShare(rank: number, n: number): number {
  return n > 1 ? Math.log1p(Math.min(rank, n - 1)) / Math.log(n) : 0;
}

/** Ranks worth a tick on the colour bar: 1, 10, 100, … and the last one. */
export function rankTicks(n: number): number[] {
  const ticks: number[] = [];
  for (let r = 1; r < n; r *= 10) ticks.push(r);
  if (ticks[ticks.length - 1] !== n) ticks.push(n);
  return ticks;
}
