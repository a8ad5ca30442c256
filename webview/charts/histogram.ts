// Histogram of the hidden activations H of the latest mini-batch, as a share of all N×P values.
import { axisBottom, axisLeft, pointer, scaleLinear, select } from 'd3';
import type { HiddenStats } from '../../src/extension/protocol';
import type { CsvTable } from '../card';
import type { ElementSize } from '../elementSize';
import { createChartSvg } from './chartSvg';
import { type DashboardState, hiddenActivation } from '../state';
import { hideTooltip, showTooltip } from '../tooltip';
import { formatPercent, formatValue } from './format';
import { saturates } from './saturationChart';

const MARGIN = { top: 12, right: 14, bottom: 34, left: 56 };

export interface HistogramSpec {
  stats: HiddenStats | undefined;
  activation: string;
}

export class HiddenHistogram {
  readonly svg: SVGSVGElement;
  private readonly size: ElementSize;
  private spec: HistogramSpec | undefined;

  constructor(container: HTMLElement, onResize: () => void) {
    ({ svg: this.svg, size: this.size } = createChartSvg(container, onResize));
    this.svg.addEventListener('mousemove', (e) => this.onHover(e));
    this.svg.addEventListener('mouseleave', hideTooltip);
  }

  render(spec: HistogramSpec): void {
    this.spec = spec;
    const svg = select(this.svg);
    svg.selectAll('*').remove();
    const { width, height } = this.size;
    const stats = spec.stats;
    if (!stats || !stats.counts.length) {
      svg.append('text').attr('class', 'empty').attr('x', width / 2).attr('y', height / 2).text('The histogram of the hidden activations appears after a forward pass.');
      return;
    }
    const innerW = width - MARGIN.left - MARGIN.right;
    const innerH = height - MARGIN.top - MARGIN.bottom;
    const total = stats.counts.reduce((a, b) => a + b, 0) || 1;
    const shares = stats.counts.map((c) => c / total);
    const x = scaleLinear().domain([stats.edges[0], stats.edges[stats.edges.length - 1]]).range([0, innerW]);
    const y = scaleLinear().domain([0, Math.max(...shares, 1e-9)]).nice().range([innerH, 0]);
    const plot = svg.append('g').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
    const yTicks = Math.max(2, Math.floor(innerH / 36));
    plot.append('g').attr('class', 'grid').call(axisLeft(y).ticks(yTicks).tickSize(-innerW).tickFormat(() => ''));
    plot
      .selectAll(null)
      .data(shares)
      .join('rect')
      .attr('class', 'bar')
      .attr('x', (_, i) => x(stats.edges[i]) + 0.5)
      .attr('width', (_, i) => Math.max(0, x(stats.edges[i + 1]) - x(stats.edges[i]) - 1))
      .attr('y', (s) => y(s))
      .attr('height', (s) => innerH - y(s));
    plot.append('g').attr('class', 'axis').call(axisLeft(y).ticks(yTicks, '~%').tickSizeOuter(0));
    plot
      .append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(0,${innerH})`)
      .call(axisBottom(x).ticks(Math.max(2, Math.floor(innerW / 60))).tickSizeOuter(0));
    svg
      .append('text')
      .attr('class', 'axis-title')
      .attr('x', MARGIN.left + innerW)
      .attr('y', MARGIN.top + innerH + 30)
      .attr('text-anchor', 'end')
      .text(`hidden value h = ${spec.activation}(z)`);
    svg
      .append('text')
      .attr('class', 'axis-title')
      .attr('transform', `translate(12,${MARGIN.top + innerH / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text('share of values');
  }

  csv(): CsvTable | undefined {
    const stats = this.spec?.stats;
    if (!stats) return undefined;
    return {
      header: ['bin_start', 'bin_end', 'count'],
      rows: stats.counts.map((c, i) => [stats.edges[i], stats.edges[i + 1], c]),
    };
  }

  private onHover(e: MouseEvent): void {
    const stats = this.spec?.stats;
    if (!stats) return;
    const [px] = pointer(e, this.svg);
    const { width } = this.size;
    const bins = stats.counts.length;
    const i = Math.floor(((px - MARGIN.left) / (width - MARGIN.left - MARGIN.right)) * bins);
    if (i < 0 || i >= bins) return hideTooltip();
    const total = stats.counts.reduce((a, b) => a + b, 0) || 1;
    showTooltip(e.pageX, e.pageY, [
      `${formatValue(stats.edges[i])} ≤ h < ${formatValue(stats.edges[i + 1])}`,
      `${formatPercent(stats.counts[i] / total)} of the values (${stats.counts[i]})`,
    ]);
  }
}

export function histogramCaption(state: DashboardState): string {
  const h = state.hidden;
  if (!h) return '';
  const parts = [`${h.units} units, latest mini-batch`];
  if (saturates(state)) parts.push(`${formatPercent(h.saturated)} saturated`);
  if (hiddenActivation(state) === 'relu') parts.push(`${h.deadUnits} dead units`);
  return parts.join(' · ');
}
