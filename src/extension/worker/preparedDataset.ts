// The dataset read last, kept for the request that names it next: the host reads a dataset with
// `previewDataset` (on a thread, with progress and cancel) and then loads a run or evaluates on
// it, and that second request must not read it again. One dataset is kept, so memory stays bounded.
import * as fs from 'fs';
import type { Dataset } from '../../engine/data/dataset';
import { loadDataset } from '../../engine/data/load';
import type { LoadProgress } from '../../engine/data/loadProgress';
import { loadDatasetInThread } from '../../engine/data/loadInThread';
import type { DatasetSpec } from '../protocol';

export class PreparedDataset {
  private kept: { key: string; dataset: Dataset } | undefined;

  /** Reads `spec` off this thread and keeps it. */
  async prepare(spec: DatasetSpec, progress: LoadProgress, signal: AbortSignal): Promise<Dataset> {
    const key = keyOf(spec);
    if (this.kept?.key === key) return this.kept.dataset;
    const dataset = await loadDatasetInThread(spec.path, spec.corpus ?? {}, progress, signal);
    this.kept = { key, dataset };
    return dataset;
  }

  /** The dataset `spec` names: the kept one when it is that file, unchanged, else read now. */
  get(spec: DatasetSpec): Dataset {
    const key = keyOf(spec);
    if (this.kept?.key === key) return this.kept.dataset;
    return loadDataset(spec.path, spec.corpus);
  }
}

/** The path, the options, and the file's size and time, so an edited file is read again. */
function keyOf(spec: DatasetSpec): string {
  let stamp = '';
  try {
    const st = fs.statSync(spec.path);
    stamp = `${st.size}:${Math.floor(st.mtimeMs)}`;
  } catch {
    // "demo", or a path that does not exist (loadDataset says so when it is read).
  }
  return JSON.stringify([spec.path, stamp, spec.corpus ?? {}]);
}
