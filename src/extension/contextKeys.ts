// The context keys that enable and show commands (package.json `enablement` and `when` clauses):
// `nlm.state` (idle | running | paused | finished) and `nlm.hasRun` (a model is loaded). They
// follow the run; the last values set are kept so tests can read them back.
import * as vscode from 'vscode';
import type { RunState } from './protocol';
import type { RunController } from './session/runController';

export interface RunContext {
  state: RunState;
  hasRun: boolean;
}

export class RunContextKeys {
  private current: RunContext | undefined;

  constructor(private readonly run: RunController) {
    run.on('run', () => this.update());
    run.on('state', () => this.update());
    this.update();
  }

  get values(): RunContext | undefined {
    return this.current;
  }

  private update(): void {
    const next: RunContext = { state: this.run.state, hasRun: this.run.info !== undefined };
    if (next.state !== this.current?.state) void vscode.commands.executeCommand('setContext', 'nlm.state', next.state);
    if (next.hasRun !== this.current?.hasRun) void vscode.commands.executeCommand('setContext', 'nlm.hasRun', next.hasRun);
    this.current = next;
  }
}
