// The header line: which run, its setup, where training is, how fast, and the buttons that drive
// it (they run the extension's commands, so the debugger and status bar stay in step); below it,
// a warning while the run has diverged.
import { describeDivergence } from '../src/engine/divergence';
import type { FromDashboard, RunState } from '../src/extension/protocol';
import { element } from './card';
import { formatCount } from './charts/format';
import { DashboardState, rewoundStep } from './state';

type Command = Extract<FromDashboard, { type: 'command' }>['command'];

interface CommandButton {
  command: Command;
  label: string;
  tooltip: string;
  enabledIn: RunState[];
}

const BUTTONS: CommandButton[] = [
  { command: 'pause', label: 'Pause', tooltip: 'Pause training after the current sub-step', enabledIn: ['running'] },
  { command: 'resume', label: 'Resume', tooltip: 'Continue training', enabledIn: ['paused'] },
  { command: 'step', label: 'Step mini-batch', tooltip: 'Train one mini-batch, then pause', enabledIn: ['paused'] },
  { command: 'train', label: 'Train…', tooltip: 'Start a new training run', enabledIn: ['idle', 'paused', 'finished'] },
  { command: 'generate', label: 'Generate…', tooltip: 'Let the model continue a few words of your choice', enabledIn: ['running', 'paused', 'finished'] },
];

const STATE_LABELS: Record<RunState, string> = { idle: 'no run', running: 'running', paused: 'paused', finished: 'finished' };

export class Header {
  private readonly badge: HTMLElement;
  private readonly run: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly speed: HTMLElement;
  private readonly message: HTMLElement;
  private readonly divergence: HTMLElement;
  private readonly buttons: { spec: CommandButton; el: HTMLElement }[];
  /** Shown while the run is rewound. */
  private readonly present: HTMLElement;

  constructor(parent: HTMLElement, onCommand: (command: Command) => void) {
    const root = element('header', 'dashboard-header');
    const line = element('div', 'header-line');
    this.badge = element('span', 'state-badge');
    this.run = element('span', 'header-run');
    this.progress = element('span', 'header-progress');
    this.speed = element('span', 'header-speed');
    const actions = element('span', 'header-actions');
    this.buttons = BUTTONS.map((spec) => {
      const el = document.createElement('vscode-button');
      el.textContent = spec.label;
      el.title = spec.tooltip;
      el.addEventListener('click', () => {
        if (!el.hasAttribute('disabled')) onCommand(spec.command);
      });
      actions.appendChild(el);
      return { spec, el };
    });
    this.present = document.createElement('vscode-button');
    this.present.textContent = 'Back to the present';
    this.present.title = 'Return to where training was before going back in time';
    this.present.addEventListener('click', () => onCommand('backToPresent'));
    actions.prepend(this.present);
    line.append(this.badge, this.run, actions);
    const status = element('div', 'header-line header-status');
    this.message = element('span', 'header-message');
    status.append(this.progress, this.speed, this.message);
    this.divergence = element('div', 'header-divergence');
    this.divergence.setAttribute('role', 'alert');
    root.append(line, status, this.divergence);
    parent.appendChild(root);
  }

  render(state: DashboardState): void {
    const info = state.info;
    const runState = info ? state.runState : 'idle';
    this.badge.textContent = STATE_LABELS[runState];
    this.badge.className = `state-badge state-${runState}`;
    if (info) {
      const c = info.config;
      const optimizer = c.optimizer === 'sgd' ? 'SGD' : c.optimizer === 'adam' ? 'Adam' : 'momentum';
      this.run.textContent =
        `${info.dataset.name} · V=${info.dataset.vocabSize} · ${formatCount(info.dataset.train)} training examples · ` +
        `D=${c.embeddingDim} · P=${c.hiddenUnits} · ${info.hiddenActivation ?? c.activation} · ${optimizer} lr ${c.lr} · batch ${c.batchSize}`;
    } else {
      this.run.textContent = 'No training run loaded. Start one with “Train…”.';
    }
    this.progress.textContent = info ? progressText(state) : '';
    this.speed.textContent = info && runState === 'running' && state.examplesPerSecond > 0 ? `${formatCount(Math.round(state.examplesPerSecond))} examples/s` : '';
    for (const { spec, el } of this.buttons) {
      el.toggleAttribute('disabled', !spec.enabledIn.includes(runState));
      el.toggleAttribute('secondary', !isPrimary(spec.command, runState));
    }
    const stopped = state.stopped;
    this.present.hidden = rewoundStep(state) === undefined;
    this.message.textContent = stopped && runState === 'paused' ? `Paused (${stopped.reason}): ${stopped.description}` : '';
    this.message.hidden = !this.message.textContent;
    this.divergence.textContent = info && state.divergence ? `⚠ ${describeDivergence(state.divergence)}` : '';
    this.divergence.hidden = !this.divergence.textContent;
  }
}

function progressText(state: DashboardState): string {
  const info = state.info;
  const cursor = state.cursor;
  if (!info || !cursor) return '';
  const epochs = info.config.epochs;
  const epoch = Math.min(cursor.epoch + 1, epochs);
  const parts = [
    state.runState === 'finished' ? `${cursor.epoch} of ${epochs} epochs` : `epoch ${epoch}/${epochs}`,
    `batch ${formatCount(cursor.batch)}/${formatCount(info.batchesPerEpoch)}`,
    `step ${formatCount(cursor.steps)}`,
  ];
  if (rewoundStep(state) !== undefined) parts.push(`rewound: the present is step ${formatCount(state.timeTravel!.present.steps)}`);
  if (state.lr !== undefined) parts.push(`lr ${state.lr.toPrecision(3)}`);
  return parts.join(' · ');
}

/** The one action a student most likely wants next is drawn as the primary button. */
function isPrimary(command: Command, state: RunState): boolean {
  return (command === 'pause' && state === 'running') || (command === 'resume' && state === 'paused') || (command === 'train' && (state === 'idle' || state === 'finished'));
}
