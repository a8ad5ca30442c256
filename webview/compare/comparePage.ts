// The Compare Runs page: one legend for all charts (a colour per run, named by the settings in
// which the runs differ), training and validation loss and accuracy and the gradient norm of every
// run overlaid (the hover reads every run's value at a step; each chart exports PNG/SVG/CSV), and
// the results table, sortable by any column, exported by the extension as CSV, Markdown or LaTeX
// in the shown order.
import type { ComparedRun, Comparison, FromCompare } from '../../src/extension/protocol';
import type { Cell } from '../../src/engine/runs/resultsTable';
import { createCard, element } from '../card';
import { formatLoss, formatPercent, formatValue } from '../charts/format';
import { LineChart, LineChartSpec } from '../charts/lineChart';
import { standaloneSvg } from '../export';
import { CHART_COLOURS, chartColour, ChartColour, onThemeChange } from '../theme';

/** What the page's controls chose: the gradient whose norm the gradient chart shows. */
interface View {
  /** TOTAL, or a gradient's name ("d" and its parameter's). */
  gradient: string;
}

const TOTAL = 'all gradients together';

interface Panel {
  title: string;
  file: string;
  spec(runs: readonly ComparedRun[], view: View): LineChartSpec;
  /** A choice in the card's caption: its options for these runs, and the View key it sets. */
  choice?: { label: string; options(runs: readonly ComparedRun[]): string[]; key: keyof View };
}

const colourOf = (i: number): ChartColour => CHART_COLOURS[i % CHART_COLOURS.length];

function curves(runs: readonly ComparedRun[], value: (r: ComparedRun) => { x: number[]; y: number[] }, style: 'line' | 'points') {
  return runs.map((r, i) => ({ label: r.label, colour: colourOf(i), style, ...value(r) }));
}

const PANELS: Panel[] = [
  {
    title: 'Training loss',
    file: 'compare-train-loss',
    spec: (runs) => ({
      xLabel: 'step (mini-batches)',
      yLabel: 'cross-entropy (nats), mean of 50 steps',
      yFormat: formatLoss,
      legend: false,
      series: curves(runs, (r) => ({ x: r.steps.map((s) => s.step), y: r.steps.map((s) => s.loss) }), 'line'),
      empty: 'No training steps recorded.',
    }),
  },
  {
    title: 'Validation loss',
    file: 'compare-valid-loss',
    spec: (runs) => ({
      xLabel: 'step (mini-batches)',
      yLabel: 'cross-entropy (nats), each epoch',
      yFormat: formatLoss,
      legend: false,
      series: curves(runs, (r) => ({ x: r.epochs.map((e) => e.step), y: r.epochs.map((e) => e.validCe) }), 'points'),
      empty: 'No epoch finished yet.',
    }),
  },
  {
    title: 'Training accuracy',
    file: 'compare-train-accuracy',
    spec: (runs) => ({
      xLabel: 'step (mini-batches)',
      yLabel: 'accuracy, mean of 50 steps',
      yFormat: formatPercent,
      percent: true,
      legend: false,
      series: curves(runs, (r) => ({ x: r.steps.map((s) => s.step), y: r.steps.map((s) => s.acc) }), 'line'),
      empty: 'No training steps recorded.',
    }),
  },
  {
    title: 'Validation accuracy',
    file: 'compare-valid-accuracy',
    spec: (runs) => ({
      xLabel: 'step (mini-batches)',
      yLabel: 'accuracy, each epoch',
      yFormat: formatPercent,
      percent: true,
      legend: false,
      series: curves(runs, (r) => ({ x: r.epochs.map((e) => e.step), y: r.epochs.map((e) => e.validAcc) }), 'points'),
      empty: 'No epoch finished yet.',
    }),
  },
  {
    title: 'Gradient norm',
    file: 'compare-gradient-norm',
    spec: (runs, view) => ({
      xLabel: 'step (mini-batches)',
      yLabel: view.gradient === TOTAL ? '‖all gradients‖₂, every 50 steps' : `‖${view.gradient}‖₂, every 50 steps`,
      log: true,
      yFormat: formatValue,
      legend: false,
      series: curves(runs, (r) => ({ x: r.grads.map((g) => g.step), y: r.grads.map((g) => (view.gradient === TOTAL ? g.total : (g.norms[view.gradient] ?? NaN))) }), 'line'),
      empty: 'No gradient norms recorded (runs recorded before NLM Lab kept them have none).',
    }),
    // Every gradient any of the runs recorded, in the order of the first run that has it.
    choice: { label: 'gradient', options: (runs) => [TOTAL, ...new Set(runs.flatMap((r) => r.grads.flatMap((g) => Object.keys(g.norms))))], key: 'gradient' },
  },
];

export class ComparePage {
  private comparison: Comparison | undefined;
  private readonly legend: HTMLElement;
  private readonly charts: { chart: LineChart; panel: Panel; select?: HTMLSelectElement }[] = [];
  private readonly view: View = { gradient: TOTAL };
  private readonly table: HTMLTableElement;
  /** Sorted by this column (index into the table's columns; -1: run order), ascending or not. */
  private sort = { column: -1, ascending: true };

  constructor(
    root: HTMLElement,
    private readonly post: (m: FromCompare) => void,
  ) {
    root.classList.add('compare');
    this.legend = root.appendChild(element('div', 'compare-legend'));
    const grid = root.appendChild(element('div', 'card-grid'));
    for (const panel of PANELS) {
      const shown: { chart?: LineChart } = {};
      const card = createCard(grid, panel.title, panel.file, { svg: () => shown.chart && standaloneSvg(shown.chart.svg), csv: () => shown.chart?.csv() });
      shown.chart = new LineChart(card.body, () => this.drawCharts());
      this.charts.push({ chart: shown.chart, panel, select: panel.choice && this.choiceControl(card.caption, panel.choice) });
    }
    const tableCard = root.appendChild(element('section', 'card compare-table-card'));
    const header = tableCard.appendChild(element('header', 'card-header'));
    const title = header.appendChild(element('h2', 'card-title'));
    title.textContent = 'Results';
    const buttons = header.appendChild(element('span', 'card-exports'));
    for (const [label, format] of [['CSV', 'csv'], ['Markdown', 'markdown'], ['LaTeX', 'latex']] as const) {
      const button = buttons.appendChild(element('button', 'link-button'));
      button.textContent = label;
      button.title = `Export the table as ${label}${format === 'latex' ? ' (booktabs)' : ''}, rows in the order shown`;
      button.addEventListener('click', () => this.post({ type: 'exportTable', format, order: this.order() }));
    }
    this.table = tableCard.appendChild(element('table', 'results-table'));
    onThemeChange(() => this.draw());
  }

  show(comparison: Comparison): void {
    this.comparison = comparison;
    this.sort = { column: -1, ascending: true };
    this.draw();
  }

  private draw(): void {
    this.drawLegend();
    this.drawCharts();
    this.drawTable();
  }

  private drawLegend(): void {
    const runs = this.comparison?.runs ?? [];
    this.legend.replaceChildren(
      ...runs.map((r, i) => {
        const item = element('span', 'compare-legend-item');
        item.append(this.swatch(i), document.createTextNode(r.label));
        return item;
      }),
    );
  }

  private drawCharts(): void {
    const runs = this.comparison?.runs ?? [];
    for (const { chart, panel, select } of this.charts) {
      if (select && panel.choice) this.fillChoice(select, panel.choice.options(runs), panel.choice.key);
      chart.render(panel.spec(runs, this.view));
    }
  }

  /** A labelled <select> in a card's caption that sets `choice.key` of the view and redraws. */
  private choiceControl(caption: HTMLElement, choice: NonNullable<Panel['choice']>): HTMLSelectElement {
    const label = caption.appendChild(element('label', 'compare-choice'));
    label.textContent = `${choice.label} `;
    const select = label.appendChild(element('select'));
    select.addEventListener('change', () => {
      this.view[choice.key] = select.value;
      this.drawCharts();
    });
    return select;
  }

  /** The options for these runs; a choice they no longer offer falls back to the first. */
  private fillChoice(select: HTMLSelectElement, options: readonly string[], key: keyof View): void {
    if (!options.includes(this.view[key])) this.view[key] = options[0];
    if (select.options.length !== options.length || options.some((o, i) => select.options[i].value !== o)) {
      select.replaceChildren(...options.map((o) => Object.assign(element('option'), { value: o, textContent: o })));
    }
    select.value = this.view[key];
  }

  /** Row indices in the order shown. */
  private order(): number[] {
    const t = this.comparison?.table;
    if (!t) return [];
    const rows = t.rows.map((_, i) => i);
    const { column, ascending } = this.sort;
    if (column < 0) return rows;
    const key = (i: number): Cell => t.rows[i][column];
    return rows.sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      // Empty cells last, whatever the direction.
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return ascending ? c : -c;
    });
  }

  private drawTable(): void {
    const c = this.comparison;
    this.table.replaceChildren();
    if (!c) return;
    const head = this.table.createTHead().insertRow();
    head.appendChild(element('th')).textContent = 'run';
    c.table.columns.forEach((col, j) => {
      const th = head.appendChild(element('th', 'sortable'));
      const arrow = this.sort.column === j ? (this.sort.ascending ? ' ▲' : ' ▼') : '';
      th.textContent = col.label + arrow;
      th.title = `Sort by ${col.label}`;
      th.addEventListener('click', () => {
        this.sort = { column: j, ascending: this.sort.column === j ? !this.sort.ascending : true };
        this.drawTable();
      });
    });
    const body = this.table.createTBody();
    for (const i of this.order()) {
      const tr = body.insertRow();
      const name = tr.insertCell();
      name.append(this.swatch(i), document.createTextNode(c.runs[i].label));
      c.table.rows[i].forEach((v, j) => {
        const td = tr.insertCell();
        const digits = c.table.columns[j].digits;
        td.textContent = v === null ? '–' : typeof v === 'number' && digits !== undefined ? v.toFixed(digits) : String(v);
        if (typeof v === 'number') td.className = 'number';
      });
    }
  }

  private swatch(i: number): HTMLElement {
    const s = element('span', 'compare-swatch');
    s.style.backgroundColor = chartColour(colourOf(i));
    return s;
  }
}
