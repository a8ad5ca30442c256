// Everything the dashboard draws, folded from the extension's messages; plus the small form of it
// kept by the webview's setState across hide/show and window reloads.
import {
  Cursor,
  EpochRecord,
  GradientHistogram,
  HiddenStats,
  HistoryData,
  isRewound,
  RunInfo,
  RunState,
  Snapshot,
  StoppedEvent,
  TimeTravelStatus,
  ToDashboard,
} from '../src/extension/protocol';
import type { Divergence } from '../src/engine/divergence';
import type { Bucket } from '../src/extension/bucketSeries';
import { RunHistory } from '../src/extension/runHistory';

export type TabId = 'curves' | 'weights' | 'embeddings';

/** How strongly the curves are smoothed: the half-life of the moving average, as a fraction of
 *  the steps shown ('off' draws each bucket's mean). */
export type Smoothing = 'off' | 'light' | 'medium' | 'strong';

export interface UiState {
  tab: TabId;
  tensor: string;
  /** Word pinned on the embedding map. */
  word?: string;
  smoothing: Smoothing;
  /** Steps on a log axis (the first steps spread out). */
  logX: boolean;
}

export interface DashboardState {
  runId?: string;
  info?: RunInfo;
  runState: RunState;
  cursor?: Cursor;
  lr?: number;
  examplesPerSecond: number;
  stopped?: StoppedEvent;
  /** How far back the run can go and where the present is (the last snapshot's). */
  timeTravel?: TimeTravelStatus;
  /** Set while the last snapshot said the run diverged. */
  divergence?: Divergence;
  /** The curves: loss and accuracy of every mini-batch, norms and saturation per snapshot. */
  history: RunHistory;
  epochs: EpochRecord[];
  hidden?: HiddenStats;
  /** Recurrent models: ‖∂L/∂H_t‖ per time step of info.timeSteps, from the last snapshot. */
  throughTime?: number[];
  /** Per declared saturating activation (info.saturating), its saturated share per time step. */
  saturating?: number[][];
  /** The distribution of each gradient's entries, from the last snapshot after a backward pass. */
  gradHistograms?: GradientHistogram[];
  ui: UiState;
  /** Last embedding map layout (n×2), to restart the map where it was. */
  layout?: number[];
}

/** Buckets per series that setState keeps (VS Code serialises it on every call); on reload the
 *  extension re-sends the whole history, so these only give the first paint. */
const PERSISTED_STEP_BUCKETS = 128;
const PERSISTED_SNAPSHOT_BUCKETS = 64;
const PERSISTED_FIRST_STEP_BUCKETS = 64;
/** Significant digits kept of saved values: plenty for redrawing a curve. */
const PERSISTED_DIGITS = 4;
const PERSIST_VERSION = 2;

export function emptyState(ui?: UiState): DashboardState {
  return {
    runState: 'idle',
    examplesPerSecond: 0,
    history: new RunHistory(),
    epochs: [],
    ui: ui ?? { tab: 'curves', tensor: '', smoothing: 'medium', logX: false },
  };
}

/** Which parts of the screen a message changed. */
export interface Changes {
  header?: boolean;
  curves?: boolean;
  norms?: boolean;
  hidden?: boolean;
}

export function applyMessage(state: DashboardState, msg: ToDashboard): Changes {
  switch (msg.type) {
    case 'run':
      applyRun(state, msg.runId, msg.info, msg.epochs, msg.history);
      return { header: true, curves: true, norms: true, hidden: true };
    case 'snapshot': {
      // The curves' marker of a rewound run moves with its cursor.
      const marked = rewoundStep(state) !== undefined;
      applySnapshot(state, msg.snapshot);
      return { header: true, curves: msg.snapshot.steps.length > 0 || marked || rewoundStep(state) !== undefined, norms: true, hidden: true };
    }
    case 'epoch':
      state.epochs = state.epochs.filter((e) => e.epoch !== msg.record.epoch).concat([msg.record]);
      return { header: true, curves: true };
    case 'stopped':
      state.stopped = msg.event;
      state.cursor = msg.event.cursor;
      return { header: true };
    case 'state':
      state.runState = msg.state;
      if (msg.state !== 'paused') state.stopped = undefined;
      return { header: true };
    case 'tensor':
    case 'showTensor':
      return {};
  }
}

/**
 * A 'run' message starts a new run, or re-sends the current one (with its whole history) after the
 * view was reloaded or opened late: then the map layout is kept.
 */
function applyRun(state: DashboardState, runId: string, info: RunInfo, epochs: EpochRecord[], history: HistoryData): void {
  const sameRun = state.runId === runId;
  state.runId = runId;
  state.info = info;
  state.epochs = epochs.slice();
  state.history = new RunHistory(history);
  state.stopped = undefined;
  if (!sameRun) {
    state.hidden = undefined;
    state.throughTime = undefined;
    state.saturating = undefined;
    state.gradHistograms = undefined;
    state.cursor = undefined;
    state.layout = undefined;
    state.divergence = undefined;
    state.timeTravel = undefined;
  }
}

function applySnapshot(state: DashboardState, s: Snapshot): void {
  state.runState = s.state;
  state.cursor = s.cursor;
  state.lr = s.lr;
  state.examplesPerSecond = s.examplesPerSecond;
  state.divergence = s.divergence;
  state.timeTravel = s.timeTravel;
  state.history.addSnapshot(s);
  if (s.hidden) state.hidden = s.hidden;
  if (s.throughTime) state.throughTime = s.throughTime;
  if (s.saturating) state.saturating = s.saturating;
  if (s.gradHistograms) state.gradHistograms = s.gradHistograms;
}

/** The hidden layer's activation: the model's (a recurrent model's tanh), else the setting. */
export function hiddenActivation(state: DashboardState): string | undefined {
  return state.info?.hiddenActivation ?? state.info?.config.activation;
}

/** The step the run was rewound to (the curves mark it), or undefined at the present. */
export function rewoundStep(state: DashboardState): number | undefined {
  const { cursor, timeTravel } = state;
  return cursor && isRewound({ cursor, timeTravel }) ? cursor.steps : undefined;
}

/** Global step at the end of an epoch, where its validation point is drawn. */
export function epochStep(state: DashboardState, epoch: number): number {
  return epoch * (state.info?.batchesPerEpoch ?? 0);
}

interface PersistedState extends Omit<DashboardState, 'history'> {
  version: number;
  history: HistoryData;
}

export function toPersisted(state: DashboardState): PersistedState {
  const history = state.history.compacted(PERSISTED_STEP_BUCKETS, PERSISTED_SNAPSHOT_BUCKETS, PERSISTED_FIRST_STEP_BUCKETS);
  const shortSeries = (series: HistoryData['steps']) => ({ buckets: series.buckets.map(shortBucket), latest: series.latest && shortBucket(series.latest) });
  return {
    ...state,
    version: PERSIST_VERSION,
    stopped: undefined,
    history: {
      ...history,
      steps: shortSeries(history.steps),
      firstSteps: shortSeries(history.firstSteps),
      params: shortSeries(history.params),
      grads: shortSeries(history.grads),
      ratios: history.ratios && shortSeries(history.ratios),
      hidden: shortSeries(history.hidden),
      correct: history.correct && shortSeries(history.correct),
    },
    layout: state.layout?.map(short),
  };
}

function short(v: number): number {
  return Number(v.toPrecision(PERSISTED_DIGITS));
}

function shortBucket(b: Bucket): Bucket {
  return { ...b, sum: b.sum.map(short), min: b.min.map(short), max: b.max.map(short), first: b.first.map(short), last: b.last.map(short) };
}

export function fromPersisted(saved: unknown): DashboardState {
  const s = saved as Partial<PersistedState> | undefined;
  if (!s || s.version !== PERSIST_VERSION) return emptyState();
  const { version: _version, history, ...restored } = s;
  return { ...emptyState(s.ui), ...restored, history: new RunHistory(history) };
}
