// A weight matrix as a heatmap: one cell per entry on a canvas (up to millions of cells: W3 is
// 128×8000 at V = 8000), axes and colour legend in an SVG overlay, and a tooltip naming the cell's
// row and column. The whole matrix shows first (an overview, averaged where cells are smaller than
// a pixel); the wheel zooms into a window of it, dragging pans, a double-click shows it all again.
// The word axis (W1's rows, W3's columns) is in vocabulary order (a text corpus's: by frequency),
// or shows the words of a chosen list in its order.
import { axisBottom, axisLeft, axisRight, pointer, range, scaleLinear, select } from 'd3';
import type { RunInfo, TensorData } from '../src/extension/protocol';
import type { CsvTable } from './card';
import { formatValue } from './charts/format';
import { standaloneSvg } from './export';
import { ElementSize } from './elementSize';
import { TensorAxes, tensorAxes } from './tensorLabels';
import { divergingColours } from './theme';
import { hideTooltip, showTooltip } from './tooltip';
import { pickWordAxis } from './wordOrder';

const MARGIN = { top: 10, right: 96, bottom: 44, left: 64 };
/** Extra room for word ticks: beside the rows, and rotated under the columns. */
const WORD_ROWS_EXTRA = 40;
const WORD_COLUMNS_EXTRA = 40;
/** Cells may be at most this much wider than tall (or taller than wide): W1 is 250×16. */
const MAX_CELL_ASPECT = 8;
/** The colour scale ends at this quantile of |value|, so one outlier does not wash out the rest. */
const SCALE_QUANTILE = 0.99;
const LUT_STEPS = 256;
/** Wheel zoom factor per 100 px of scrolling, and the fewest cells a zoomed window keeps per axis. */
const ZOOM_PER_100PX = 1.5;
const MIN_WINDOW_CELLS = 8;

/** The part of the matrix on screen, in cells (fractional while zooming). */
interface Window {
  row0: number;
  rows: number;
  col0: number;
  cols: number;
}

/** The cells drawn: the matrix, or its word axis picked in a chosen order; and each drawn row's and column's index in the matrix. */
interface Shown {
  values: ArrayLike<number>;
  rows: number;
  cols: number;
  rowOf: (i: number) => number;
  colOf: (j: number) => number;
  /** Whether the word axis follows a chosen list. */
  listed: boolean;
}

interface Layout {
  rows: number;
  cols: number;
  /** Plot position and size in the container. */
  left: number;
  top: number;
  width: number;
  height: number;
}

export class Heatmap {
  private readonly overlay: SVGSVGElement;
  private readonly canvas: HTMLCanvasElement;
  /** One pixel per matrix entry; scaled up onto the visible canvas and into exports. */
  private readonly pixels: HTMLCanvasElement;
  private readonly hoverCell: SVGRectElement;
  private readonly size: ElementSize;
  private data: TensorData | undefined;
  private shown: Shown | undefined;
  /** Vocabulary indices to show on the word axis, in this order (undefined: all, in vocabulary order). */
  private wordOrder: readonly number[] | undefined;
  private axes: TensorAxes | undefined;
  private layout: Layout | undefined;
  private scaleMax = 1;
  private window: Window | undefined;
  /** The matrix the window belongs to (name and shape): another one starts from the whole. */
  private windowOf = '';
  private drag: { x: number; y: number; window: Window } | undefined;

  constructor(container: HTMLElement, onResize: () => void) {
    container.classList.add('heatmap');
    this.size = new ElementSize(container, onResize);
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'heatmap-canvas';
    this.overlay = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    this.overlay.classList.add('chart', 'heatmap-overlay');
    this.hoverCell = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    this.hoverCell.classList.add('hover-cell');
    this.pixels = document.createElement('canvas');
    // The overlay lies on top (axes, hovered cell) but lets the pointer through to the canvas.
    container.append(this.canvas, this.overlay);
    this.canvas.addEventListener('mousemove', (e) => (this.drag ? this.onDrag(e) : this.onHover(e)));
    this.canvas.addEventListener('mouseleave', () => {
      this.hoverCell.remove();
      hideTooltip();
      this.drag = undefined;
    });
    this.canvas.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.canvas.addEventListener('mousedown', (e) => {
      if (this.window) this.drag = { x: e.clientX, y: e.clientY, window: { ...this.window } };
    });
    this.canvas.addEventListener('mouseup', () => (this.drag = undefined));
    this.canvas.addEventListener('dblclick', () => this.setWindow(undefined));
  }

  /** Whether a window smaller than the whole matrix is shown. */
  get zoomed(): boolean {
    const { window: w, layout } = this;
    return !!w && !!layout && (w.rows < layout.rows || w.cols < layout.cols);
  }

  /** The largest |value| the colours distinguish (cells beyond it get the end colours). */
  get colourLimit(): number {
    return this.scaleMax;
  }

  /** The words a list picked for the word axis, in its order; undefined for the whole vocabulary. Applies at the next render. */
  setWordOrder(order: readonly number[] | undefined): void {
    this.wordOrder = order?.length ? order : undefined;
  }

  render(data: TensorData | undefined, info: RunInfo | undefined): void {
    this.data = data;
    const svg = select(this.overlay);
    svg.selectAll('*').remove();
    const { width, height } = this.size;
    if (!data || !data.values.length) {
      this.canvas.hidden = true;
      this.layout = undefined;
      svg.append('text').attr('class', 'empty').attr('x', width / 2).attr('y', height / 2).text('Waiting for the weights…');
      return;
    }
    this.axes = tensorAxes(data.name, data.shape, info);
    const shown = this.pick(data, this.axes);
    this.shown = shown;
    const { rows, cols } = shown;
    const of = `${data.name} ${rows}×${cols} ${shown.listed ? (this.wordOrder ?? []).join(',') : ''}`;
    if (of !== this.windowOf) this.window = undefined;
    this.windowOf = of;
    this.window ??= { row0: 0, rows, col0: 0, cols };
    // The colours span the whole matrix's values, so a list's cells compare with the overview's.
    this.scaleMax = colourLimit(data.values);
    this.paintPixels(shown.values, rows, cols);
    const left = MARGIN.left + (this.axes.rows.words ? WORD_ROWS_EXTRA : 0);
    const bottom = MARGIN.bottom + (this.axes.columns.words ? WORD_COLUMNS_EXTRA : 0);
    this.layout = { rows, cols, left, top: MARGIN.top, ...fitCells(rows, cols, width - left - MARGIN.right, height - MARGIN.top - bottom) };
    this.draw();
  }

  /** The matrix as drawn: with a word list, its word axis picked in the list's order (a whole matrix only, not a slice of rows). */
  private pick(data: TensorData, axes: TensorAxes): Shown {
    const rows = data.shape.length > 1 ? data.rows : 1;
    const cols = data.values.length / rows;
    const order = this.wordOrder;
    const axis = axes.rows.words ? 'rows' : axes.columns.words ? 'columns' : undefined;
    if (!order || !axis || data.rowStart !== 0) return { values: data.values, rows, cols, rowOf: (i) => data.rowStart + i, colOf: (j) => j, listed: false };
    const limit = axis === 'rows' ? rows : cols;
    const valid = order.filter((w) => w < limit);
    return {
      values: pickWordAxis(data.values, rows, cols, axis, valid),
      rows: axis === 'rows' ? valid.length : rows,
      cols: axis === 'columns' ? valid.length : cols,
      rowOf: axis === 'rows' ? (i) => valid[i] : (i) => i,
      colOf: axis === 'columns' ? (j) => valid[j] : (j) => j,
      listed: true,
    };
  }

  /** Canvas and axes for the current window (no new pixels: zooming and panning only redraw). */
  private draw(): void {
    const { layout, axes, window: w } = this;
    if (!layout || !axes || !w) return;
    select(this.overlay).selectAll('*').remove();
    this.hoverCell.remove();
    this.paintCanvas(layout, w);
    this.drawAxes(layout, axes, w);
    this.drawLegend(layout);
  }

  /** Shows `w` (clamped to the matrix), or the whole matrix. */
  private setWindow(w: Window | undefined): void {
    const { layout } = this;
    if (!layout) return;
    const whole = { row0: 0, rows: layout.rows, col0: 0, cols: layout.cols };
    if (!w) {
      this.window = whole;
    } else {
      const rows = Math.min(layout.rows, Math.max(Math.min(layout.rows, MIN_WINDOW_CELLS), w.rows));
      const cols = Math.min(layout.cols, Math.max(Math.min(layout.cols, MIN_WINDOW_CELLS), w.cols));
      this.window = {
        rows,
        cols,
        row0: Math.max(0, Math.min(layout.rows - rows, w.row0)),
        col0: Math.max(0, Math.min(layout.cols - cols, w.col0)),
      };
    }
    this.draw();
  }

  /** Zooms both axes around the cell under the pointer. */
  private onWheel(e: WheelEvent): void {
    const { layout, window: w } = this;
    if (!layout || !w) return;
    e.preventDefault();
    const factor = Math.pow(ZOOM_PER_100PX, e.deltaY / 100);
    const [px, py] = pointer(e, this.canvas);
    const fx = px / layout.width;
    const fy = py / layout.height;
    const rows = Math.min(layout.rows, Math.max(Math.min(layout.rows, MIN_WINDOW_CELLS), w.rows * factor));
    const cols = Math.min(layout.cols, Math.max(Math.min(layout.cols, MIN_WINDOW_CELLS), w.cols * factor));
    this.setWindow({ row0: w.row0 + fy * (w.rows - rows), rows, col0: w.col0 + fx * (w.cols - cols), cols });
  }

  private onDrag(e: MouseEvent): void {
    const { layout, drag } = this;
    if (!layout || !drag) return;
    const w = drag.window;
    const dRows = ((e.clientY - drag.y) / layout.height) * w.rows;
    const dCols = ((e.clientX - drag.x) / layout.width) * w.cols;
    this.setWindow({ ...w, row0: w.row0 - dRows, col0: w.col0 - dCols });
  }

  /** The overlay with the cells embedded as an image. */
  exportSvg(): SVGSVGElement | undefined {
    if (!this.layout) return undefined;
    const svg = standaloneSvg(this.overlay);
    // Cropped after the colour legend: the overlay spans the whole card.
    const width = String(Math.min(Number(svg.getAttribute('width')), this.layout.left + this.layout.width + MARGIN.right));
    svg.setAttribute('width', width);
    svg.setAttribute('viewBox', `0 0 ${width} ${svg.getAttribute('height')}`);
    const image = document.createElementNS('http://www.w3.org/2000/svg', 'image');
    image.setAttribute('href', this.pixels.toDataURL('image/png'));
    image.setAttribute('x', String(this.layout.left));
    image.setAttribute('y', String(this.layout.top));
    image.setAttribute('width', String(this.layout.width));
    image.setAttribute('height', String(this.layout.height));
    image.setAttribute('preserveAspectRatio', 'none');
    image.setAttribute('image-rendering', 'pixelated');
    svg.insertBefore(image, svg.children[1] ?? null);
    return svg;
  }

  /** The matrix with its row and column labels. */
  csv(): CsvTable | undefined {
    const { data, axes, layout, shown } = this;
    if (!data || !axes || !layout || !shown) return undefined;
    const header = [`${data.name} (${axes.rows.title} \\ ${axes.columns.title})`, ...range(layout.cols).map((j) => axes.columns.label(shown.colOf(j)))];
    const rows = range(layout.rows).map((i) => [axes.rows.label(shown.rowOf(i)), ...Array.from({ length: layout.cols }, (_, j) => shown.values[i * layout.cols + j])]);
    return { header, rows };
  }

  private paintPixels(values: ArrayLike<number>, rows: number, cols: number): void {
    const lut = colourTable();
    this.pixels.width = cols;
    this.pixels.height = rows;
    const ctx = this.pixels.getContext('2d');
    if (!ctx) return;
    const image = ctx.createImageData(cols, rows);
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      const t = Number.isFinite(v) ? Math.max(-1, Math.min(1, v / this.scaleMax)) : 0;
      const c = lut[Math.round(((t + 1) / 2) * (LUT_STEPS - 1))];
      image.data.set(c, k * 4);
    }
    ctx.putImageData(image, 0, 0);
  }

  private paintCanvas(layout: Layout, w: Window): void {
    const dpr = window.devicePixelRatio || 1;
    this.canvas.hidden = false;
    this.canvas.width = Math.round(layout.width * dpr);
    this.canvas.height = Math.round(layout.height * dpr);
    this.canvas.style.width = `${layout.width}px`;
    this.canvas.style.height = `${layout.height}px`;
    this.canvas.style.left = `${layout.left}px`;
    this.canvas.style.top = `${layout.top}px`;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    // Along an axis with more cells than pixels the cells are averaged (an overview where no row
    // is silently skipped), along the other each cell stays a sharp block: the window is first
    // shrunk, smoothly, to at most a pixel per cell, then enlarged without smoothing.
    const { width, height } = this.canvas;
    if (w.rows <= height && w.cols <= width) {
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(this.pixels, w.col0, w.row0, w.cols, w.rows, 0, 0, width, height);
      return;
    }
    const shrunk = document.createElement('canvas');
    shrunk.width = w.cols > width ? width : Math.max(1, Math.round(w.cols));
    shrunk.height = w.rows > height ? height : Math.max(1, Math.round(w.rows));
    const small = shrunk.getContext('2d');
    if (!small) return;
    small.imageSmoothingEnabled = true;
    small.imageSmoothingQuality = 'high';
    small.drawImage(this.pixels, w.col0, w.row0, w.cols, w.rows, 0, 0, shrunk.width, shrunk.height);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(shrunk, 0, 0, width, height);
  }

  private drawAxes(layout: Layout, axes: TensorAxes, w: Window): void {
    const svg = select(this.overlay);
    const shown = this.shown;
    const rowOf = shown?.rowOf ?? ((i: number) => i);
    const colOf = shown?.colOf ?? ((j: number) => j);
    const listed = (a: { words: boolean }): string => (shown?.listed && a.words ? ', word list' : '');
    const plot = svg.append('g').attr('transform', `translate(${layout.left},${layout.top})`);
    const y = scaleLinear().domain([w.row0, w.row0 + w.rows]).range([0, layout.height]);
    const x = scaleLinear().domain([w.col0, w.col0 + w.cols]).range([0, layout.width]);
    const rowAxis = axisLeft(y).tickSizeOuter(0);
    if (axes.rows.blocks.length && w.rows === layout.rows) {
      rowAxis.tickValues(axes.rows.blocks.map((b) => b.start + b.size / 2)).tickFormat((_, i) => axes.rows.blocks[i].label);
      for (const b of axes.rows.blocks.slice(1)) {
        plot.append('line').attr('class', 'separator').attr('x1', 0).attr('x2', layout.width).attr('y1', y(b.start)).attr('y2', y(b.start));
      }
    } else {
      rowAxis.tickValues(cellTicks(w.row0, w.row0 + w.rows, layout.height / 22)).tickFormat((v) => axes.rows.tick(rowOf(Math.floor(Number(v)))));
    }
    plot.append('g').attr('class', 'axis').call(rowAxis);
    const columnAxis = plot
      .append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(0,${layout.height})`)
      .call(axisBottom(x).tickValues(cellTicks(w.col0, w.col0 + w.cols, layout.width / 40)).tickFormat((v) => axes.columns.tick(colOf(Math.floor(Number(v))))).tickSizeOuter(0));
    if (axes.columns.words) columnAxis.selectAll('text').attr('text-anchor', 'end').attr('transform', 'translate(-4,0) rotate(-45)');
    const columnsExtra = axes.columns.words ? WORD_COLUMNS_EXTRA : 0;
    svg
      .append('text')
      .attr('class', 'axis-title')
      .attr('x', layout.left + layout.width / 2)
      .attr('y', layout.top + layout.height + 34 + columnsExtra)
      .attr('text-anchor', 'middle')
      .text(`${axes.columns.title} (${windowText(w.col0, w.cols, layout.cols)}${listed(axes.columns)})`);
    svg
      .append('text')
      .attr('class', 'axis-title')
      .attr('transform', `translate(14,${layout.top + layout.height / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text(`${axes.rows.title} (${windowText(w.row0, w.rows, layout.rows)}${listed(axes.rows)})`);
  }

  /** A vertical colour bar from −limit (blue) through 0 to +limit (red). */
  private drawLegend(layout: Layout): void {
    const svg = select(this.overlay);
    const barHeight = Math.max(60, Math.min(layout.height, 220));
    const left = layout.left + layout.width + 22;
    const id = 'heatmap-legend-gradient';
    const lut = colourTable();
    const gradient = svg.append('defs').append('linearGradient').attr('id', id).attr('x1', 0).attr('x2', 0).attr('y1', 1).attr('y2', 0);
    for (const k of range(0, LUT_STEPS, 16).concat([LUT_STEPS - 1])) {
      const [r, g, b] = lut[k];
      gradient.append('stop').attr('offset', k / (LUT_STEPS - 1)).attr('stop-color', `rgb(${r},${g},${b})`);
    }
    const legend = svg.append('g').attr('transform', `translate(${left},${layout.top})`);
    legend.append('rect').attr('class', 'legend-bar').attr('width', 12).attr('height', barHeight).attr('fill', `url(#${id})`);
    const scale = scaleLinear().domain([-this.scaleMax, this.scaleMax]).range([barHeight, 0]);
    legend
      .append('g')
      .attr('class', 'axis')
      .attr('transform', 'translate(12,0)')
      .call(axisRight(scale).tickValues([-this.scaleMax, 0, this.scaleMax]).tickFormat((v) => formatValue(Number(v))).tickSizeOuter(0));
    legend.append('text').attr('class', 'axis-title').attr('x', 0).attr('y', barHeight + 16).text('value');
  }

  private onHover(e: MouseEvent): void {
    const { data, axes, layout, window: w, shown } = this;
    if (!data || !axes || !layout || !w || !shown) return;
    const [px, py] = pointer(e, this.canvas);
    const col = Math.floor(w.col0 + (px / layout.width) * w.cols);
    const row = Math.floor(w.row0 + (py / layout.height) * w.rows);
    if (row < 0 || row >= layout.rows || col < 0 || col >= layout.cols) return;
    const cellW = layout.width / w.cols;
    const cellH = layout.height / w.rows;
    this.hoverCell.setAttribute('x', String(layout.left + (col - w.col0) * cellW - 1));
    this.hoverCell.setAttribute('y', String(layout.top + (row - w.row0) * cellH - 1));
    this.hoverCell.setAttribute('width', String(cellW + 2));
    this.hoverCell.setAttribute('height', String(cellH + 2));
    this.overlay.appendChild(this.hoverCell);
    const value = shown.values[row * layout.cols + col];
    const r = shown.rowOf(row);
    const c = shown.colOf(col);
    showTooltip(e.pageX, e.pageY, [`${data.name}[${r}, ${c}] = ${formatValue(value)}`, `row: ${axes.rows.label(r)}`, `column: ${axes.columns.label(c)}`]);
  }
}

/** Plot size that fills the area, with cells no more than MAX_CELL_ASPECT times longer one way —
 *  unless the cells are under a pixel along one axis (W1 at 8,000 words), where the matrix is an
 *  overview and fills the area. */
function fitCells(rows: number, cols: number, maxWidth: number, maxHeight: number): { width: number; height: number } {
  let cellW = Math.max(1, maxWidth) / cols;
  let cellH = Math.max(1, maxHeight) / rows;
  if (cellW >= 1 && cellH >= 1) {
    cellW = Math.min(cellW, cellH * MAX_CELL_ASPECT);
    cellH = Math.min(cellH, cellW * MAX_CELL_ASPECT);
  }
  return { width: Math.floor(cellW * cols), height: Math.floor(cellH * rows) };
}

/** Tick positions at cell centres in [start, end), on round index steps, at most `maxTicks` of them. */
function cellTicks(start: number, end: number, maxTicks: number): number[] {
  const raw = (end - start) / Math.max(1, maxTicks);
  const step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000].find((s) => s >= raw) ?? Math.ceil(raw);
  return range(Math.ceil((start - 0.5) / step) * step, end - 0.5, step).map((i) => i + 0.5);
}

/** "8000", or "1200–1450 of 8000" for a zoomed window. */
function windowText(first: number, count: number, total: number): string {
  if (count >= total) return String(total);
  return `${Math.floor(first)}–${Math.ceil(first + count) - 1} of ${total}`;
}

function colourLimit(values: Float32Array): number {
  const magnitudes = values.filter(Number.isFinite).map(Math.abs).sort((a, b) => a - b);
  if (!magnitudes.length) return 1;
  const q = magnitudes[Math.min(magnitudes.length - 1, Math.floor(SCALE_QUANTILE * magnitudes.length))];
  return q > 0 ? q : magnitudes[magnitudes.length - 1] || 1;
}

function colourTable(): [number, number, number, number][] {
  const colour = divergingColours();
  return range(LUT_STEPS).map((k) => [...colour((k / (LUT_STEPS - 1)) * 2 - 1), 255]);
}
