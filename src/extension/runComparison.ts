// What "Compare Runs" shows of a selection of recorded runs: each run's curves from its
// metrics.jsonl (training loss and accuracy per window of steps, validation per epoch, gradient
// norms at the start of each window), a legend label naming only the settings in which the runs
// differ, and the results table. Pure data from the run files, so the host builds it and the
// compare page only draws it.
import { readMetrics } from '../engine/runs/readMetrics';
import type { MetricsLine } from '../engine/runs/runFiles';
import type { RunEntry } from '../engine/runs/listRuns';
import { resultsTable } from '../engine/runs/resultsTable';
import { describeSettings, settingsThatDiffer } from '../engine/runs/settings';
import type { ComparedRun, Comparison } from './comparison';

export type { ComparedRun, Comparison };

/** Runs whose config.json cannot be read are left out: they have no settings to compare. */
export function compareRuns(entries: readonly RunEntry[]): Comparison {
  const readable = entries.filter((e): e is RunEntry & { config: NonNullable<RunEntry['config']> } => e.config !== undefined);
  const keys = settingsThatDiffer(readable.map((e) => e.config.config));
  const runs = readable.map((e): ComparedRun => {
    const metrics = metricsOf(e.dir);
    const settings = keys.length ? describeSettings(e.config.config, keys) : '';
    const named = e.config.name ? (settings ? `${e.config.name} (${settings})` : e.config.name) : settings;
    return {
      id: e.id,
      label: named || e.id,
      steps: metrics.flatMap((m) => (m.type === 'steps' ? [{ step: m.lastStep, loss: m.loss, acc: m.acc }] : [])),
      epochs: metrics.flatMap((m) => (m.type === 'epoch' ? [{ epoch: m.epoch, step: m.step, trainCe: m.trainCe, trainAcc: m.trainAcc, validCe: m.validCe, validAcc: m.validAcc }] : [])),
      grads: metrics.flatMap((m) => (m.type === 'steps' && m.gradNorm !== undefined ? [{ step: m.firstStep, total: m.gradNorm, norms: m.gradNorms ?? {} }] : [])),
    };
  });
  // The same settings twice (a run trained again): their start times tell them apart.
  const seen = new Map<string, number>();
  for (const r of runs) seen.set(r.label, (seen.get(r.label) ?? 0) + 1);
  for (const r of runs) if (seen.get(r.label)! > 1) r.label = `${r.label} · ${r.id}`.trim().replace(/^· /, '');
  const table = resultsTable(readable.map((e) => ({ id: e.id, config: e.config.config, summary: e.summary })));
  return { runs, table };
}

/** A run without a readable metrics.jsonl has no curves, but keeps its row. */
function metricsOf(dir: string): MetricsLine[] {
  try {
    return readMetrics(dir);
  } catch {
    return [];
  }
}
