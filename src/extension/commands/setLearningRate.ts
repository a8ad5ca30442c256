// NLM: Change Learning Rate…: the learning rate the paused run goes on with. At a moment before
// the present (after a rewind), the run goes on from there as a new branch.
import * as vscode from 'vscode';
import { NUMBER_RULES } from '../../engine/config';
import { CommandContext, registerCommand } from './context';

export function registerSetLearningRate(ctx: CommandContext): void {
  const { run } = ctx;
  /** `lr` (tests): no input box. */
  registerCommand(ctx, 'nlm.setLearningRate', async (lr?: number): Promise<number | undefined> => {
    if (!run.info) throw new Error('no training run is loaded: start one with NLM: Train');
    let value = lr;
    if (value === undefined) {
      const current = run.snapshot?.lr ?? run.info.config.lr;
      const { max } = NUMBER_RULES.lr;
      const valid = (t: string) => (Number(t) > 0 && Number(t) <= max ? undefined : `a number above 0, at most ${max}`);
      const text = await vscode.window.showInputBox({
        title: 'NLM: Change Learning Rate',
        prompt: `The learning rate from here on (now ${current}); after a rewind the run goes on from there as a new branch`,
        value: String(current),
        validateInput: valid,
      });
      if (text === undefined) return undefined;
      value = Number(text);
    }
    await run.request({ kind: 'setLearningRate', lr: value });
    return value;
  });
}
