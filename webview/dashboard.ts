// The dashboard: lays out the header and the three tabs, folds the extension's messages into the
// state, keeps the shown tensors fresh, and redraws what changed at most ~10 times a second.
import { FromDashboard, RunInfo, saysStopped, TensorData, ToDashboard } from '../src/extension/protocol';
import { CardExports, createCard, element } from './card';
import { accuracyCaption, accuracyChartSpec } from './charts/accuracyChart';
import { GradientHistograms, gradientHistogramsCaption } from './charts/gradientHistograms';
import { HiddenHistogram, histogramCaption } from './charts/histogram';
import { createCurveControls } from './curveControls';
import { LineChart, LineChartSpec } from './charts/lineChart';
import { lossCaption, lossChartSpec } from './charts/lossChart';
import { gradNormChartSpec, normCaption, weightNormChartSpec } from './charts/normCharts';
import { saturationCaption, saturationChartSpec } from './charts/saturationChart';
import { throughTimeCaption, throughTimeChartSpec } from './charts/throughTimeChart';
import { gateSaturationCaption, gateSaturationChartSpec } from './charts/gateSaturationChart';
import { updateRatioCaption, updateRatioChartSpec } from './charts/updateRatioChart';
import { EmbeddingMap } from './embeddingMap';
import { standaloneSvg } from './export';
import { Header } from './header';
import { FrameResult, FrameScheduler } from './scheduler';
import { applyMessage, DashboardState, hiddenActivation, TabId, toPersisted } from './state';
import { heatmapTensors } from './tensorLabels';
import { TensorFeed } from './tensorFeed';
import { onThemeChange } from './theme';
import { WeightsPanel } from './weightsPanel';

const TABS: { id: TabId; label: string }[] = [
  { id: 'curves', label: 'Training curves' },
  { id: 'weights', label: 'Weights & gradients' },
  { id: 'embeddings', label: 'Embedding map' },
];

type Part = 'header' | 'curves' | 'norms' | 'hidden' | 'heatmap' | 'map';
const TAB_PARTS: Record<TabId, Part[]> = { curves: ['curves', 'norms', 'hidden'], weights: ['heatmap'], embeddings: ['map'] };

/** How often shown tensors are refreshed while training runs (ms). A new W1 costs the map's
 *  worker a t-SNE refresh (a core for ~0.3 s at 250 words, several seconds at 8,000) and a
 *  transition of every label: every 10 s, and at least ten layouts' time apart, so the worker
 *  takes at most a tenth of a core from the training. */
const HEATMAP_REFRESH_MS = 1000;
/** A heatmap's refresh waits a second per this many entries: W3 at V = 8000 (a million) every
 *  10 s, since each copy costs the extension host and the page ~100 ms of work; at V = 250 every
 *  matrix is under it and refreshes every second. */
const HEATMAP_CELLS_PER_REFRESH = 100_000;
const MAP_REFRESH_MS = 10000;
const MAP_IDLE_SHARE = 10;
/** Frames at most this often (ms): ~10 fps while a student looks around, 2 while training runs
 *  (unless the embedding map is moving), since each frame costs the browser style, layout, paint
 *  and compositing on the very cores the training threads run on; and while it runs the charts,
 *  whose rasterising is most of that (~50 ms a frame without a GPU), redraw every 2 s. A stop
 *  draws everything at once. */
const FRAME_MS = 100;
const RUNNING_FRAME_MS = 500;
const RUNNING_CHART_MS = 2000;
const TICK_MS = 250;
/** The view's state is saved this often (ms), less often while training runs: a reloaded view
 *  gets the run's curves from the extension anyway. */
const PERSIST_MS = 1000;
const RUNNING_PERSIST_MS = 5000;
const FRAME_MEASURE = 'nlm-dashboard-frame';

interface ChartCard {
  chart: LineChart;
  spec(state: DashboardState): LineChartSpec;
  caption(state: DashboardState): string;
  captionElement: HTMLElement;
  part: Part;
  /** Whether the card is scrolled into view; one out of view is drawn when it comes back. */
  onScreen: boolean;
  stale: boolean;
}

export class Dashboard {
  private readonly header: Header;
  private readonly charts: ChartCard[] = [];
  private readonly histogram: HiddenHistogram;
  private readonly histogramCaption: HTMLElement;
  private readonly gradientHistograms: GradientHistograms;
  private readonly gradientHistogramsCaption: HTMLElement;
  /** Titles and captions that name the model's tensors, set when its run arrives. */
  private readonly histogramTitle: HTMLElement;
  /** The "gradient through time" card, hidden unless the run is recurrent. */
  private readonly throughTimeCard: HTMLElement;
  /** The "gate saturation" card, hidden unless the model declares saturating gates. */
  private readonly gateSaturationCard: HTMLElement;
  private readonly mapCaption: HTMLElement;
  private readonly weights: WeightsPanel;
  private readonly tabs: HTMLElement;
  private readonly map: EmbeddingMap;
  private readonly dirty = new Set<Part>(['header', 'curves', 'norms', 'hidden', 'heatmap', 'map']);
  private readonly tensors = new Map<string, { data: TensorData; step: number }>();
  private readonly feed: TensorFeed;
  private readonly scheduler = new FrameScheduler((urgent) => this.frame(urgent), FRAME_MS);
  /** W1 copy the embedding map was last given (object identity). */
  private mapWeights: TensorData | undefined;
  private unsaved = false;
  private lastPersist = 0;
  /** When the charts (everything but the header and the map) were last drawn. */
  private chartsDrawnAt = -Infinity;
  /** Line charts out of view are not redrawn while training runs: nobody sees them. */
  private readonly cardOf = new Map<Element, ChartCard>();
  private readonly viewport = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const card = this.cardOf.get(e.target);
      if (!card) continue;
      card.onScreen = e.isIntersecting;
      if (card.onScreen && card.stale) this.invalidate(card.part);
    }
  });

  constructor(
    root: HTMLElement,
    private readonly state: DashboardState,
    post: (message: FromDashboard) => void,
    private readonly persist: (saved: unknown) => void,
  ) {
    this.feed = new TensorFeed((name) => post({ type: 'requestTensor', name }));
    this.header = new Header(root, (command) => post({ type: 'command', command }));

    const tabs = document.createElement('vscode-tabs');
    tabs.className = 'dashboard-tabs';
    tabs.setAttribute('selected-index', String(TABS.findIndex((t) => t.id === state.ui.tab)));
    const panels = TABS.map(({ label }) => {
      const header = document.createElement('vscode-tab-header');
      header.slot = 'header';
      header.textContent = label;
      const panel = document.createElement('vscode-tab-panel');
      tabs.append(header, panel);
      return panel;
    });
    tabs.addEventListener('vsc-tabs-select', (e) => this.selectTab(TABS[e.detail.selectedIndex].id));
    this.tabs = tabs;
    root.appendChild(tabs);

    createCurveControls(panels[0], state.ui, () => {
      this.unsaved = true;
      this.invalidate('curves', 'norms', 'hidden');
      this.drawSoon();
    });
    const grid = panels[0].appendChild(element('div', 'card-grid'));
    // A click on the loss or accuracy curve rewinds the run to that step (within reach).
    const rewind = (step: number) => {
      const tt = this.state.timeTravel;
      if (tt?.earliest !== undefined) post({ type: 'rewind', steps: Math.min(tt.present.steps, Math.max(tt.earliest, step)) });
    };
    this.addChart(grid, 'Loss', 'loss', 'curves', lossChartSpec, lossCaption).chart.onPick = rewind;
    this.addChart(grid, 'Accuracy', 'accuracy', 'curves', accuracyChartSpec, accuracyCaption).chart.onPick = rewind;
    this.addChart(grid, 'Gradient norms', 'gradient-norms', 'norms', gradNormChartSpec, (s) => normCaption(s.history.gradNames, s.history.grads));
    this.addChart(grid, 'Parameter norms', 'parameter-norms', 'norms', weightNormChartSpec, (s) => normCaption(s.history.paramNames, s.history.params));
    this.addChart(grid, 'Update / data ratio', 'update-data-ratio', 'norms', updateRatioChartSpec, updateRatioCaption);
    const gradientCard = createCard(grid, 'Gradient histograms', 'gradient-histograms', {
      svg: () => standaloneSvg(this.gradientHistograms.svg),
      csv: () => this.gradientHistograms.csv(),
    });
    this.gradientHistograms = new GradientHistograms(gradientCard.body, () => this.invalidate('norms'));
    this.gradientHistogramsCaption = gradientCard.caption;
    const histogramCard = createCard(grid, 'Hidden activations', 'hidden-histogram', {
      svg: () => standaloneSvg(this.histogram.svg),
      csv: () => this.histogram.csv(),
    });
    this.histogram = new HiddenHistogram(histogramCard.body, () => this.invalidate('hidden'));
    this.histogramCaption = histogramCard.caption;
    this.histogramTitle = histogramCard.root.querySelector('.card-title')!;
    this.addChart(grid, 'Hidden saturation', 'hidden-saturation', 'hidden', saturationChartSpec, saturationCaption);
    // Recurrent models only: shown while the run has time steps.
    this.throughTimeCard = this.addChart(grid, 'Gradient through time', 'gradient-through-time', 'norms', throughTimeChartSpec, throughTimeCaption).root;
    this.throughTimeCard.hidden = !state.info?.timeSteps;
    this.gateSaturationCard = this.addChart(grid, 'Gate saturation', 'gate-saturation', 'hidden', gateSaturationChartSpec, gateSaturationCaption).root;
    this.gateSaturationCard.hidden = !state.info?.saturating;

    this.weights = new WeightsPanel(
      panels[1],
      state.ui.tensor,
      (name) => this.selectTensor(name),
      () => this.invalidate('heatmap'),
    );

    const mapCard = createCard(panels[2], 'Embedding map', 'embedding-map', {
      svg: () => this.map.exportSvg(),
      csv: () => this.map.csv(),
    });
    mapCard.root.classList.add('card-tall');
    this.mapCaption = mapCard.caption;
    mapCard.body.classList.add('map-body');
    this.map = new EmbeddingMap(
      mapCard.body,
      (word) => {
        this.state.ui.word = word;
        this.unsaved = true;
      },
      () => this.invalidate('map'),
      () => this.scheduler.request(),
    );
    if (state.info) {
      this.nameTensors(state.info);
      this.map.setVocabulary(state.info.vocab, state.info.wordClasses, state.info.dataset.corpus !== undefined);
      this.map.restore(state.layout, state.ui.word);
      this.weights.setTensors(heatmapTensors(state.info), state.ui.tensor, state.info.dataset.corpus !== undefined);
    }

    onThemeChange(() => this.invalidate('header', 'curves', 'norms', 'hidden', 'heatmap', 'map'));
    setInterval(() => this.tick(), TICK_MS);
    this.scheduler.request();
  }

  handle(msg: ToDashboard): void {
    const changes = applyMessage(this.state, msg);
    this.unsaved = true;
    if (msg.type === 'run') {
      this.feed.reset();
      this.tensors.clear();
      this.mapWeights = undefined;
      this.nameTensors(msg.info);
      this.throughTimeCard.hidden = !msg.info.timeSteps;
      this.gateSaturationCard.hidden = !msg.info.saturating;
      this.map.setVocabulary(msg.info.vocab, msg.info.wordClasses, msg.info.dataset.corpus !== undefined);
      const tensors = heatmapTensors(msg.info);
      if (!tensors.some((t) => t.name === this.state.ui.tensor)) this.state.ui.tensor = tensors[0]?.name ?? '';
      this.weights.setTensors(tensors, this.state.ui.tensor, msg.info.dataset.corpus !== undefined);
      this.map.restore(this.state.layout, this.state.ui.word);
      this.invalidate('heatmap', 'map');
    }
    if (msg.type === 'tensor') this.receiveTensor(msg.data);
    if (msg.type === 'showTensor' && heatmapTensors(this.state.info).some((t) => t.name === msg.name)) {
      this.tabs.setAttribute('selected-index', String(TABS.findIndex((t) => t.id === 'weights')));
      this.selectTab('weights');
      this.weights.choose(msg.name);
      this.selectTensor(msg.name);
    }
    if (changes.header) this.invalidate('header');
    if (changes.curves) this.invalidate('curves');
    if (changes.norms) this.invalidate('norms');
    if (changes.hidden) this.invalidate('hidden');
    // Training stopped (a step, a breakpoint, a pause): the student is waiting for this frame.
    if (saysStopped(msg)) this.scheduler.request(true);
    this.tick();
  }

  private addChart(
    grid: HTMLElement,
    title: string,
    fileName: string,
    part: Part,
    spec: (s: DashboardState) => LineChartSpec,
    caption: (s: DashboardState) => string,
  ): { chart: LineChart; root: HTMLElement } {
    // The export callbacks run on click, after `chart` exists.
    const exports: CardExports = { svg: () => standaloneSvg(chart.svg), csv: () => chart.csv() };
    const card = createCard(grid, title, fileName, exports);
    const chart = new LineChart(card.body, () => this.invalidate(part));
    const entry: ChartCard = { chart, spec, caption, captionElement: card.caption, part, onScreen: true, stale: false };
    this.charts.push(entry);
    this.viewport.observe(card.root);
    this.cardOf.set(card.root, entry);
    return { chart, root: card.root };
  }

  /** The hidden tensor and the embedding by the names the model gives them. */
  private nameTensors(info: RunInfo): void {
    this.histogramTitle.textContent = info.hiddenTensor ? `Hidden activations ${info.hiddenTensor}` : 'Hidden activations';
    this.map.embeddingName = info.embedding ?? 'the embeddings';
    const twoDimensional = info.params.find((p) => p.name === info.embedding)?.shape[1] === 2;
    this.mapCaption.textContent = twoDimensional
      ? `Each word is a row of ${this.map.embeddingName}, drawn at its own two coordinates (D = 2: no t-SNE needed).`
      : `Each word is a row of ${this.map.embeddingName}, placed by t-SNE so that words with similar embeddings sit together.`;
  }

  private receiveTensor(data: TensorData): void {
    const step = this.state.cursor?.steps ?? 0;
    this.tensors.set(data.name, { data, step });
    this.feed.received(data.name, this.position());
    if (data.name === this.state.ui.tensor) this.invalidate('heatmap');
    if (data.name === this.state.info?.embedding) this.invalidate('map');
  }

  private selectTab(tab: TabId): void {
    this.state.ui.tab = tab;
    this.unsaved = true;
    this.invalidate(...TAB_PARTS[tab]);
    this.drawSoon();
    this.tick();
  }

  private selectTensor(name: string): void {
    if (name === this.state.ui.tensor) return;
    this.state.ui.tensor = name;
    this.unsaved = true;
    this.invalidate('heatmap');
    this.drawSoon();
    this.tick();
  }

  /** A click: the next frames draw it, without waiting out the running frame intervals. */
  private drawSoon(): void {
    this.chartsDrawnAt = -Infinity;
    this.scheduler.request(true);
  }

  private invalidate(...parts: Part[]): void {
    for (const p of parts) this.dirty.add(p);
    this.scheduler.request();
  }

  /** Where training is, down to the sub-step: tensors change whenever it moves. */
  private position(): string {
    const c = this.state.cursor;
    return c ? `${c.steps}:${c.phase}:${c.sub}` : '';
  }

  /** Asks for the tensors the visible tab shows, and saves the state now and then. */
  private tick(): void {
    const { info, runState, ui } = this.state;
    if (info) {
      const running = runState === 'running';
      const heatmapRefresh = HEATMAP_REFRESH_MS * Math.max(1, tensorEntries(info, ui.tensor) / HEATMAP_CELLS_PER_REFRESH);
      if (ui.tab === 'weights') this.feed.want(ui.tensor, this.position(), running ? heatmapRefresh : 0);
      const mapRefresh = Math.max(MAP_REFRESH_MS, MAP_IDLE_SHARE * this.map.layoutMs);
      if (ui.tab === 'embeddings' && info.embedding && !this.map.moving) this.feed.want(info.embedding, this.position(), running ? mapRefresh : 0);
    }
    const now = performance.now();
    if (this.unsaved && now - this.lastPersist >= (runState === 'running' ? RUNNING_PERSIST_MS : PERSIST_MS)) {
      this.state.layout = this.map.layout ?? this.state.layout;
      this.persist(toPersisted(this.state));
      this.unsaved = false;
      this.lastPersist = now;
    }
  }

  /**
   * Draws the dirty parts of the visible tab, and says when the next frame is wanted: while the
   * embedding map is still moving, or after an urgent frame (training just stopped), which draws
   * the header alone so that the new step shows at once, and the rest in the next.
   */
  private frame(urgent: boolean): FrameResult {
    const start = performance.now();
    const visible = new Set<Part>(['header', ...TAB_PARTS[this.state.ui.tab]]);
    const running = this.state.runState === 'running';
    const chartsWait = urgent || (running && start - this.chartsDrawnAt < RUNNING_CHART_MS);
    const due = new Set([...this.dirty].filter((p) => visible.has(p) && (p === 'header' || (p === 'map' ? !urgent : !chartsWait))));
    for (const p of due) this.dirty.delete(p);
    if ([...due].some((p) => p !== 'header' && p !== 'map')) this.chartsDrawnAt = start;
    // The map's drawing moves every label: not in an urgent frame.
    const deferred = [...this.dirty].some((p) => visible.has(p)) || (urgent && visible.has('map'));
    if (due.has('header')) this.header.render(this.state);
    for (const c of this.charts) {
      if (!due.has(c.part)) continue;
      c.stale = running && !c.onScreen;
      if (c.stale) continue;
      c.chart.render(c.spec(this.state));
      c.captionElement.textContent = c.caption(this.state);
    }
    if (due.has('hidden')) {
      this.histogram.render({ stats: this.state.hidden, activation: hiddenActivation(this.state) ?? 'activation' });
      this.histogramCaption.textContent = histogramCaption(this.state);
    }
    if (due.has('norms')) {
      this.gradientHistograms.render(this.state.gradHistograms);
      this.gradientHistogramsCaption.textContent = gradientHistogramsCaption(this.state.gradHistograms);
    }
    if (due.has('heatmap')) this.weights.render(this.state.ui.tensor, this.tensors.get(this.state.ui.tensor), this.state.info);
    let moved = false;
    this.map.setTraining(running, visible.has('map'));
    if (visible.has('map') && !urgent) {
      this.feedMap();
      moved = this.map.advance();
      // While training runs the map is drawn once its layout has settled rather than at every
      // slice: each drawing moves 250 labels, a transition the browser animates.
      if (due.has('map') || (moved && !(running && this.map.moving))) this.map.render();
      if (moved) this.unsaved = true;
    }
    performance.clearMeasures(FRAME_MEASURE);
    performance.measure(FRAME_MEASURE, { start, end: performance.now() });
    this.scheduler.minIntervalMs = running && !moved ? RUNNING_FRAME_MS : FRAME_MS;
    if (urgent && deferred) return 'next';
    return moved || deferred ? 'later' : 'done';
  }

  /** Hands the map the newest embedding (W1 in the MLP) it has not seen yet. */
  private feedMap(): void {
    const name = this.state.info?.embedding;
    const entry = name === undefined ? undefined : this.tensors.get(name);
    if (!entry || entry.data === this.mapWeights || entry.data.shape.length !== 2) return;
    this.mapWeights = entry.data;
    this.map.setWeights(Array.from(entry.data.values), entry.data.rows, entry.data.shape[1], entry.step);
  }
}

/** A matrix's entries from the model's declared shapes (a gradient has its parameter's, as heatmapTensors names it). */
function tensorEntries(info: RunInfo, name: string): number {
  const param = info.params.find((p) => p.name === name || `d${p.name}` === name);
  return param ? param.shape.reduce((a, b) => a * b, 1) : 0;
}
