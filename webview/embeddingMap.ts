// The embedding map: a 2-D t-SNE of W1's rows with the words as labels, coloured by word class.
// New W1 values warm-start the layout so the map drifts instead of jumping; iterations run in
// small time slices inside the render loop. Hovering or clicking a word shows its nearest
// neighbours by cosine similarity in the full D-dimensional space. Wheel and drag zoom and pan
// the positions while labels keep their size; labels that would overlap are left out (the word
// under the pointer, the pinned one and its neighbours first), so zooming in shows more of them.
import { quantile, scaleLinear, select, symbol, symbolCircle, symbolDiamond, symbolSquare, symbolTriangle, symbolWye, zoom, zoomIdentity } from 'd3';
import type { D3ZoomEvent, ZoomTransform } from 'd3';
import { Tsne } from '../src/engine/tsne';
import type { CsvTable } from './card';
import { element } from './card';
import { formatCount } from './charts/format';
import { textWidth } from './charts/textWidth';
import { ElementSize } from './elementSize';
import { standaloneSvg } from './export';
import { LabelBox, LabelRequest, placeLabels } from './labelPlacement';
import { formatSimilarities, Neighbour, nearestByCosine } from './neighbours';
import { classColours, cssVar } from './theme';
import { hideTooltip, showTooltip } from './tooltip';

const MARGIN = 28;
const LEGEND_WIDTH = 150;
/** From a random start (early exaggeration included), then after each W1 refresh. */
const FIRST_ITERATIONS = 1000;
const REFRESH_ITERATIONS = 250;
const ITERATIONS_PER_SLICE = 5;
const NEIGHBOURS = 8;
const PERPLEXITY = 30;
/** Symbols that tell classes apart once the class colours are used up. */
const SYMBOLS = [symbolCircle, symbolSquare, symbolTriangle, symbolDiamond, symbolWye];
const MARKER_AREA = 40;
/** Label fonts (px) as media/dashboard.css sets them: words, the focused word. */
const LABEL_PX = 11;
const FOCUS_PX = 14;
/** Layout coordinates beyond these quantiles are drawn at the edge, so outliers do not shrink the rest. */
const FIT_QUANTILE = 0.01;
const SVG_NS = 'http://www.w3.org/2000/svg';
const MAX_ZOOM = 16;
/** Exact t-SNE costs O(n²) per iteration and memory: larger vocabularies show their first words —
 *  a text corpus's 1,000 most frequent, the words CMU 10-707 looks for neighbours among. */
const MAX_WORDS = 1000;

export class EmbeddingMap {
  private readonly svg: SVGSVGElement;
  private readonly size: ElementSize;
  private readonly clip: SVGRectElement;
  private readonly links: SVGGElement;
  private readonly wordLayer: SVGGElement;
  private readonly legend: SVGGElement;
  private readonly heading: HTMLElement;
  private readonly neighbourList: HTMLOListElement;
  private readonly status: HTMLElement;
  private words: string[] = [];
  private vocabularySize = 0;
  /** Whether the vocabulary lists its words most frequent first (a text corpus's does). */
  private byFrequency = false;
  private wordClasses: string[] | undefined;
  private classNames: string[] = [];
  private nodes: SVGGElement[] = [];
  private tsne: Tsne | undefined;
  /** With D = 2 the embedding is its own map: W1's rows as they are (CMU 10-707 §3.5), no t-SNE. */
  private raw: Float64Array | undefined;
  private weights: Float64Array | undefined;
  private dim = 0;
  private pendingIterations = 0;
  private weightsStep = 0;
  private savedLayout: number[] | undefined;
  private pinned: number | undefined;
  private hovered: number | undefined;
  private view: ZoomTransform = zoomIdentity;
  /** The class colours the nodes were drawn with; new ones (theme change) restyle them. */
  private colours: readonly string[] = [];
  /** Each label's last placement, so unchanged ones are not written to the DOM again. */
  private labelSides: string[] = [];

  /** Fills `container` with the map and, beside it, a word search and the neighbour list. */
  constructor(
    container: HTMLElement,
    private readonly onPin: (word: string | undefined) => void,
    onResize: () => void,
  ) {
    const mapArea = container.appendChild(element('div', 'map-area'));
    const aside = container.appendChild(element('aside', 'map-aside'));
    this.svg = document.createElementNS(SVG_NS, 'svg');
    this.svg.classList.add('chart', 'embedding-map');
    const clipPath = this.svg.appendChild(document.createElementNS(SVG_NS, 'clipPath'));
    clipPath.id = 'embedding-map-clip';
    this.clip = clipPath.appendChild(document.createElementNS(SVG_NS, 'rect'));
    const mapLayer = this.svg.appendChild(document.createElementNS(SVG_NS, 'g'));
    mapLayer.setAttribute('clip-path', 'url(#embedding-map-clip)');
    this.links = mapLayer.appendChild(document.createElementNS(SVG_NS, 'g'));
    this.wordLayer = mapLayer.appendChild(document.createElementNS(SVG_NS, 'g'));
    this.legend = this.svg.appendChild(document.createElementNS(SVG_NS, 'g'));
    mapArea.appendChild(this.svg);
    this.size = new ElementSize(this.svg, onResize);
    const search = document.createElement('vscode-textfield');
    search.placeholder = 'Find a word';
    search.addEventListener('input', () => {
      search.invalid = search.value.trim() !== '' && !this.find(search.value);
    });
    this.heading = element('h3', 'aside-heading');
    this.neighbourList = element('ol', 'neighbour-list');
    this.status = element('p', 'aside-status');
    aside.append(search, this.heading, this.neighbourList, this.status);
    this.svg.addEventListener('mouseover', (e) => this.onHover(e));
    this.svg.addEventListener('mouseleave', () => this.setHovered(undefined));
    this.svg.addEventListener('click', (e) => this.pin(this.wordIndexAt(e.target)));
    const zoomBehaviour = zoom<SVGSVGElement, unknown>()
      .scaleExtent([1, MAX_ZOOM])
      .on('zoom', (e: D3ZoomEvent<SVGSVGElement, unknown>) => {
        this.view = e.transform;
        this.render();
      });
    select(this.svg)
      .call(zoomBehaviour)
      .on('dblclick.zoom', () => zoomBehaviour.transform(select(this.svg), zoomIdentity));
  }

  /** A new run: its vocabulary and classes; the layout starts over. */
  /** The parameter whose rows are mapped, as the model names it (RunInfo.embedding). */
  embeddingName = 'the embeddings';

  setVocabulary(words: string[], wordClasses: string[] | undefined, byFrequency = false): void {
    this.vocabularySize = words.length;
    this.byFrequency = byFrequency;
    this.words = words.slice(0, MAX_WORDS);
    this.wordClasses = wordClasses?.length === words.length ? wordClasses.slice(0, MAX_WORDS) : undefined;
    this.classNames = this.wordClasses ? [...new Set(this.wordClasses)].sort() : [];
    this.tsne = undefined;
    this.raw = undefined;
    this.weights = undefined;
    this.pendingIterations = 0;
    this.pinned = undefined;
    this.hovered = undefined;
    this.nodes.forEach((n) => n.remove());
    this.nodes = [];
  }

  /** Layout and pinned word saved by an earlier view of the same run. */
  restore(layout: number[] | undefined, word: string | undefined): void {
    this.savedLayout = layout;
    this.pinned = word === undefined ? undefined : this.indexOf(word);
  }

  setWeights(values: number[], rows: number, dim: number, step: number): void {
    if (rows !== this.vocabularySize || this.words.length < 2) return;
    this.weights = Float64Array.from(values.slice(0, this.words.length * dim));
    this.dim = dim;
    this.weightsStep = step;
    if (dim === 2) {
      this.raw = this.weights;
      this.tsne = undefined;
      this.pendingIterations = 0;
      return;
    }
    this.raw = undefined;
    if (this.tsne && this.tsne.dim === dim) {
      this.tsne.setData(this.weights);
      this.pendingIterations = REFRESH_ITERATIONS;
      return;
    }
    const initialLayout = this.savedLayout?.length === this.words.length * 2 ? this.savedLayout : undefined;
    this.tsne = new Tsne(this.weights, this.words.length, dim, { metric: 'cosine', perplexity: PERPLEXITY, seed: 1, initialLayout });
    this.pendingIterations = initialLayout ? REFRESH_ITERATIONS : FIRST_ITERATIONS;
  }

  /** Runs t-SNE iterations for up to `budgetMs`; true if the layout moved (draw it, then come back). */
  advance(budgetMs: number): boolean {
    if (!this.tsne || this.pendingIterations <= 0) return false;
    const start = performance.now();
    while (this.pendingIterations > 0 && performance.now() - start < budgetMs) {
      this.tsne.step(ITERATIONS_PER_SLICE);
      this.pendingIterations -= ITERATIONS_PER_SLICE;
    }
    return true;
  }

  /** Whether t-SNE iterations are still due for the latest W1. */
  get moving(): boolean {
    return this.tsne !== undefined && this.pendingIterations > 0;
  }

  /** The t-SNE layout, to keep for a later view (W1 itself at D = 2 needs no keeping). */
  get layout(): number[] | undefined {
    return this.tsne ? Array.from(this.tsne.layout) : undefined;
  }

  /** The positions drawn: t-SNE's, or W1's own rows at D = 2. */
  private get positions(): Float64Array | undefined {
    return this.raw ?? this.tsne?.layout;
  }

  private pin(index: number | undefined): void {
    this.pinned = index === this.pinned ? undefined : index;
    this.onPin(this.pinned === undefined ? undefined : this.words[this.pinned]);
    this.render();
  }

  /** Pins the word typed in the search box; false when the vocabulary has no such word. */
  private find(word: string): boolean {
    const index = this.indexOf(word.trim());
    if (index === undefined) return false;
    if (index !== this.pinned) this.pin(index);
    return true;
  }

  render(): void {
    const { width, height } = this.size;
    select(this.svg).selectAll('text.empty').remove();
    const y = this.positions;
    if (!y) {
      this.links.replaceChildren();
      this.nodes.forEach((n) => n.remove());
      this.nodes = [];
      select(this.svg).append('text').attr('class', 'empty').attr('x', width / 2).attr('y', height / 2).text(`Waiting for the embeddings ${this.embeddingName}…`);
      this.renderAside([]);
      return;
    }
    if (this.nodes.length !== this.words.length) this.createNodes();
    if (this.colours !== classColours()) this.styleNodes();
    const mapWidth = width - (this.classNames.length ? LEGEND_WIDTH : 0);
    this.clip.setAttribute('width', String(Math.max(0, mapWidth)));
    this.clip.setAttribute('height', String(height));
    const fit = fitLayout(y, mapWidth, height);
    const sx = (v: number): number => this.view.applyX(fit.sx(v));
    const sy = (v: number): number => this.view.applyY(fit.sy(v));
    const points = this.nodes.map((_, i) => [sx(y[2 * i]), sy(y[2 * i + 1])]);
    for (let i = 0; i < this.nodes.length; i++) this.nodes[i].style.transform = `translate(${points[i][0]}px, ${points[i][1]}px)`;
    const focus = this.hovered ?? this.pinned;
    const neighbours = focus !== undefined && this.weights ? nearestByCosine(this.weights, this.words.length, this.dim, focus, NEIGHBOURS) : [];
    this.highlight(focus, neighbours);
    this.placeLabels(points, focus, neighbours, mapWidth, height);
    this.links.replaceChildren(
      ...neighbours.map((nb) => {
        const link = document.createElementNS(SVG_NS, 'line');
        link.classList.add('neighbour-link');
        link.setAttribute('x1', String(sx(y[2 * (focus ?? 0)])));
        link.setAttribute('y1', String(sy(y[2 * (focus ?? 0) + 1])));
        link.setAttribute('x2', String(sx(y[2 * nb.index])));
        link.setAttribute('y2', String(sy(y[2 * nb.index + 1])));
        return link;
      }),
    );
    this.drawLegend(mapWidth);
    this.renderAside(neighbours);
  }

  exportSvg(): SVGSVGElement | undefined {
    return this.positions ? standaloneSvg(this.svg) : undefined;
  }

  csv(): CsvTable | undefined {
    const y = this.positions;
    if (!y) return undefined;
    return {
      header: ['word', 'class', 'x', 'y'],
      rows: this.words.map((w, i) => [w, this.wordClasses?.[i] ?? '', y[2 * i], y[2 * i + 1]]),
    };
  }

  private createNodes(): void {
    this.nodes.forEach((n) => n.remove());
    this.labelSides = [];
    this.nodes = this.words.map((word, i) => {
      const g = document.createElementNS(SVG_NS, 'g');
      g.classList.add('word');
      g.dataset.index = String(i);
      const marker = document.createElementNS(SVG_NS, 'path');
      const label = document.createElementNS(SVG_NS, 'text');
      label.setAttribute('dy', '0.35em');
      label.textContent = word;
      g.append(marker, label);
      this.wordLayer.appendChild(g);
      return g;
    });
  }

  /** Colours and marker shapes by class: the readable class colours first, then the next shape with each again. */
  private styleNodes(): void {
    this.colours = classColours();
    for (let i = 0; i < this.nodes.length; i++) {
      const c = this.classIndex(i);
      this.nodes[i].style.fill = c < 0 ? '' : this.classColour(c);
      this.nodes[i].firstElementChild?.setAttribute('d', this.classSymbol(Math.max(0, c), MARKER_AREA));
    }
  }

  private classIndex(i: number): number {
    return this.wordClasses ? this.classNames.indexOf(this.wordClasses[i]) : -1;
  }

  private classColour(c: number): string {
    return this.colours[c % this.colours.length];
  }

  private classSymbol(c: number, size: number): string {
    return symbol(SYMBOLS[Math.floor(c / this.colours.length) % SYMBOLS.length], size)() ?? '';
  }

  /**
   * Shows the labels that fit without overlapping: the focused word first (drawn on top, in the
   * larger font), then the pinned word and the neighbours, then the others in vocabulary order.
   */
  private placeLabels(points: number[][], focus: number | undefined, neighbours: Neighbour[], width: number, height: number): void {
    const family = cssVar('--vscode-font-family', 'sans-serif');
    const near = new Set(neighbours.map((n) => n.index));
    const requests: LabelRequest[] = points.map(([x, y], i) => {
      const px = i === focus ? FOCUS_PX : LABEL_PX;
      const bold = i === focus || near.has(i) ? '700 ' : '';
      return { x, y, width: textWidth(this.words[i], `${bold}${px}px ${family}`), height: Math.ceil(px * 1.25) };
    });
    const first = [focus, this.pinned, ...neighbours.map((n) => n.index)].filter((i): i is number => i !== undefined);
    const order = [...new Set([...first, ...points.keys()])];
    const boxes = placeLabels(requests, order, width, height, focus);
    for (let i = 0; i < this.nodes.length; i++) this.showLabel(i, boxes[i], requests[i]);
    const top = focus === undefined ? undefined : this.nodes[focus];
    if (top && this.wordLayer.lastChild !== top) this.wordLayer.appendChild(top);
  }

  private showLabel(i: number, box: LabelBox | undefined, r: LabelRequest): void {
    const x = box?.side === 'right' ? box.left - r.x : box?.side === 'left' ? box.right - r.x : 0;
    const y = box ? (box.top + box.bottom) / 2 - r.y : 0;
    const anchor = box?.side === 'right' ? 'start' : box?.side === 'left' ? 'end' : 'middle';
    const key = box ? `${x.toFixed(1)} ${y.toFixed(1)} ${anchor}` : 'hidden';
    if (this.labelSides[i] === key) return;
    this.labelSides[i] = key;
    const label = this.nodes[i].lastElementChild;
    this.nodes[i].classList.toggle('label-hidden', !box);
    label?.setAttribute('x', x.toFixed(1));
    label?.setAttribute('y', y.toFixed(1));
    label?.setAttribute('text-anchor', anchor);
  }

  private highlight(focus: number | undefined, neighbours: Neighbour[]): void {
    const near = new Set(neighbours.map((n) => n.index));
    for (let i = 0; i < this.nodes.length; i++) {
      const cl = this.nodes[i].classList;
      cl.toggle('focus', i === focus);
      cl.toggle('pinned', i === this.pinned);
      cl.toggle('neighbour', near.has(i));
      cl.toggle('faded', focus !== undefined && i !== focus && !near.has(i));
    }
  }

  private drawLegend(mapWidth: number): void {
    const legend = select(this.legend);
    legend.selectAll('*').remove();
    if (!this.classNames.length) return;
    legend.attr('transform', `translate(${mapWidth + 12},${MARGIN})`);
    legend.append('text').attr('class', 'legend-title').attr('y', 0).text('word class');
    this.classNames.forEach((name, c) => {
      const item = legend.append('g').attr('class', 'legend-item').attr('transform', `translate(6,${18 + c * 18})`);
      item.append('path').attr('d', this.classSymbol(c, 64)).style('fill', this.classColour(c));
      const count = this.wordClasses?.filter((w) => w === name).length ?? 0;
      item.append('text').attr('class', 'legend').attr('x', 12).attr('dy', '0.35em').text(`${name} (${count})`);
    });
  }

  private renderAside(neighbours: Neighbour[]): void {
    const focus = this.hovered ?? this.pinned;
    if (focus === undefined) {
      this.heading.textContent = 'Nearest neighbours';
      const hint = element('li', 'hint');
      hint.textContent = this.positions ? 'Hover over a word, or click it to pin it, to list the words whose embeddings point the same way.' : '';
      this.neighbourList.replaceChildren(hint);
    } else {
      const among = this.words.length < this.vocabularySize && this.byFrequency ? ` among the ${formatCount(this.words.length)} most frequent` : '';
      this.heading.textContent = `Nearest to “${this.words[focus]}”${among}`;
      const similarities = formatSimilarities(neighbours.map((nb) => nb.similarity));
      this.neighbourList.replaceChildren(
        ...neighbours.map((nb, k) => {
          const item = element('li');
          const word = element('span', 'neighbour-word');
          word.textContent = this.words[nb.index];
          const similarity = element('span', 'neighbour-similarity');
          similarity.textContent = `cos ${similarities[k]}`;
          item.append(word, similarity);
          return item;
        }),
      );
    }
    this.status.textContent = this.statusText();
  }

  private statusText(): string {
    const tsne = this.tsne;
    const n = this.words.length;
    if (this.raw) {
      const shown = n < this.vocabularySize ? `the first ${formatCount(n)} of ${formatCount(this.vocabularySize)} words` : `all ${formatCount(n)} words`;
      return (
        `${this.embeddingName} itself: with D = 2 each word sits at its two embedding coordinates (axes stretched to fill the area), ${shown}, ` +
        `${this.embeddingName} of step ${formatCount(this.weightsStep)}. Scroll to zoom, drag to pan, double-click to reset.`
      );
    }
    if (!tsne) return '';
    const emb = this.embeddingName;
    const rows =
      n >= this.vocabularySize
        ? `the ${n} rows of ${emb}`
        : this.byFrequency
          ? `the rows of ${emb} of the ${formatCount(n)} most frequent of its ${formatCount(this.vocabularySize)} words`
          : `the first ${n} of the ${this.vocabularySize} rows of ${emb}`;
    return (
      `t-SNE of ${rows} (cosine, perplexity ${Math.round(tsne.perplexity)}), iteration ${formatCount(tsne.iteration)}, ` +
      `${this.embeddingName} of step ${formatCount(this.weightsStep)}. Distances between clusters mean little; neighbourhoods do. ` +
      'Scroll to zoom, drag to pan, double-click to reset.'
    );
  }

  private onHover(e: MouseEvent): void {
    const index = this.wordIndexAt(e.target);
    this.setHovered(index);
    if (index === undefined) return hideTooltip();
    const wordClass = this.wordClasses?.[index];
    showTooltip(e.pageX, e.pageY, [this.words[index], ...(wordClass ? [`class: ${wordClass}`] : []), 'click to pin']);
  }

  private setHovered(index: number | undefined): void {
    if (index === this.hovered) return;
    this.hovered = index;
    if (index === undefined) hideTooltip();
    this.render();
  }

  private wordIndexAt(target: EventTarget | null): number | undefined {
    const g = target instanceof Element ? target.closest<SVGGElement>('g.word') : null;
    return g?.dataset.index === undefined ? undefined : Number(g.dataset.index);
  }

  private indexOf(word: string): number | undefined {
    const i = this.words.findIndex((w) => w.toLowerCase() === word.toLowerCase());
    return i < 0 ? undefined : i;
  }
}

/**
 * Scales that spread the layout over the whole area: t-SNE's axes carry no units and distances
 * between clusters mean little, so each axis is stretched on its own, and the few outliers beyond
 * the 1st and 99th percentiles are drawn at the edge instead of squeezing everything else.
 */
function fitLayout(y: Float64Array, width: number, height: number): { sx: (v: number) => number; sy: (v: number) => number } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < y.length; i += 2) {
    xs.push(y[i]);
    ys.push(y[i + 1]);
  }
  const extent = (v: number[]): [number, number] => {
    const [lo, hi] = [quantile(v, FIT_QUANTILE) ?? 0, quantile(v, 1 - FIT_QUANTILE) ?? 1];
    return hi > lo ? [lo, hi] : [lo - 1, lo + 1];
  };
  // Labels may sit left or right of a marker, so the side margins leave room for a short word.
  const side = MARGIN + 24;
  return {
    sx: scaleLinear().domain(extent(xs)).range([side, Math.max(side + 10, width - side)]).clamp(true),
    sy: scaleLinear().domain(extent(ys)).range([Math.max(MARGIN + 10, height - MARGIN), MARGIN]).clamp(true),
  };
}
