// The embedding map: a 2-D t-SNE of W1's rows with the words as labels, coloured by word class
// (the demo corpus) or by frequency (a text corpus, whose vocabulary lists the most frequent words
// first). Barnes-Hut t-SNE runs in a worker (layoutClient.ts), so 8,000 words lay out without
// holding up the dashboard; new W1 values warm-start the layout so the map drifts instead of
// jumping. The most frequent words are SVG nodes with labels; the rest are dots on a canvas below,
// labelled on hover. Hovering, clicking or searching a word shows its nearest neighbours by cosine
// similarity in the full D-dimensional space. Wheel and drag zoom and pan the positions while
// labels keep their size; labels that would overlap are left out (the word under the pointer, the
// pinned one and its neighbours first), so zooming in shows more of them.
import { quadtree, quantile, scaleLinear, select, symbol, symbolCircle, symbolDiamond, symbolSquare, symbolTriangle, symbolWye, zoom, zoomIdentity } from 'd3';
import type { D3ZoomEvent, Quadtree, ZoomTransform } from 'd3';
import type { CsvTable } from './card';
import { element } from './card';
import { formatCount } from './charts/format';
import { textWidth } from './charts/textWidth';
import { ElementSize } from './elementSize';
import { standaloneSvg } from './export';
import { rankShare, rankTicks } from './frequencyScale';
import { LabelBox, LabelRequest, placeLabels } from './labelPlacement';
import { LayoutClient } from './layoutClient';
import { formatSimilarities, Neighbour, nearestByCosine } from './neighbours';
import { classColours, cssVar, foreground, frequencyColour } from './theme';
import { hideTooltip, showTooltip } from './tooltip';
import { findWord } from './wordSearch';

const MARGIN = 28;
const LEGEND_WIDTH = 150;
const NEIGHBOURS = 8;
/** Shortlists the neighbour list can be limited to: the most frequent words of a text corpus. */
const NEIGHBOUR_SHORTLISTS = [1000];
/** Symbols that tell classes apart once the class colours are used up. */
const SYMBOLS = [symbolCircle, symbolSquare, symbolTriangle, symbolDiamond, symbolWye];
const MARKER_AREA = 40;
/** Label fonts (px) as media/dashboard.css sets them: words, the focused word. */
const LABEL_PX = 11;
const FOCUS_PX = 14;
/** Layout coordinates beyond these quantiles are drawn at the edge, so outliers do not shrink the rest. */
const FIT_QUANTILE = 0.01;
const SVG_NS = 'http://www.w3.org/2000/svg';
const MAX_ZOOM = 64;
/** Words drawn as SVG nodes with a label when there is room: the first (a text corpus's most
 *  frequent) this many; the others are canvas dots, labelled on hover, search or as a neighbour. */
const LABELLED_WORDS = 300;
/** A canvas dot's radius, and how near (px) the pointer must come to hover it. */
const DOT_RADIUS = 2;
const DOT_HOVER_PX = 6;
/** The share of a core t-SNE takes while training runs: with two training threads in lockstep,
 *  a core taken from either slows both, so this is about what it costs the throughput (< 5 %). */
const TRAINING_SHARE = 0.04;
/** While the layout forms, it is drawn at most this often (ms). */
const MOVING_DRAW_MS = 1000;

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
  private readonly canvas: HTMLCanvasElement;
  private readonly search: HTMLElement & { value: string; invalid: boolean };
  private words: string[] = [];
  private vocabularySize = 0;
  /** Whether the vocabulary lists its words most frequent first (a text corpus's does). */
  private byFrequency = false;
  /** Neighbours are listed among the first this many words (0: all), for a frequency-ordered one. */
  private among = 0;
  private readonly amongSelect: HTMLElement & { value: string };
  private wordClasses: string[] | undefined;
  private classNames: string[] = [];
  /** A word's SVG node, for the labelled words and those shown on demand; the others are canvas dots. */
  private nodes: (SVGGElement | undefined)[] = [];
  private readonly tsne: LayoutClient;
  /** Whether training runs (the layout worker then keeps to TRAINING_SHARE). */
  private training = false;
  /** Whether a layout came in since advance() last said to draw one, and when that was. */
  private layoutArrived = false;
  private drawnAt = -Infinity;
  /** With D = 2 the embedding is its own map: W1's rows as they are (CMU 10-707 §3.5), no t-SNE. */
  private raw: Float64Array | undefined;
  private weights: Float64Array | undefined;
  private dim = 0;
  private weightsStep = 0;
  /** The canvas dots in screen coordinates, to find the one under the pointer. */
  private dots: Quadtree<[number, number, number]> | undefined;
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
    onLayout: () => void,
  ) {
    this.tsne = new LayoutClient(() => {
      this.layoutArrived = true;
      onLayout();
    });
    const mapArea = container.appendChild(element('div', 'map-area'));
    const aside = container.appendChild(element('aside', 'map-aside'));
    this.canvas = mapArea.appendChild(document.createElement('canvas'));
    this.canvas.className = 'map-dots';
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
    this.search = search;
    search.placeholder = 'Find a word';
    search.setAttribute('aria-label', 'Find a word');
    search.addEventListener('input', () => {
      search.invalid = search.value.trim() !== '' && !this.find(search.value);
    });
    this.amongSelect = document.createElement('vscode-single-select') as HTMLElement & { value: string };
    this.amongSelect.setAttribute('aria-label', 'Neighbours among');
    this.amongSelect.title = 'List neighbours among every word, or only the most frequent ones (CMU 10-707 uses the 1,000 most frequent)';
    this.amongSelect.addEventListener('change', () => {
      this.among = Number(this.amongSelect.value) || 0;
      this.render();
    });
    this.heading = element('h3', 'aside-heading');
    this.neighbourList = element('ol', 'neighbour-list');
    this.status = element('p', 'aside-status');
    aside.append(search, this.amongSelect, this.heading, this.neighbourList, this.status);
    this.svg.addEventListener('mousemove', (e) => this.onHover(e));
    this.svg.addEventListener('mouseleave', () => this.setHovered(undefined));
    this.svg.addEventListener('click', (e) => this.pin(this.wordIndexAt(e)));
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
    this.words = words;
    this.setAmongChoices();
    this.wordClasses = wordClasses?.length === words.length ? wordClasses : undefined;
    this.classNames = this.wordClasses ? [...new Set(this.wordClasses)].sort() : [];
    this.tsne.reset();
    this.raw = undefined;
    this.weights = undefined;
    this.pinned = undefined;
    this.hovered = undefined;
    this.nodes.forEach((n) => n?.remove());
    this.nodes = [];
    this.dots = undefined;
  }

  /** Layout and pinned word saved by an earlier view of the same run. */
  restore(layout: number[] | undefined, word: string | undefined): void {
    this.savedLayout = layout;
    this.pinned = word === undefined ? undefined : this.indexOf(word);
  }

  setWeights(values: number[], rows: number, dim: number, step: number): void {
    if (rows !== this.vocabularySize || this.words.length < 2) return;
    const previousDim = this.dim;
    this.weights = Float64Array.from(values.slice(0, this.words.length * dim));
    this.dim = dim;
    this.weightsStep = step;
    if (dim === 2) {
      this.raw = this.weights;
      this.tsne.reset();
      return;
    }
    this.raw = undefined;
    // The worker keeps its own layout for rows of the same size; a first start may resume a saved one.
    const resume = this.tsne.layout && previousDim === dim;
    const saved = this.savedLayout?.length === this.words.length * 2 ? this.savedLayout : undefined;
    this.tsne.start(this.weights, this.words.length, dim, resume ? undefined : saved);
  }

  /**
   * True if a new layout came from the worker since the last call and is worth drawing: the
   * finished one, and while it forms, one a second (drawing 8,000 words takes the main thread
   * tens of ms, time the worker's core would otherwise have).
   */
  advance(): boolean {
    if (!this.layoutArrived) return false;
    const now = performance.now();
    if (this.tsne.moving && now - this.drawnAt < MOVING_DRAW_MS) return false;
    this.layoutArrived = false;
    this.drawnAt = now;
    return true;
  }

  /** Whether t-SNE iterations are still due for the latest W1. */
  get moving(): boolean {
    return this.tsne.moving;
  }

  /**
   * While training runs, the layout worker takes TRAINING_SHARE of a core: on two cores the two
   * training threads keep theirs (a first layout of 8,000 words takes minutes); paused, it takes
   * all it can (seconds) while the map is `shown`, and no more than while training otherwise, so
   * that steps taken on another tab show at once.
   */
  setTraining(running: boolean, shown: boolean): void {
    this.training = running;
    this.tsne.setPace(running || !shown ? TRAINING_SHARE : 1);
  }

  /** How long the last layout took the worker (ms). */
  get layoutMs(): number {
    return this.tsne.lastDurationMs;
  }

  /** The t-SNE layout, to keep for a later view (W1 itself at D = 2 needs no keeping). */
  get layout(): number[] | undefined {
    return this.raw || !this.tsne.layout ? undefined : Array.from(this.tsne.layout);
  }

  /** The positions drawn: t-SNE's, or W1's own rows at D = 2. */
  private get positions(): Float64Array | undefined {
    return this.raw ?? this.tsne.layout;
  }

  private pin(index: number | undefined): void {
    this.pinned = index === this.pinned ? undefined : index;
    this.onPin(this.pinned === undefined ? undefined : this.words[this.pinned]);
    this.render();
  }

  /** A frequency-ordered vocabulary larger than the usual shortlist offers neighbours among its
   *  most frequent words; the choice starts at every word. */
  private setAmongChoices(): void {
    const shortlists = this.byFrequency ? NEIGHBOUR_SHORTLISTS.filter((size) => size < this.words.length) : [];
    this.amongSelect.hidden = shortlists.length === 0;
    this.among = 0;
    this.amongSelect.replaceChildren(
      ...[0, ...shortlists].map((size) => {
        const option = document.createElement('vscode-option');
        option.setAttribute('value', String(size));
        option.textContent = size ? `Among the ${formatCount(size)} most frequent` : `Among all ${formatCount(this.words.length)} words`;
        return option;
      }),
    );
    this.amongSelect.value = '0';
  }

  /** Pins the word typed in the search box (or the most frequent one it begins); false when there is none. */
  private find(word: string): boolean {
    const index = findWord(this.words, word);
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
      this.nodes.forEach((n) => n?.remove());
      this.nodes = [];
      this.dots = undefined;
      this.canvas.hidden = true;
      const waiting = this.tsne.error ? `The map could not be laid out: ${this.tsne.error}` : `Waiting for the embeddings ${this.embeddingName}…`;
      select(this.svg).append('text').attr('class', 'empty').attr('x', width / 2).attr('y', height / 2).text(waiting);
      this.renderAside([]);
      return;
    }
    if (!this.nodes.length) this.createNodes();
    const focus = this.hovered ?? this.pinned;
    const among = this.among || this.words.length;
    const neighbours = focus !== undefined && this.weights ? nearestByCosine(this.weights, this.words.length, this.dim, focus, NEIGHBOURS, among) : [];
    // Words beyond the labelled ones get a node while they are in focus or a neighbour.
    for (const i of [focus, this.pinned, ...neighbours.map((n) => n.index)]) if (i !== undefined) this.ensureNode(i);
    if (this.colours !== classColours()) this.styleNodes();
    const mapWidth = width - (this.classNames.length || this.byFrequency ? LEGEND_WIDTH : 0);
    this.clip.setAttribute('width', String(Math.max(0, mapWidth)));
    this.clip.setAttribute('height', String(height));
    const fit = fitLayout(y, mapWidth, height);
    const sx = (v: number): number => this.view.applyX(fit.sx(v));
    const sy = (v: number): number => this.view.applyY(fit.sy(v));
    const points = this.words.map((_, i) => [sx(y[2 * i]), sy(y[2 * i + 1])]);
    for (let i = 0; i < this.nodes.length; i++) {
      const node = this.nodes[i];
      if (node) node.style.transform = `translate(${points[i][0]}px, ${points[i][1]}px)`;
    }
    this.drawDots(points, focus, mapWidth, height);
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
    this.nodes.forEach((n) => n?.remove());
    this.labelSides = [];
    this.nodes = new Array<SVGGElement | undefined>(this.words.length);
    for (let i = 0; i < Math.min(LABELLED_WORDS, this.words.length); i++) this.ensureNode(i);
  }

  private ensureNode(i: number): void {
    if (this.nodes[i]) return;
    const g = document.createElementNS(SVG_NS, 'g');
    g.classList.add('word');
    g.dataset.index = String(i);
    const marker = document.createElementNS(SVG_NS, 'path');
    const label = document.createElementNS(SVG_NS, 'text');
    label.setAttribute('dy', '0.35em');
    label.textContent = this.words[i];
    g.append(marker, label);
    this.wordLayer.appendChild(g);
    this.nodes[i] = g;
    if (this.colours.length) this.styleNode(i);
  }

  /** Colours and marker shapes by class: the readable class colours first, then the next shape with each again. */
  private styleNodes(): void {
    this.colours = classColours();
    for (let i = 0; i < this.nodes.length; i++) if (this.nodes[i]) this.styleNode(i);
  }

  private styleNode(i: number): void {
    const node = this.nodes[i];
    if (!node) return;
    const c = this.classIndex(i);
    node.style.fill = this.wordColour(i);
    node.firstElementChild?.setAttribute('d', this.classSymbol(Math.max(0, c), MARKER_AREA));
  }

  /** Its class's colour, else (a text corpus) its frequency's, else the theme's (CSS). */
  private wordColour(i: number): string {
    const c = this.classIndex(i);
    if (c >= 0) return this.classColour(c);
    return this.byFrequency ? frequencyColour(rankShare(i, this.words.length)) : '';
  }

  /** The words without a node, as dots on the canvas under the SVG (faded like the nodes when a word is in focus). */
  private drawDots(points: number[][], focus: number | undefined, width: number, height: number): void {
    const dpr = window.devicePixelRatio || 1;
    this.canvas.hidden = false;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(height * dpr);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.scale(dpr, dpr);
    ctx.globalAlpha = focus === undefined ? 1 : 0.22;
    const plain = foreground();
    const inView: [number, number, number][] = [];
    // Rarest first, so the more frequent words are drawn on top.
    for (let i = points.length - 1; i >= 0; i--) {
      if (this.nodes[i]) continue;
      const [x, y] = points[i];
      if (x < -DOT_RADIUS || y < -DOT_RADIUS || x > width + DOT_RADIUS || y > height + DOT_RADIUS) continue;
      inView.push([x, y, i]);
      ctx.fillStyle = this.wordColour(i) || plain;
      ctx.beginPath();
      ctx.arc(x, y, DOT_RADIUS, 0, 2 * Math.PI);
      ctx.fill();
    }
    this.dots = quadtree(
      inView,
      (d) => d[0],
      (d) => d[1],
    );
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
      // A canvas dot neither has a label nor keeps labels off (NaN is in no view).
      if (!this.nodes[i]) return { x: NaN, y: NaN, width: 0, height: 0 };
      const px = i === focus ? FOCUS_PX : LABEL_PX;
      const bold = i === focus || near.has(i) ? '700 ' : '';
      return { x, y, width: textWidth(this.words[i], `${bold}${px}px ${family}`), height: Math.ceil(px * 1.25) };
    });
    const first = [focus, this.pinned, ...neighbours.map((n) => n.index)].filter((i): i is number => i !== undefined);
    const labelled = [...points.keys()].filter((i) => this.nodes[i]);
    const order = [...new Set([...first, ...labelled])];
    const boxes = placeLabels(requests, order, width, height, focus);
    for (let i = 0; i < this.nodes.length; i++) if (this.nodes[i]) this.showLabel(i, boxes[i], requests[i]);
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
    const node = this.nodes[i];
    if (!node) return;
    const label = node.lastElementChild;
    node.classList.toggle('label-hidden', !box);
    label?.setAttribute('x', x.toFixed(1));
    label?.setAttribute('y', y.toFixed(1));
    label?.setAttribute('text-anchor', anchor);
  }

  private highlight(focus: number | undefined, neighbours: Neighbour[]): void {
    const near = new Set(neighbours.map((n) => n.index));
    for (let i = 0; i < this.nodes.length; i++) {
      const cl = this.nodes[i]?.classList;
      if (!cl) continue;
      cl.toggle('focus', i === focus);
      cl.toggle('pinned', i === this.pinned);
      cl.toggle('neighbour', near.has(i));
      cl.toggle('faded', focus !== undefined && i !== focus && !near.has(i));
    }
  }

  private drawLegend(mapWidth: number): void {
    const legend = select(this.legend);
    legend.selectAll('*').remove();
    if (!this.classNames.length) {
      if (this.byFrequency) this.drawFrequencyLegend(mapWidth);
      return;
    }
    legend.attr('transform', `translate(${mapWidth + 12},${MARGIN})`);
    legend.append('text').attr('class', 'legend-title').attr('y', 0).text('word class');
    this.classNames.forEach((name, c) => {
      const item = legend.append('g').attr('class', 'legend-item').attr('transform', `translate(6,${18 + c * 18})`);
      item.append('path').attr('d', this.classSymbol(c, 64)).style('fill', this.classColour(c));
      const count = this.wordClasses?.filter((w) => w === name).length ?? 0;
      item.append('text').attr('class', 'legend').attr('x', 12).attr('dy', '0.35em').text(`${name} (${count})`);
    });
  }

  /** A colour bar from the most frequent word (rank 1, top) to the rarest, on the log scale the dots use. */
  private drawFrequencyLegend(mapWidth: number): void {
    const legend = select(this.legend).attr('transform', `translate(${mapWidth + 12},${MARGIN})`);
    const n = this.words.length;
    const barHeight = 180;
    const steps = 48;
    legend.append('text').attr('class', 'legend-title').attr('y', 0).text('frequency rank');
    const bar = legend.append('g').attr('transform', 'translate(6,14)');
    for (let k = 0; k < steps; k++) {
      bar
        .append('rect')
        .attr('class', 'frequency-step')
        .attr('y', (k * barHeight) / steps)
        .attr('width', 12)
        .attr('height', barHeight / steps + 0.5)
        .style('fill', frequencyColour(k / (steps - 1)));
    }
    for (const rank of rankTicks(n)) {
      bar
        .append('text')
        .attr('class', 'legend')
        .attr('x', 18)
        .attr('y', rankShare(rank - 1, n) * barHeight)
        .attr('dy', '0.35em')
        .text(formatCount(rank));
    }
  }

  private renderAside(neighbours: Neighbour[]): void {
    const focus = this.hovered ?? this.pinned;
    if (focus === undefined) {
      this.heading.textContent = 'Nearest neighbours';
      const hint = element('li', 'hint');
      hint.textContent = this.positions ? 'Hover over a word, or click it to pin it, to list the words whose embeddings point the same way.' : '';
      this.neighbourList.replaceChildren(hint);
    } else {
      this.heading.textContent = `Nearest to “${this.words[focus]}”${this.among ? ` among the ${formatCount(this.among)} most frequent` : ''}`;
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
    const colours = this.classNames.length ? '' : this.byFrequency ? ' Colour: frequency rank.' : '';
    const labels = n > LABELLED_WORDS ? ` Labels for the ${formatCount(LABELLED_WORDS)} most frequent where they fit; hover a dot for its word.` : '';
    if (this.raw) {
      return (
        `${this.embeddingName} itself: with D = 2 each word sits at its two embedding coordinates (axes stretched to fill the area), all ${formatCount(n)} words, ` +
        `${this.embeddingName} of step ${formatCount(this.weightsStep)}.${colours}${labels} Scroll to zoom, drag to pan, double-click to reset.`
      );
    }
    const slowed = tsne.moving && this.training ? ' While training runs the layout takes little of the processor: pause to finish it now.' : '';
    if (!tsne.layout) return tsne.error ?? (this.weights ? `Laying out ${formatCount(n)} words (Barnes-Hut t-SNE)…${slowed}` : '');
    const state = tsne.moving ? ' (still moving)' : '';
    return (
      `t-SNE of the ${formatCount(n)} rows of ${this.embeddingName} (Barnes-Hut, cosine, perplexity ${Math.round(tsne.perplexity)}), iteration ${formatCount(tsne.iteration)}${state}, ` +
      `${this.embeddingName} of step ${formatCount(this.weightsStep)}.${slowed} Distances between clusters mean little; neighbourhoods do. ` +
      `${colours}${labels} Scroll to zoom, drag to pan, double-click to reset.`
    );
  }

  private onHover(e: MouseEvent): void {
    const index = this.wordIndexAt(e);
    this.setHovered(index);
    if (index === undefined) return hideTooltip();
    const wordClass = this.wordClasses?.[index];
    const detail = wordClass ? [`class: ${wordClass}`] : this.byFrequency ? [`frequency rank ${formatCount(index + 1)}`] : [];
    showTooltip(e.pageX, e.pageY, [this.words[index], ...detail, 'click to pin']);
  }

  private setHovered(index: number | undefined): void {
    if (index === this.hovered) return;
    this.hovered = index;
    if (index === undefined) hideTooltip();
    this.render();
  }

  /** The word whose node is under the pointer, else the canvas dot nearest to it within a few pixels. */
  private wordIndexAt(e: MouseEvent): number | undefined {
    const g = e.target instanceof Element ? e.target.closest<SVGGElement>('g.word') : null;
    if (g?.dataset.index !== undefined) return Number(g.dataset.index);
    const box = this.svg.getBoundingClientRect();
    return this.dots?.find(e.clientX - box.left, e.clientY - box.top, DOT_HOVER_PX)?.[2];
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
