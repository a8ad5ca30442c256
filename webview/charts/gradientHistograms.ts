// Gradient histograms (makemore part 3): for each parameter's gradient, how its entries are spread
// at the latest snapshot, one small panel per gradient with its own value axis (their scales differ
// by decades). A gradient piled up at 0 with a few far tails, or one far wider than the others, is
// what the student looks for. Bar heights are on a log scale: a sparse gradient (the embedding's,
// zero but for the batch's words) puts most entries in one bin, and its tails must still show.
// The worker sends the bins, not the tensors.
import { axisBottom, pointer, scaleLinear, scaleLog, select } from 'd3';
import type { GradientHistogram } from '../../src/extension/protocol';
import type { CsvTable } from '../card';
import type { ElementSize } from '../elementSize';
import { CHART_COLOURS } from '../theme';
import { hideTooltip, showTooltip } from '../tooltip';
import { createChartSvg } from './chartSvg';
import { formatPercent, formatValue } from './format';

/** A panel is at least this wide (px); as many columns as fit. */
const PANEL_MIN_WIDTH = 180;
const PANEL_MARGIN = { top: 16, right: 10, bottom: 20, left: 10 };

interface Panel {
  histogram: GradientHistogram;
  x: number;
  y: number;
  width: number;
  height: number;
}

export class GradientHistograms {
  readonly svg: SVGSVGElement;
  private readonly size: ElementSize;
  private histograms: GradientHistogram[] = [];
  private panels: Panel[] = [];

  constructor(container: HTMLElement, onResize: () => void) {
    ({ svg: this.svg, size: this.size } = createChartSvg(container, onResize));
    this.svg.classList.add('gradient-histograms');
    this.svg.addEventListener('mousemove', (e) => this.onHover(e));
    this.svg.addEventListener('mouseleave', hideTooltip);
  }

  render(histograms: GradientHistogram[] | undefined): void {
    this.histograms = histograms ?? [];
    const svg = select(this.svg);
    svg.selectAll('*').remove();
    const { width, height } = this.size;
    if (!this.histograms.length) {
      this.panels = [];
      svg.append('text').attr('class', 'empty').attr('x', width / 2).attr('y', height / 2).text('Gradient histograms appear here after the first backward pass.');
      return;
    }
    const n = this.histograms.length;
    const columns = Math.max(1, Math.min(n, Math.floor(width / PANEL_MIN_WIDTH)));
    const rows = Math.ceil(n / columns);
    const cellW = width / columns;
    const cellH = height / rows;
    this.panels = this.histograms.map((histogram, k) => ({ histogram, x: (k % columns) * cellW, y: Math.floor(k / columns) * cellH, width: cellW, height: cellH }));
    this.panels.forEach((p, k) => this.drawPanel(p, CHART_COLOURS[k % CHART_COLOURS.length]));
  }

  csv(): CsvTable | undefined {
    if (!this.histograms.length) return undefined;
    return {
      header: ['gradient', 'bin_start', 'bin_end', 'count'],
      rows: this.histograms.flatMap((h) => h.counts.map((c, i) => [h.name, h.edges[i], h.edges[i + 1], c])),
    };
  }

  private drawPanel(p: Panel, colour: string): void {
    const { histogram: h } = p;
    const innerW = Math.max(0, p.width - PANEL_MARGIN.left - PANEL_MARGIN.right);
    const innerH = Math.max(0, p.height - PANEL_MARGIN.top - PANEL_MARGIN.bottom);
    const total = h.counts.reduce((a, b) => a + b, 0) || 1;
    const shares = h.counts.map((c) => c / total);
    const x = scaleLinear().domain([h.edges[0], h.edges[h.edges.length - 1]]).range([0, innerW]);
    // The lowest bar (one entry) stands a bit above the baseline; empty bins have none.
    const least = Math.min(1, ...shares.filter((v) => v > 0));
    const y = scaleLog().domain([least / 3, Math.max(least, ...shares)]).range([innerH, 0]).clamp(true);
    const g = select(this.svg).append('g').attr('class', 'gradient-panel').attr('transform', `translate(${p.x + PANEL_MARGIN.left},${p.y + PANEL_MARGIN.top})`);
    g.append('text').attr('class', 'panel-title').attr('x', 0).attr('y', -4).text(`${h.name} · peak bin ${formatPercent(Math.max(...shares))}`);
    g.selectAll(null)
      .data(shares)
      .join('rect')
      .attr('class', `gradient-bar fill-${colour}`)
      .attr('x', (_, i) => x(h.edges[i]) + 0.25)
      .attr('width', (_, i) => Math.max(0.5, x(h.edges[i + 1]) - x(h.edges[i]) - 0.5))
      .attr('y', (s) => (s > 0 ? y(s) : innerH))
      .attr('height', (s) => (s > 0 ? innerH - y(s) : 0));
    // The ends of the range, whatever its scale, and 0 where it lies inside.
    const [lo, hi] = x.domain();
    const axis = g.append('g').attr('class', 'axis').attr('transform', `translate(0,${innerH})`);
    axis.call(axisBottom(x).tickValues(lo < 0 && hi > 0 ? [0] : []).tickFormat(() => '0').tickSizeOuter(0));
    axis.append('text').attr('x', 0).attr('y', 14).attr('text-anchor', 'start').text(formatValue(lo));
    axis.append('text').attr('x', innerW).attr('y', 14).attr('text-anchor', 'end').text(formatValue(hi));
  }

  private onHover(e: MouseEvent): void {
    const [px, py] = pointer(e, this.svg);
    const p = this.panels.find((q) => px >= q.x && px < q.x + q.width && py >= q.y && py < q.y + q.height);
    if (!p) return hideTooltip();
    const h = p.histogram;
    const bins = h.counts.length;
    const innerW = p.width - PANEL_MARGIN.left - PANEL_MARGIN.right;
    const i = Math.floor(((px - p.x - PANEL_MARGIN.left) / innerW) * bins);
    if (i < 0 || i >= bins) return hideTooltip();
    const total = h.counts.reduce((a, b) => a + b, 0) || 1;
    showTooltip(e.pageX, e.pageY, [
      `${h.name}: ${formatValue(h.edges[i])} ≤ g < ${formatValue(h.edges[i + 1])}`,
      `${formatPercent(h.counts[i] / total)} of the entries (${h.counts[i]})`,
    ]);
  }
}

/** Which snapshot the histograms show. */
export function gradientHistogramsCaption(histograms: GradientHistogram[] | undefined): string {
  return histograms?.length ? `Entries of each gradient at the latest snapshot: ${histograms[0].counts.length} bins from its least to its greatest value, heights on a log scale.` : '';
}
