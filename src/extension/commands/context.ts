// What every command module needs: the extension context, the shared run, the log and the place
// failures are reported.
import * as vscode from 'vscode';
import { messageOf, Problems } from '../problems';
import { RunController } from '../session/runController';

export interface CommandContext {
  readonly extension: vscode.ExtensionContext;
  readonly run: RunController;
  readonly output: vscode.OutputChannel;
  readonly problems: Problems;
}

/** Registers a command whose failures become one error notification and a log line. */
export function registerCommand<A extends unknown[], R>(
  ctx: CommandContext,
  id: string,
  handler: (...args: A) => Promise<R> | R,
): void {
  ctx.extension.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: A) => {
      try {
        return await handler(...args);
      } catch (e) {
        ctx.problems.report(id, messageOf(e));
        return undefined;
      }
    }),
  );
}
