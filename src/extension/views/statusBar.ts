// The status bar item: state, epoch, batch and running loss; a click opens the dashboard. A
// diverged run turns it into a warning.
// While training runs it changes twice a second, with a still icon: each change of the window is
// a frame the browser draws on the cores training runs on (a spinning icon would be 60 a second).
import * as vscode from 'vscode';
import { describeDivergence } from '../../engine/divergence';
import { bucketMean } from '../bucketSeries';
import { LOSS } from '../runHistory';
import { RunController } from '../session/runController';

const ICONS = { idle: '$(circle-outline)', running: '$(pulse)', paused: '$(debug-pause)', finished: '$(check)' } as const;
/** Snapshots arrive up to 10 times a second; the text follows at most this often (ms). */
const RUNNING_REFRESH_MS = 500;
const WORDS = { idle: 'no run', running: 'training', paused: 'paused', finished: 'finished' } as const;

export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('nlm.status', vscode.StatusBarAlignment.Left, 50);
  private smoothedLoss = NaN;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastUpdate = 0;

  constructor(private readonly run: RunController) {
    this.item.name = 'NLM training';
    this.item.command = 'nlm.showDashboard';
    run.on('run', () => {
      this.smoothedLoss = NaN;
      this.update();
    });
    run.on('state', () => this.update());
    run.on('snapshot', (s) => {
      // 0.95 per mini-batch, however many a bucket of the snapshot holds.
      for (const b of s.steps) {
        const loss = bucketMean(b, LOSS);
        this.smoothedLoss = Number.isNaN(this.smoothedLoss) ? loss : loss + Math.pow(0.95, b.count) * (this.smoothedLoss - loss);
      }
      if (s.state === 'running') this.updateSoon();
      else this.update();
    });
    this.update();
  }

  /** The item's text, for tests. */
  get text(): string {
    return this.item.text;
  }

  private updateSoon(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastUpdate + RUNNING_REFRESH_MS - Date.now());
    this.timer = setTimeout(() => this.update(), wait);
  }

  private update(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastUpdate = Date.now();
    const { info, state, snapshot } = this.run;
    if (!info) {
      this.item.hide();
      return;
    }
    const c = snapshot?.cursor;
    // Finished before the last epoch: stopped by the user or by early stopping.
    const word = state === 'finished' && c && c.epoch < info.config.epochs ? 'stopped' : WORDS[state];
    const divergence = snapshot?.divergence;
    const parts = [divergence ? `$(warning) NLM ${word} · diverged` : `${ICONS[state]} NLM ${word}`];
    if (c) parts.push(`epoch ${Math.min(c.epoch + 1, info.config.epochs)}/${info.config.epochs}`, `batch ${c.batch}/${info.batchesPerEpoch}`);
    if (Number.isFinite(this.smoothedLoss)) parts.push(`loss ${this.smoothedLoss.toFixed(3)}`);
    this.item.text = parts.join(' · ');
    const tooltip = `${info.dataset.name}: click to open the NLM dashboard`;
    this.item.tooltip = divergence ? `${describeDivergence(divergence)}\n${tooltip}` : tooltip;
    this.item.backgroundColor = divergence ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.item.dispose();
  }
}
