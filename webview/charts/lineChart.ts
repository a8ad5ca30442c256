// Series-against-step chart in SVG with d3: axes, legend, optional log x and y, reference lines,
// bands of bucketed values and a hover read-out. The loss, accuracy, gradient-norm and saturation
// panels are specs for it.
import { axisBottom, axisLeft, bisector, format, line, pointer, scaleLinear, scaleLog, select } from 'd3';
import type { ScaleContinuousNumeric, Selection } from 'd3';
import type { CsvTable } from '../card';
import type { ElementSize } from '../elementSize';
import { createChartSvg } from './chartSvg';
import { bucketBand, ColumnEnvelope, decimateByPixel } from '../series';
import { ChartColour, chartFont } from '../theme';
import { hideTooltip, showTooltip } from '../tooltip';
import { textWidth } from './textWidth';

export interface LineSeries {
  label: string;
  colour: ChartColour;
  x: readonly number[];
  y: readonly number[];
  /** line: solid; faint: thin and translucent (raw values under a smoothed line); points: markers joined by a dashed line. */
  style: 'line' | 'faint' | 'points';
  /** For a faint series of buckets (y their means): the steps buckets cover and their least and
   *  greatest values, drawn as the band they fill. */
  buckets?: BandData;
}

export interface BandData {
  from: readonly number[];
  to: readonly number[];
  lo: readonly number[];
  hi: readonly number[];
  /** Every bucket holds one value. */
  single: boolean;
}

export interface ReferenceLine {
  y: number;
  label: string;
}

export interface LineChartSpec {
  xLabel: string;
  /** What the hover read-out calls an x value (default "step"). */
  xName?: string;
  /** The x values to label (time steps), instead of ticks the scale chooses. */
  xTicks?: readonly number[];
  yLabel: string;
  log?: boolean;
  /** Steps on a log axis from step 1. */
  logX?: boolean;
  /** Values are fractions shown as percentages on the axis. */
  percent?: boolean;
  /** Format of values in the hover read-out. */
  yFormat: (v: number) => string;
  /** Values kept inside the y-range whatever the data (e.g. 0 for percentages). */
  yInclude?: number[];
  references?: ReferenceLine[];
  series: LineSeries[];
  /** Shown instead of the chart while no series has data. */
  empty: string;
  /** A vertical line at a step: where a rewound run is. */
  marker?: { x: number; label: string };
  /** Clicking the plot picks its step (the loss and accuracy curves: rewind there); the read-out says so. */
  pickHint?: string;
  /** Draw the legend in the chart (default); off where the page shows one for several charts. */
  legend?: boolean;
}

const MARGIN = { top: 24, right: 14, bottom: 34, left: 56 };
/** Points series answer the hover only this close (px), so epoch values are not read far away. */
const POINT_HOVER_PX = 24;
/** Raw values with more points than this per pixel column are drawn as the band they fill. */
const BAND_MIN_PER_COLUMN = 2;
const formatStep = format(',');
const formatAxisStep = format('~s');

type Svg = Selection<SVGSVGElement, unknown, null, undefined>;

export class LineChart {
  readonly svg: SVGSVGElement;
  private readonly size: ElementSize;
  private spec: LineChartSpec | undefined;
  /** The drawn points of each series (finite, positive on a log scale). */
  private visible: LineSeries[] = [];
  /** Crosshair and dots, redrawn alone as the pointer moves. */
  private hoverLayer: SVGGElement | undefined;
  private hoverPx: number | undefined;
  private x: ScaleContinuousNumeric<number, number> = scaleLinear();
  private y: ScaleContinuousNumeric<number, number> = scaleLinear();
  /** Called with the step under a click, when the spec has a pickHint. */
  onPick: ((step: number) => void) | undefined;

  constructor(container: HTMLElement, onResize: () => void) {
    ({ svg: this.svg, size: this.size } = createChartSvg(container, onResize));
    this.svg.addEventListener('mousemove', (e) => this.onHover(e));
    this.svg.addEventListener('click', (e) => {
      const step = this.stepAt(e);
      if (step !== undefined && this.spec?.pickHint) this.onPick?.(step);
    });
    this.svg.addEventListener('mouseleave', () => {
      this.hoverPx = undefined;
      hideTooltip();
      this.drawHover();
    });
  }

  render(spec: LineChartSpec): void {
    this.spec = spec;
    this.draw();
  }

  /** Long format, one row per point: series, x, y; a band's least and greatest values as series
   *  of their own ("… (min)", "… (max)"). */
  csv(): CsvTable | undefined {
    if (!this.spec) return undefined;
    const rows: (string | number)[][] = [];
    for (const s of this.spec.series) {
      for (let i = 0; i < s.x.length; i++) rows.push([s.label, s.x[i], s.y[i]]);
      const b = s.buckets;
      if (!b || b.single) continue;
      for (let i = 0; i < b.lo.length; i++) rows.push([`${s.label} (min)`, (b.from[i] + b.to[i]) / 2, b.lo[i]]);
      for (let i = 0; i < b.hi.length; i++) rows.push([`${s.label} (max)`, (b.from[i] + b.to[i]) / 2, b.hi[i]]);
    }
    return { header: ['series', this.spec.xLabel, this.spec.yLabel], rows };
  }

  private draw(): void {
    const spec = this.spec;
    const svg = select(this.svg);
    svg.selectAll('*').remove();
    this.hoverLayer = undefined;
    if (!spec) return;
    const { width, height } = this.size;
    const series = spec.series.map((s) => visiblePoints(s, spec.log ?? false, spec.logX ?? false));
    this.visible = series;
    const xs = series.flatMap((s) => s.x);
    // A band's envelope stays inside the plot.
    const ys = series.flatMap((s) => (s.buckets ? [...s.y, ...s.buckets.lo, ...s.buckets.hi] : s.y));
    if (!xs.length || width < MARGIN.left + MARGIN.right + 20) {
      svg.append('text').attr('class', 'empty').attr('x', width / 2).attr('y', height / 2).text(spec.empty);
      return;
    }
    const innerW = width - MARGIN.left - MARGIN.right;
    const innerH = height - MARGIN.top - MARGIN.bottom;
    const xMax = Math.max(...xs);
    this.x = spec.logX ? scaleLog().domain([1, Math.max(xMax, 10)]).range([0, innerW]) : scaleLinear().domain([0, xMax > 0 ? xMax : 1]).range([0, innerW]);
    this.y = yScale(spec, ys).range([innerH, 0]);

    const plot = svg.append('g').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
    this.drawAxes(svg, plot, spec, innerW, innerH);
    for (const ref of spec.references ?? []) {
      const [lo, hi] = this.y.domain();
      if (ref.y < Math.min(lo, hi) || ref.y > Math.max(lo, hi)) continue;
      const yPx = this.y(ref.y);
      plot.append('line').attr('class', 'reference').attr('x1', 0).attr('x2', innerW).attr('y1', yPx).attr('y2', yPx);
      plot.append('text').attr('class', 'reference-label').attr('x', innerW - 4).attr('y', yPx - 4).text(ref.label);
    }
    for (const s of series) {
      const xPixels = s.x.map((x) => this.x(x));
      // Raw values too dense to tell apart, and buckets of several, are the band they fill.
      const b = s.buckets;
      const band = s.style === 'faint' && b ? bucketBand(b.from.map(this.x), b.to.map(this.x), b.lo, b.hi, b.single, BAND_MIN_PER_COLUMN) : undefined;
      if (band) {
        plot.append('path').attr('class', `series-band fill-${s.colour}`).attr('d', bandPath(band, this.y));
        continue;
      }
      const toPath = line<number>()
        .x((i) => xPixels[i])
        .y((i) => this.y(s.y[i]));
      const indices = decimateByPixel(xPixels, s.y);
      const d = toPath(indices) ?? '';
      // A background-coloured outline keeps solid lines readable over the raw values and each other.
      if (s.style === 'line') plot.append('path').attr('class', 'series halo').attr('d', d);
      plot.append('path').attr('class', `series series-${s.style} stroke-${s.colour}`).attr('d', d);
      if (s.style === 'points') {
        plot
          .selectAll(null)
          .data(indices)
          .join('circle')
          .attr('class', `marker fill-${s.colour}`)
          .attr('r', 3.5)
          .attr('cx', (i) => this.x(s.x[i]))
          .attr('cy', (i) => this.y(s.y[i]));
      }
    }
    if (spec.marker) {
      const xPx = this.x(Math.max(spec.logX ? 1 : 0, spec.marker.x));
      plot.append('line').attr('class', 'time-marker').attr('x1', xPx).attr('x2', xPx).attr('y1', 0).attr('y2', innerH);
      const anchor = xPx > innerW / 2 ? 'end' : 'start';
      plot.append('text').attr('class', 'time-marker-label').attr('x', xPx + (anchor === 'end' ? -4 : 4)).attr('y', 10).attr('text-anchor', anchor).text(spec.marker.label);
    }
    this.svg.classList.toggle('pickable', !!spec.pickHint);
    if (spec.legend !== false) this.drawLegend(svg, spec.series);
    this.hoverLayer = plot.append('g').node() ?? undefined;
    this.drawHover();
  }

  private drawAxes(svg: Svg, plot: Selection<SVGGElement, unknown, null, undefined>, spec: LineChartSpec, innerW: number, innerH: number): void {
    const yTicks = Math.max(2, Math.floor(innerH / 36));
    const yAxis = axisLeft(this.y).tickSizeOuter(0);
    const grid = axisLeft(this.y).tickSize(-innerW).tickFormat(() => '');
    if (spec.log) {
      yAxis.ticks(yTicks, (v: number | { valueOf(): number }) => logTick(Number(v)));
      grid.tickValues(this.y.ticks(yTicks).filter((v) => logTick(v) !== ''));
    } else {
      yAxis.ticks(yTicks, spec.percent ? '~%' : undefined);
      grid.ticks(yTicks);
    }
    plot.append('g').attr('class', 'grid').call(grid);
    plot.append('g').attr('class', 'axis').call(yAxis);
    const xAxis = axisBottom(this.x).tickFormat((v) => formatAxisStep(Number(v))).tickSizeOuter(0);
    // A log step axis is labelled at the powers of ten (1, 10, 100, 1k, …).
    if (spec.xTicks) xAxis.tickValues(spec.xTicks);
    else if (spec.logX) xAxis.tickValues(this.x.ticks().filter((v) => logTick(v) !== ''));
    else xAxis.ticks(Math.max(2, Math.floor(innerW / 70)));
    plot.append('g').attr('class', 'axis').attr('transform', `translate(0,${innerH})`).call(xAxis);
    svg
      .append('text')
      .attr('class', 'axis-title')
      .attr('x', MARGIN.left + innerW)
      .attr('y', MARGIN.top + innerH + 30)
      .attr('text-anchor', 'end')
      .text(spec.xLabel);
    svg
      .append('text')
      .attr('class', 'axis-title')
      .attr('transform', `translate(12,${MARGIN.top + innerH / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text(spec.yLabel);
  }

  private drawLegend(svg: Svg, series: LineSeries[]): void {
    const font = chartFont();
    let x = MARGIN.left;
    for (const s of series) {
      const item = svg.append('g').attr('transform', `translate(${x},12)`);
      item
        .append('line')
        .attr('class', `series series-${s.style} legend-swatch stroke-${s.colour}`)
        .attr('x1', 0)
        .attr('x2', 18)
        .attr('y1', 0)
        .attr('y2', 0);
      if (s.style === 'points') item.append('circle').attr('class', `marker fill-${s.colour}`).attr('cx', 9).attr('r', 3.5);
      item.append('text').attr('class', 'legend').attr('x', 23).attr('dy', '0.35em').text(s.label);
      x += 23 + textWidth(s.label, font) + 16;
    }
  }

  private onHover(e: MouseEvent): void {
    const [px] = pointer(e, this.svg);
    this.hoverPx = px - MARGIN.left;
    const points = this.drawHover();
    if (!this.spec || this.hoverPx < 0 || this.hoverPx > this.x.range()[1]) return hideTooltip();
    const step = Math.max(0, Math.round(this.x.invert(this.hoverPx)));
    const format = this.spec.yFormat;
    const hint = this.spec.pickHint ? [this.spec.pickHint] : [];
    showTooltip(e.pageX, e.pageY, [`${this.spec.xName ?? 'step'} ${formatStep(step)}`, ...points.map((p) => `${p.series.label}: ${format(p.y)}`), ...hint]);
  }

  /** The step under the pointer, when it is over the plot. */
  private stepAt(e: MouseEvent): number | undefined {
    const px = pointer(e, this.svg)[0] - MARGIN.left;
    if (!this.spec || px < 0 || px > this.x.range()[1]) return undefined;
    return Math.max(0, Math.round(this.x.invert(px)));
  }

  /** Draws the crosshair at the pointer and a dot on each series; returns the points it marked. */
  private drawHover(): { series: LineSeries; x: number; y: number }[] {
    const layer = this.hoverLayer;
    if (!layer) return [];
    layer.replaceChildren();
    const px = this.hoverPx;
    if (px === undefined || px < 0 || px > this.x.range()[1]) return [];
    const points = this.visible.flatMap((s) => this.nearest(s));
    const g = select(layer);
    g.append('line').attr('class', 'hover-rule').attr('x1', px).attr('x2', px).attr('y1', 0).attr('y2', this.y.range()[0]);
    for (const p of points) {
      g.append('circle').attr('class', `hover-dot stroke-${p.series.colour}`).attr('r', 4).attr('cx', this.x(p.x)).attr('cy', this.y(p.y));
    }
    return points;
  }

  /** The point of a (visible) series nearest the pointer; markers answer only when close. */
  private nearest(s: LineSeries): { series: LineSeries; x: number; y: number }[] {
    if (!s.x.length || this.hoverPx === undefined) return [];
    const j = bisector((v: number) => v).center(s.x, this.x.invert(this.hoverPx));
    if (s.style === 'points' && Math.abs(this.x(s.x[j]) - this.hoverPx) > POINT_HOVER_PX) return [];
    return [{ series: s, x: s.x[j], y: s.y[j] }];
  }
}

/** A band's outline: along the greatest values left to right, back along the least; at least a
 *  pixel high, so that a column holding one value still shows. */
function bandPath(band: ColumnEnvelope, y: ScaleContinuousNumeric<number, number>): string {
  const top: string[] = [];
  const bottom: string[] = [];
  for (let i = 0; i < band.x.length; i++) {
    const [hi, lo] = [y(band.hi[i]), y(band.lo[i])];
    const mid = (hi + lo) / 2;
    const x = band.x[i].toFixed(1);
    top.push(`${x},${Math.min(hi, mid - 0.5).toFixed(1)}`);
    bottom.push(`${x},${Math.max(lo, mid + 0.5).toFixed(1)}`);
  }
  return `M${top.join('L')}L${bottom.reverse().join('L')}Z`;
}

/** The points the scales can draw: finite, and positive on a log y scale; on a log step axis
 *  steps before 1 (a run's state before its first iteration) are drawn at 1. */
function visiblePoints(s: LineSeries, log: boolean, logX: boolean): LineSeries {
  const atLeast = logX ? 1 : -Infinity;
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < s.x.length; i++) {
    const v = s.y[i];
    if (Number.isFinite(v) && Number.isFinite(s.x[i]) && (!log || v > 0)) {
      x.push(Math.max(atLeast, s.x[i]));
      y.push(v);
    }
  }
  const b = s.buckets;
  const band = { from: [] as number[], to: [] as number[], lo: [] as number[], hi: [] as number[], single: b?.single ?? true };
  for (let i = 0; b && i < b.lo.length; i++) {
    if (!Number.isFinite(b.lo[i]) || !Number.isFinite(b.hi[i]) || (log && b.lo[i] <= 0)) continue;
    band.from.push(Math.max(atLeast, b.from[i]));
    band.to.push(Math.max(atLeast, b.to[i]));
    band.lo.push(b.lo[i]);
    band.hi.push(b.hi[i]);
  }
  return { ...s, x, y, buckets: b && band };
}

function yScale(spec: LineChartSpec, ys: number[]): ScaleContinuousNumeric<number, number> {
  const values = ys.concat(spec.yInclude ?? []);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (spec.log) {
    if (!(hi > lo)) [lo, hi] = [lo / 2, hi * 2];
    return scaleLog().domain([lo, hi]).nice();
  }
  if (!(hi > lo)) [lo, hi] = [lo - 1, hi + 1];
  return scaleLinear().domain([lo, hi]).nice();
}

/** Log axis labels only at powers of ten, written 1e-3 … 1e+2 style. */
function logTick(v: number): string {
  const exponent = Math.log10(v);
  if (Math.abs(exponent - Math.round(exponent)) > 1e-6) return '';
  return Math.round(exponent) === 0 ? '1' : `1e${Math.round(exponent)}`;
}
