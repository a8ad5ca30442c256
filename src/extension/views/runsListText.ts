// What the Runs view says about a recorded run: its name (or when it started), the best validation
// accuracy and the settings that differ from the defaults beside it, everything in the tooltip.
// Pure, so a unit test reads it without VS Code.
import { describeSettings, settingsNotDefault } from '../../engine/runs/settings';
import type { RunEntry } from '../../engine/runs/listRuns';
import type { ItemText } from './runTreeText';

/** "2026-12-07 03:40:12" from a run id (UTC, as the id). */
export function startedAt(id: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})/.exec(id);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}` : id;
}

export function runListText(run: RunEntry): ItemText {
  const c = run.config;
  const s = run.summary;
  const label = c?.name ?? startedAt(run.id);
  if (!c || !s) return { label, description: 'unreadable', tooltip: `${run.dir}\n${run.problem ?? ''}` };
  const settings = describeSettings(c.config, settingsNotDefault(c.config));
  const acc = s.bestValidAcc ? `acc ${s.bestValidAcc.acc.toFixed(4)}` : 'no epoch yet';
  const status = s.status === 'finished' ? '' : ` · ${s.status}`;
  const tooltip = [
    `${label}${c.name ? ` (${startedAt(run.id)} UTC)` : ' UTC'}`,
    `${c.dataset.name} (${c.dataset.path}), V=${c.dataset.vocab}`,
    `settings: ${settings}`,
    `status: ${s.status}${s.error ? ` (${s.error})` : ''}, ${s.epochs} epochs, ${s.steps} steps, ${s.seconds.toFixed(1)} s`,
    s.bestValidAcc ? `best valid acc ${s.bestValidAcc.acc.toFixed(4)} (epoch ${s.bestValidAcc.epoch})` : '',
    s.bestValidCe ? `best valid CE ${s.bestValidCe.ce.toFixed(4)} (epoch ${s.bestValidCe.epoch})` : '',
    s.test ? `test CE ${s.test.ce.toFixed(4)}, acc ${s.test.acc.toFixed(4)}` : '',
    run.dir,
  ].filter(Boolean);
  return { label, description: `${acc}${status} · ${settings}`, tooltip: tooltip.join('\n') };
}
