// NLM: Rewind to Step… and NLM: Back to the Present: the run goes to that moment (restoring the
// nearest checkpoint and replaying), pauses there, and every view shows it.
import * as vscode from 'vscode';
import type { Cursor } from '../protocol';
import { CommandContext, registerCommand } from './context';
import { parseRewindStep, rewindRange } from './rewindStep';

export function registerTimeTravelCommands(ctx: CommandContext): void {
  const { run } = ctx;
  /** `step` (tests, the dashboard): rewind without asking. */
  registerCommand(ctx, 'nlm.rewindToStep', async (step?: number | 'present'): Promise<Cursor | undefined> => {
    if (!run.info) throw new Error('no training run is loaded: start one with NLM: Train');
    let target = step;
    if (target === undefined) {
      const status = run.snapshot?.timeTravel;
      const parsed = (text: string) => parseRewindStep(text, status);
      const text = await vscode.window.showInputBox({
        title: 'NLM: Rewind to Step',
        prompt: status ? `The run pauses after that step, as it was then: a step ${rewindRange(status)}, or "present"` : undefined,
        value: status ? String(Math.max(status.earliest ?? 0, (run.snapshot?.cursor.steps ?? 0) - 1)) : undefined,
        validateInput: (t) => {
          const r = parsed(t);
          return typeof r === 'object' ? r.error : undefined;
        },
      });
      if (text === undefined) return undefined;
      const r = parsed(text);
      if (typeof r === 'object') throw new Error(r.error);
      target = r;
    }
    return run.request({ kind: 'rewind', steps: target });
  });
  registerCommand(ctx, 'nlm.backToPresent', () => run.request({ kind: 'rewind', steps: 'present' }));
}
