// The "Weights & gradients" tab: a dropdown of the model's matrices and their gradients, what the
// chosen one means, its statistics, and its heatmap; for a matrix with a word axis, the words'
// order: the vocabulary's (a text corpus's is by frequency) or a list typed or pasted in.
import { describeNotComputed } from '../src/engine/iterationProgress';
import type { RunInfo, TensorData } from '../src/extension/protocol';
import { createCard, element } from './card';
import { formatCount, formatValue } from './charts/format';
import { Heatmap } from './heatmap';
import { HeatmapTensor, tensorAxes } from './tensorLabels';
import { parseWordList } from './wordOrder';

type Field = HTMLElement & { value: string };

export class WeightsPanel {
  private readonly heatmap: Heatmap;
  private readonly caption: HTMLElement;
  private readonly select: HTMLElement & { value: string };
  private readonly description: HTMLElement;
  private tensors: readonly HeatmapTensor[] = [];
  private readonly orderControls: HTMLElement;
  private readonly order: Field;
  private readonly wordList: Field;
  private readonly listStatus: HTMLElement;

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
    this.orderControls = element('div', 'toolbar word-order');
    this.order = document.createElement('vscode-single-select') as Field;
    this.order.setAttribute('aria-label', 'Word order');
    this.setOrderOptions(false);
    this.wordList = document.createElement('vscode-textfield') as Field;
    this.wordList.setAttribute('aria-label', 'Word list');
    this.wordList.setAttribute('placeholder', 'words to show, in order: monday tuesday …');
    this.listStatus = element('span', 'toolbar-text word-list-status');
    this.orderControls.append(this.order, this.wordList, this.listStatus);
    this.order.addEventListener('change', onResize);
    this.wordList.addEventListener('input', () => {
      if (this.order.value !== 'list') this.order.value = 'list';
      onResize();
    });
    card.body.before(toolbar, this.orderControls);
    this.heatmap = new Heatmap(card.body, onResize);
  }

  /** The tensors a loaded model offers, `selected` chosen; `byFrequency`: its vocabulary lists the most frequent words first (a text corpus). */
  setTensors(tensors: readonly HeatmapTensor[], selected: string, byFrequency = false): void {
    this.setOrderOptions(byFrequency);
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
    this.orderWords(name, tensor?.data, info);
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

  /** The word orders offered (the vocabulary's first); the select starts over when they change. */
  private setOrderOptions(byFrequency: boolean): void {
    this.order.replaceChildren(option('frequency', byFrequency ? 'by frequency (vocabulary order)' : 'vocabulary order'), option('list', 'words of a list'));
    this.order.value = 'frequency';
  }

  /** Shows the order controls for a matrix with a word axis, and hands the heatmap the list's words. */
  private orderWords(name: string, data: TensorData | undefined, info: RunInfo | undefined): void {
    const axes = data ? tensorAxes(name, data.shape, info) : undefined;
    const wordAxis = !!axes && (axes.rows.words || axes.columns.words);
    this.orderControls.hidden = !wordAxis;
    this.wordList.hidden = this.order.value !== 'list';
    if (!wordAxis || this.order.value !== 'list' || !info) {
      this.heatmap.setWordOrder(undefined);
      this.listStatus.textContent = '';
      return;
    }
    const list = parseWordList(this.wordList.value, info.vocab);
    this.heatmap.setWordOrder(list.indices);
    const missing = list.missing.length ? `not in the vocabulary: ${list.missing.join(', ')}` : '';
    const shown = list.indices.length
      ? `${formatCount(list.indices.length)} word${list.indices.length === 1 ? '' : 's'} shown`
      : this.wordList.value.trim()
        ? 'none of these words is in the vocabulary: showing all'
        : 'type or paste words to show only them, in that order';
    this.listStatus.textContent = [shown, missing].filter(Boolean).join(' · ');
    this.listStatus.classList.toggle('warning', list.missing.length > 0);
  }
}

function option(value: string, text: string): HTMLElement {
  const o = document.createElement('vscode-option');
  o.setAttribute('value', value);
  o.textContent = text;
  return o;
}
