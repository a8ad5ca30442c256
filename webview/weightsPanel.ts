// The "Weights & gradients" tab: a dropdown of the model's matrices and their gradients, what the
// chosen one means, its statistics, and its heatmap.
import { describeNotComputed } from '../src/engine/iterationProgress';
import type { RunInfo, TensorData } from '../src/extension/protocol';
import { createCard, element } from './card';
import { formatCount, formatValue } from './charts/format';
import { Heatmap } from './heatmap';
import { HeatmapTensor } from './tensorLabels';

export class WeightsPanel {
  private readonly heatmap: Heatmap;
  private readonly caption: HTMLElement;
  private readonly select: HTMLElement & { value: string };
  private readonly description: HTMLElement;
  private tensors: readonly HeatmapTensor[] = [];

  constructor(parent: HTMLElement, selected: string, onSelect: (name: string) => void, onResize: () => void) {
    const card = createCard(parent, 'Weights & gradients', 'heatmap', {
      svg: () => this.heatmap.exportSvg(),
      csv: () => this.heatmap.csv(),
    });
    card.root.classList.add('card-tall');
    this.caption = card.caption;
    const toolbar = element('div', 'toolbar');
    this.select = document.createElement('vscode-single-select');
    this.select.setAttribute('aria-label', 'Tensor');
    this.select.value = selected;
    this.select.addEventListener('change', () => {
      if (this.tensors.some((t) => t.name === this.select.value)) onSelect(this.select.value);
    });
    this.description = element('span', 'toolbar-text');
    toolbar.append(this.select, this.description);
    card.body.before(toolbar);
    this.heatmap = new Heatmap(card.body, onResize);
  }

  /** The tensors a loaded model offers, `selected` chosen. */
  setTensors(tensors: readonly HeatmapTensor[], selected: string): void {
    this.tensors = tensors;
    this.select.replaceChildren(
      ...tensors.map((t) => {
        const option = document.createElement('vscode-option');
        option.setAttribute('value', t.name);
        option.textContent = t.label;
        return option;
      }),
    );
    this.select.value = selected;
  }

  /** Shows `name` in the dropdown (when chosen from outside the panel). */
  choose(name: string): void {
    this.select.value = name;
  }

  /** Draws `name`'s latest copy, taken at training step `step`, if there is one yet. */
  render(name: string, tensor: { data: TensorData; step: number } | undefined, info: RunInfo | undefined): void {
    this.description.textContent = this.tensors.find((t) => t.name === name)?.description ?? '';
    this.heatmap.render(tensor?.data, info);
    if (!tensor) {
      this.caption.textContent = '';
      return;
    }
    const s = tensor.data.stats;
    // Old values of a tensor this iteration has not computed yet must not pass for new ones.
    const notComputed = tensor.data.notComputed;
    this.caption.textContent =
      (notComputed ? `⚠ ${describeNotComputed(notComputed)} · ` : '') +
      `${s.name} [${s.shape.join('×')}] at step ${formatCount(tensor.step)} · mean ${formatValue(s.mean)} · std ${formatValue(s.std)} · ` +
      `min ${formatValue(s.min)} · max ${formatValue(s.max)} · ‖·‖₂ ${formatValue(s.norm)} · colours span ±${formatValue(this.heatmap.colourLimit)}` +
      (s.nan ? ` · ${s.nan} NaN` : '') +
      ' · scroll to zoom, drag to pan, double-click for the whole matrix';
  }
}
