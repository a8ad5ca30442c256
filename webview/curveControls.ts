// The curves tab's toolbar: how strongly the loss and accuracy are smoothed, and whether the steps
// run along a log axis (the first steps, where most of the learning happens, spread out).
import { element } from './card';
import type { Smoothing, UiState } from './state';

const SMOOTHINGS: { value: Smoothing; label: string }[] = [
  { value: 'off', label: 'Smoothing: off' },
  { value: 'light', label: 'Smoothing: light' },
  { value: 'medium', label: 'Smoothing: medium' },
  { value: 'strong', label: 'Smoothing: strong' },
];

export function createCurveControls(parent: HTMLElement, ui: UiState, onChange: () => void): void {
  const toolbar = element('div', 'toolbar curve-controls');
  const smoothing = document.createElement('vscode-single-select') as HTMLElement & { value: string };
  smoothing.setAttribute('aria-label', 'Smoothing');
  smoothing.title = 'Moving average of the training curves (each mini-batch weighted by its examples)';
  for (const s of SMOOTHINGS) {
    const option = document.createElement('vscode-option');
    option.setAttribute('value', s.value);
    option.textContent = s.label;
    smoothing.appendChild(option);
  }
  smoothing.value = ui.smoothing;
  smoothing.addEventListener('change', () => {
    const chosen = SMOOTHINGS.find((s) => s.value === smoothing.value);
    if (!chosen || chosen.value === ui.smoothing) return;
    ui.smoothing = chosen.value;
    onChange();
  });
  const logX = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  logX.setAttribute('label', 'Log step axis');
  logX.checked = ui.logX;
  logX.addEventListener('change', () => {
    ui.logX = logX.checked;
    onChange();
  });
  toolbar.append(smoothing, logX);
  parent.appendChild(toolbar);
}
