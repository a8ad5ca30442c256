// Reads the runs folder back: every run's configuration and summary, newest first. A run whose
// files are missing or unreadable is listed with what could be read, never hidden.
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_CONFIG, TrainConfig } from '../config';
import { writeFileAtomic } from '../modelfile/atomic';
import { CONFIG_FILE, RunConfig, RunSummary, SUMMARY_FILE } from './runFiles';

/** What runs recorded before the schedule settings existed trained with. */
const BEFORE_SCHEDULES: Pick<TrainConfig, 'schedule' | 'lrStep' | 'lrMin' | 'lrPatience' | 'warmupSteps'> = {
  schedule: 'exponential',
  lrStep: DEFAULT_CONFIG.lrStep,
  lrMin: 0,
  lrPatience: DEFAULT_CONFIG.lrPatience,
  warmupSteps: 0,
};

export interface RunEntry {
  id: string;
  dir: string;
  config: RunConfig | undefined;
  summary: RunSummary | undefined;
  /** Why config.json or summary.json could not be read. */
  problem?: string;
}

export function listRuns(runsDir: string): RunEntry[] {
  let names: string[];
  try {
    names = fs.readdirSync(runsDir, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'sweeps').map((d) => d.name);
  } catch {
    return [];
  }
  return names.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)).map((id) => readRun(runsDir, id));
}

export function readRun(runsDir: string, id: string): RunEntry {
  const dir = path.join(runsDir, id);
  const entry: RunEntry = { id, dir, config: undefined, summary: undefined };
  const problems: string[] = [];
  const read = <T>(name: string): T | undefined => {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as T;
    } catch (e) {
      problems.push(`${name}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (e as Error).message}`);
      return undefined;
    }
  };
  entry.config = read<RunConfig>(CONFIG_FILE);
  if (entry.config?.config) entry.config.config = { ...BEFORE_SCHEDULES, ...entry.config.config };
  entry.summary = read<RunSummary>(SUMMARY_FILE);
  if (problems.length) entry.problem = problems.join('; ');
  return entry;
}

/** Ends a record its writer could not end (the training worker died): a summary still "running"
 *  gets `status` and `error`; its metrics and model stay as they were. Returns whether it did. */
export function markRunEnded(dir: string, status: 'failed' | 'stopped', error: string): boolean {
  const file = path.join(dir, SUMMARY_FILE);
  let summary: RunSummary;
  try {
    summary = JSON.parse(fs.readFileSync(file, 'utf8')) as RunSummary;
  } catch {
    return false;
  }
  if (summary.status !== 'running') return false;
  summary.status = status;
  summary.ended = new Date().toISOString();
  summary.error = error;
  writeFileAtomic(file, new TextEncoder().encode(JSON.stringify(summary, null, 2) + '\n'));
  return true;
}
