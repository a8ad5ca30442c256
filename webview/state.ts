// Everything the dashboard draws, folded from the extension's messages; plus the small form of it
// kept by the webview's setState across hide/show and window reloads.
import type {
  Cursor,
  EpochRecord,
  HiddenStats,
  RunInfo,
  RunState,
  Snapshot,
  StoppedEvent,
  ToDashboard,
} from '../src/extension/protocol';
import type { Divergence } from '../src/engine/divergence';
import { appendBounded, sampleEvenly, upsertLast } from './series';

export interface StepPoint {
  step: number;
  loss: number;
  acc: number;
}

/** L2 norms of the parameters or of their gradients at a snapshot, in the order of their names. */
export interface NormPoint {
  step: number;
  norms: number[];
}

export interface HiddenPoint {
  step: number;
  /** Fractions 0..1 of saturated values and of dead units. */
  saturated: number;
  dead: number;
}

export type TabId = 'curves' | 'weights' | 'embeddings';

export interface UiState {
  tab: TabId;
  tensor: string;
  /** Word pinned on the embedding map. */
  word?: string;
}

export interface DashboardState {
  runId?: string;
  info?: RunInfo;
  runState: RunState;
  cursor?: Cursor;
  lr?: number;
  examplesPerSecond: number;
  stopped?: StoppedEvent;
  /** Set while the last snapshot said the run diverged. */
  divergence?: Divergence;
  steps: StepPoint[];
  epochs: EpochRecord[];
  paramNames: string[];
  params: NormPoint[];
  gradNames: string[];
  grads: NormPoint[];
  hidden?: HiddenStats;
  hiddenHistory: HiddenPoint[];
  ui: UiState;
  /** Last embedding map layout (n×2), to restart the map where it was. */
  layout?: number[];
}

/** In-memory bounds; the extension itself keeps at most 4000 steps. */
const MAX_STEPS = 4000;
const MAX_SNAPSHOT_POINTS = 2000;
/** Bounds of what setState keeps (VS Code serialises it on every call); on reload the extension
 * re-sends the steps, so these only give the first paint, and the histories only this view keeps. */
const PERSISTED_STEPS = 500;
const PERSISTED_SNAPSHOT_POINTS = 200;
/** Significant digits kept of saved values: plenty for redrawing a curve. */
const PERSISTED_DIGITS = 4;
const PERSIST_VERSION = 1;

export function emptyState(ui?: UiState): DashboardState {
  return {
    runState: 'idle',
    examplesPerSecond: 0,
    steps: [],
    epochs: [],
    paramNames: [],
    params: [],
    gradNames: [],
    grads: [],
    hiddenHistory: [],
    ui: ui ?? { tab: 'curves', tensor: '' },
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
      applyRun(state, msg.runId, msg.info, msg.epochs, msg.steps.map(toStepPoint));
      return { header: true, curves: true, norms: true, hidden: true };
    case 'snapshot':
      applySnapshot(state, msg.snapshot);
      return { header: true, curves: msg.snapshot.steps.length > 0, norms: true, hidden: true };
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
 * A 'run' message starts a new run, or re-sends the current one after the view was reloaded:
 * then the histories only this view records (norms, saturation) and the map layout are kept.
 */
function applyRun(state: DashboardState, runId: string, info: RunInfo, epochs: EpochRecord[], steps: StepPoint[]): void {
  const sameRun = state.runId === runId;
  state.runId = runId;
  state.info = info;
  state.epochs = epochs.slice();
  state.steps = appendBounded([], steps, MAX_STEPS);
  state.stopped = undefined;
  if (!sameRun) {
    state.params = [];
    state.paramNames = [];
    state.grads = [];
    state.gradNames = [];
    state.hiddenHistory = [];
    state.hidden = undefined;
    state.cursor = undefined;
    state.layout = undefined;
    state.divergence = undefined;
  }
}

function applySnapshot(state: DashboardState, s: Snapshot): void {
  state.runState = s.state;
  state.cursor = s.cursor;
  state.lr = s.lr;
  state.examplesPerSecond = s.examplesPerSecond;
  state.divergence = s.divergence;
  state.steps = appendBounded(state.steps, s.steps.map(toStepPoint), MAX_STEPS);
  const step = s.cursor.steps;
  if (s.params.length) {
    state.paramNames = s.params.map((p) => p.name);
    state.params = upsertLast(state.params, { step, norms: s.params.map((p) => p.norm) }, MAX_SNAPSHOT_POINTS);
  }
  if (s.grads.length) {
    state.gradNames = s.grads.map((g) => g.name);
    state.grads = upsertLast(state.grads, { step, norms: s.grads.map((g) => g.norm) }, MAX_SNAPSHOT_POINTS);
  }
  if (s.hidden) {
    state.hidden = s.hidden;
    const dead = s.hidden.units ? s.hidden.deadUnits / s.hidden.units : 0;
    state.hiddenHistory = upsertLast(state.hiddenHistory, { step, saturated: s.hidden.saturated, dead }, MAX_SNAPSHOT_POINTS);
  }
}

function toStepPoint(r: { step: number; loss: number; acc: number }): StepPoint {
  return { step: r.step, loss: r.loss, acc: r.acc };
}

/** Global step at the end of an epoch, where its validation point is drawn. */
export function epochStep(state: DashboardState, epoch: number): number {
  return epoch * (state.info?.batchesPerEpoch ?? 0);
}

interface PersistedState extends DashboardState {
  version: number;
}

export function toPersisted(state: DashboardState): PersistedState {
  return {
    ...state,
    version: PERSIST_VERSION,
    stopped: undefined,
    steps: sampleEvenly(state.steps, PERSISTED_STEPS).map((p) => ({ step: p.step, loss: short(p.loss), acc: short(p.acc) })),
    params: sampleEvenly(state.params, PERSISTED_SNAPSHOT_POINTS).map(shortNorms),
    grads: sampleEvenly(state.grads, PERSISTED_SNAPSHOT_POINTS).map(shortNorms),
    hiddenHistory: sampleEvenly(state.hiddenHistory, PERSISTED_SNAPSHOT_POINTS).map((h) => ({ step: h.step, saturated: short(h.saturated), dead: short(h.dead) })),
    layout: state.layout?.map(short),
  };
}

function short(v: number): number {
  return Number(v.toPrecision(PERSISTED_DIGITS));
}

function shortNorms(p: NormPoint): NormPoint {
  return { step: p.step, norms: p.norms.map(short) };
}

export function fromPersisted(saved: unknown): DashboardState {
  const s = saved as Partial<PersistedState> | undefined;
  if (!s || s.version !== PERSIST_VERSION) return emptyState();
  const { version: _version, ...restored } = s;
  return { ...emptyState(s.ui), ...restored };
}
