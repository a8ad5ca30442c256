// The dashboard webview panel: one per window, restored after a reload by its serializer. It
// forwards the RunController's events to the webview (coalesced to at most ~10 posts a second, 2
// while training runs),
// answers its tensor requests and turns its buttons into the extension's commands. The webview
// keeps its own state (setState), so the panel does not retain its context when hidden.
import * as vscode from 'vscode';
import { FromDashboard, RunInfo, saysStopped, ToDashboard } from '../protocol';
import type { RunController, RunControllerEvents } from '../session/runController';
import { webviewPage, webviewPageRoots } from './webviewPage';

const VIEW_TYPE = 'nlm.dashboard';
const TITLE = 'NLM Lab Dashboard';
/** Minimum time between two flushes of queued messages; longer while training runs, when the
 *  view draws twice a second anyway and each message costs the browser on the training's cores. */
const POST_INTERVAL_MS = 100;
const RUNNING_POST_INTERVAL_MS = 500;

const COMMANDS: Record<Extract<FromDashboard, { type: 'command' }>['command'], string> = {
  pause: 'nlm.pause',
  resume: 'nlm.resume',
  step: 'nlm.stepMiniBatch',
  train: 'nlm.train',
  generate: 'nlm.generateText',
  backToPresent: 'nlm.backToPresent',
};

/** Ids of the runs seen so far; each load gives a new RunInfo object. */
const runIds = new WeakMap<RunInfo, string>();

function runIdOf(info: RunInfo): string {
  let id = runIds.get(info);
  if (!id) {
    id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    runIds.set(info, id);
  }
  return id;
}

export class DashboardPanel {
  /** The open dashboard, if any. */
  static current: DashboardPanel | undefined;

  private readonly outbox: Outbox;
  private readonly disposables: vscode.Disposable[] = [];
  /** True between the webview's 'ready' and its teardown (hidden panels lose their webview). */
  private ready = false;
  private disposed = false;
  /** A heatmap asked for before the webview was ready. */
  private pendingTensor: string | undefined;

  /** Opens the dashboard beside the editor, or reveals the one already open. */
  static show(context: vscode.ExtensionContext, run: RunController): DashboardPanel {
    if (DashboardPanel.current) {
      DashboardPanel.current.panel.reveal();
      return DashboardPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, TITLE, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(context));
    return new DashboardPanel(panel, context, run);
  }

  /** Brings the dashboard back after a window reload (needs the activation event onWebviewPanel:nlm.dashboard). */
  static registerSerializer(context: vscode.ExtensionContext, run: RunController): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        DashboardPanel.current?.dispose();
        new DashboardPanel(panel, context, run);
      },
    });
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly run: RunController,
  ) {
    DashboardPanel.current = this;
    this.outbox = new Outbox(
      (message) => this.post(message),
      () => (this.run.state === 'running' ? RUNNING_POST_INTERVAL_MS : POST_INTERVAL_MS),
    );
    panel.webview.options = webviewOptions(context);
    panel.iconPath = {
      light: vscode.Uri.joinPath(context.extensionUri, 'media', 'dashboard-light.svg'),
      dark: vscode.Uri.joinPath(context.extensionUri, 'media', 'dashboard-dark.svg'),
    };
    panel.webview.html = webviewPage(panel.webview, context.extensionUri, { bundle: 'dashboard', rootId: 'dashboard', title: TITLE });

    this.listen('run', (info) => this.forward({ type: 'run', runId: runIdOf(info), info, epochs: [], history: this.run.history.toData() }));
    this.listen('snapshot', (snapshot) => this.forward({ type: 'snapshot', snapshot }));
    this.listen('epoch', (record) => this.forward({ type: 'epoch', record }));
    this.listen('stopped', (event) => this.forward({ type: 'stopped', event }));
    this.listen('state', (state) => this.forward({ type: 'state', state }));
    // A branch cut the curves: the same run, its history re-sent whole.
    this.listen('branched', () => {
      const info = this.run.info;
      if (info) this.forward({ type: 'run', runId: runIdOf(info), info, epochs: [...this.run.epochs], history: this.run.history.toData() });
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: FromDashboard) => this.receive(message)),
      panel.onDidChangeViewState(() => {
        // Hidden, the webview is torn down; shown again, it reloads and says 'ready'.
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Switches the dashboard to the heatmap of `name` (W1, dW3, …). */
  showTensor(name: string): void {
    if (this.ready) this.post({ type: 'showTensor', name } satisfies ToDashboard);
    else this.pendingTensor = name;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    this.outbox.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  /** Subscribes for the panel's lifetime; `listener` is checked against the event here. */
  private listen<E extends keyof RunControllerEvents>(event: E, listener: (...args: RunControllerEvents[E]) => void): void {
    // EventEmitter's conditional listener type cannot be resolved for a generic E.
    const untyped = listener as never;
    this.run.on(event, untyped);
    this.disposables.push({ dispose: () => this.run.off(event, untyped) });
  }

  private post(message: ToDashboard): void {
    try {
      void this.panel.webview.postMessage(message);
    } catch {
      // Closed: VS Code disposes the webview first and tells us a moment later (onDidDispose).
      this.ready = false;
    }
  }

  private forward(message: ToDashboard): void {
    if (this.ready) this.outbox.push(message);
  }

  private receive(message: FromDashboard): void {
    switch (message?.type) {
      case 'ready':
        this.ready = true;
        this.sendEverything();
        break;
      case 'requestTensor':
        // Failures (no run loaded, a run being replaced) need no answer: the view asks again.
        this.run.request({ kind: 'tensor', name: String(message.name) }).then(
          (data) => this.forward({ type: 'tensor', data }),
          () => undefined,
        );
        break;
      case 'command':
        if (Object.hasOwn(COMMANDS, message.command)) void vscode.commands.executeCommand(COMMANDS[message.command]);
        break;
      case 'rewind':
        if (Number.isInteger(message.steps)) void vscode.commands.executeCommand('nlm.rewindToStep', message.steps);
        break;
    }
  }

  /** A freshly loaded webview gets the whole run: its curves, then the latest snapshot. */
  private sendEverything(): void {
    this.outbox.clear();
    const { info, snapshot } = this.run;
    if (info) {
      const message: ToDashboard = { type: 'run', runId: runIdOf(info), info, epochs: [...this.run.epochs], history: this.run.history.toData() };
      this.post(message);
      // Its steps and norms are already in the history.
      if (snapshot) this.post({ type: 'snapshot', snapshot: { ...snapshot, steps: [], correctSteps: undefined } } satisfies ToDashboard);
    }
    this.post({ type: 'state', state: this.run.state } satisfies ToDashboard);
    if (this.pendingTensor) this.post({ type: 'showTensor', name: this.pendingTensor } satisfies ToDashboard);
    this.pendingTensor = undefined;
  }
}

/**
 * Messages waiting for the next flush, at most one flush per interval while training runs.
 * Snapshots coalesce into the latest one carrying all their step records (and the correct run's
 * beside a student's backward); only the latest state is kept; a new run drops everything queued
 * before it. A message saying training stopped (a step, a breakpoint, a pause) flushes at once:
 * the student is waiting to see it.
 */
class Outbox {
  private queue: ToDashboard[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFlush = 0;

  constructor(
    private readonly send: (message: ToDashboard) => void,
    private readonly intervalMs: () => number,
  ) {}

  push(message: ToDashboard): void {
    if (message.type === 'run') this.queue = [];
    if (message.type === 'snapshot') {
      const earlier = this.queue.find((m): m is Extract<ToDashboard, { type: 'snapshot' }> => m.type === 'snapshot');
      if (earlier) {
        const [a, b] = [earlier.snapshot.correctSteps, message.snapshot.correctSteps];
        const correctSteps = a || b ? [...(a ?? []), ...(b ?? [])] : undefined;
        message = { type: 'snapshot', snapshot: { ...message.snapshot, steps: [...earlier.snapshot.steps, ...message.snapshot.steps], correctSteps } };
        this.queue = this.queue.filter((m) => m !== earlier);
      }
    }
    if (message.type === 'state') this.queue = this.queue.filter((m) => m.type !== 'state');
    this.queue.push(message);
    if (saysStopped(message)) this.flush();
    else this.schedule();
  }

  clear(): void {
    this.queue = [];
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs() - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastFlush = Date.now();
    const due = this.queue;
    this.queue = [];
    for (const message of due) this.send(message);
  }
}

function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    // The page's own bundle and its stylesheet's folder, nothing else of the extension or the disk.
    localResourceRoots: webviewPageRoots(context.extensionUri),
  };
}
