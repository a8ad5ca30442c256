// `nlm runs`: the recorded runs, newest first, with the settings that differ from the defaults
// and the best validation accuracy.
import { listRuns, RunEntry } from '../engine/runs/listRuns';
import { describeSettings, SETTING_LABELS, settingsNotDefault } from '../engine/runs/settings';
import { args, DEFAULT_RUNS_DIR, RUNS_OPTIONS } from './cliArgs';

export function runsCommand(argv: string[]): void {
  const { values } = args(argv, { ...RUNS_OPTIONS, json: { type: 'boolean' } });
  const dir = values['runs-dir'] ?? DEFAULT_RUNS_DIR;
  const runs = listRuns(dir);
  if (values.json) {
    for (const r of runs) console.log(JSON.stringify(runObject(r)));
    return;
  }
  if (runs.length === 0) {
    console.log(`no runs in ${dir}`);
    return;
  }
  for (const r of runs) {
    const s = r.summary;
    const acc = s?.bestValidAcc ? `best valid acc ${s.bestValidAcc.acc.toFixed(4)} (epoch ${s.bestValidAcc.epoch})` : 'no epoch finished';
    const settings = r.config ? describeSettings(r.config.config, settingsNotDefault(r.config.config)) : '';
    const data = r.config?.dataset.name ?? '';
    console.log([r.id, s?.status ?? 'unreadable', data, settings, acc, r.problem ?? ''].filter((x) => x !== '').join('  '));
  }
}

function runObject(r: RunEntry): object {
  const c = r.config;
  const s = r.summary;
  return {
    id: r.id,
    dir: r.dir,
    status: s?.status ?? null,
    created: c?.created ?? null,
    data: c?.dataset.path ?? null,
    settings: c ? Object.fromEntries(settingsNotDefault(c.config).map((k) => [SETTING_LABELS[k], c.config[k]])) : null,
    bestValidAcc: s?.bestValidAcc ?? null,
    bestValidCe: s?.bestValidCe ?? null,
    final: s?.final ?? null,
    epochs: s?.epochs ?? null,
    steps: s?.steps ?? null,
    seconds: s?.seconds ?? null,
    ...(r.problem ? { problem: r.problem } : {}),
  };
}
