// How far reading a dataset is, for a progress bar: `done` of `total` stages, and what the next
// stage does ("choosing the vocabulary"). Only large text corpora take long enough to report.
export type LoadProgress = (done: number, total: number, stage: string) => void;
