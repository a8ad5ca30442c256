// What every command module needs: the extension context, the shared run and the log.
import * as vscode from 'vscode';
import { RunController } from '../session/runController';

export interface CommandContext {
  readonly extension: vscode.ExtensionContext;
  readonly run: RunController;
  readonly output: vscode.OutputChannel;
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
        const message = e instanceof Error ? e.message : String(e);
        ctx.output.appendLine(`[error] ${id}: ${message}`);
        void vscode.window.showErrorMessage(`NLM: ${message}`);
        return undefined;
      }
    }),
  );
}
