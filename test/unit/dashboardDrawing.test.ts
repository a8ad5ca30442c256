// What keeps the dashboard cheap to draw while training runs and quick when it stops: dense raw
// series drawn as the band they fill, and the frame scheduler's intervals and urgent frames; and
// the state its header draws a diverged run's warning from.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Divergence } from '../../src/engine/divergence';
import type { RunInfo, ToDashboard } from '../../src/extension/protocol';
import { RunHistory } from '../../src/extension/runHistory';
import { FrameResult, FrameScheduler } from '../../webview/scheduler';
import { bucketBand } from '../../webview/series';
import { applyMessage, emptyState } from '../../webview/state';

/** Single values at x (pixels): buckets of one record each, as the first steps of a run are. */
const denseEnvelope = (x: number[], y: number[], minPerColumn: number) => bucketBand(x, x, y, y, true, minPerColumn);

test('a dense series becomes one band column per occupied pixel column, with its least and greatest values', () => {
  // 12 points over 3 pixel columns.
  const x = [0.1, 0.4, 0.7, 0.9, 1.2, 1.5, 1.6, 1.8, 2.0, 2.3, 2.5, 2.9];
  const y = [5, 1, 3, 2, 7, 6, 9, 8, 4, 4, 0, 2];
  const band = denseEnvelope(x, y, 2);
  assert.deepEqual(band, { x: [0.1, 1.2, 2.0], lo: [1, 6, 0], hi: [5, 9, 4] });
});

test('a series with few points per pixel column stays a line', () => {
  const x = [0, 1, 2, 3, 4, 5];
  assert.equal(denseEnvelope(x, [1, 2, 3, 4, 5, 6], 2), undefined);
  // Two points per column is not more than two.
  assert.equal(denseEnvelope([0, 0.5, 1, 1.5], [1, 2, 3, 4], 2), undefined);
  assert.equal(denseEnvelope([0.1, 0.2, 0.3], [1, 2, 3], 2), undefined, 'a single column is no band');
});

/** A clock and frame queue standing in for the browser's, driven by the test. */
function fakeBrowser() {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  let frames: (() => void)[] = [];
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = { requestAnimationFrame: g.requestAnimationFrame, setTimeout: g.setTimeout, clearTimeout: g.clearTimeout, performance: g.performance };
  g.requestAnimationFrame = (fn: () => void) => frames.push(fn);
  g.setTimeout = (fn: () => void, ms: number) => timers.push({ at: now + ms, fn }) - 1;
  g.clearTimeout = (id: number | undefined) => {
    if (id !== undefined && timers[id]) timers[id].fn = () => undefined;
  };
  Object.defineProperty(g, 'performance', { value: { now: () => now }, configurable: true });
  return {
    /** Advances the clock by `ms`, firing due timers, then runs one animation frame. */
    advance(ms: number) {
      now += ms;
      for (const t of timers) {
        if (t.at <= now) {
          const fn = t.fn;
          t.fn = () => undefined;
          fn();
        }
      }
      const due = frames;
      frames = [];
      for (const f of due) f();
    },
    restore() {
      g.requestAnimationFrame = saved.requestAnimationFrame;
      g.setTimeout = saved.setTimeout;
      g.clearTimeout = saved.clearTimeout;
      Object.defineProperty(g, 'performance', { value: saved.performance, configurable: true });
    },
  };
}

test('frames keep the interval apart; an urgent request takes the next animation frame, then the rest follows in the one after', () => {
  const browser = fakeBrowser();
  try {
    const drawn: { at: number; urgent: boolean }[] = [];
    let clock = 0;
    let answer: FrameResult = 'done';
    const scheduler = new FrameScheduler((urgent) => {
      drawn.push({ at: clock, urgent });
      return answer;
    }, 500);
    const step = (ms: number) => {
      clock += ms;
      browser.advance(ms);
    };
    scheduler.request();
    step(0);
    assert.deepEqual(drawn, [{ at: 0, urgent: false }]);
    scheduler.request();
    step(100);
    assert.equal(drawn.length, 1, 'no frame within the interval');
    // Training stopped: drawn in the next animation frame, not 400 ms later.
    answer = 'next';
    scheduler.request(true);
    step(16);
    assert.deepEqual(drawn.at(-1), { at: 116, urgent: true });
    answer = 'done';
    step(16);
    assert.deepEqual(drawn.at(-1), { at: 132, urgent: false }, 'the rest of an urgent frame comes in the next one');
    step(1000);
    assert.equal(drawn.length, 3, 'the interval timer brought forward by the urgent frame does not fire again');
  } finally {
    browser.restore();
  }
});

test('the dashboard keeps the divergence of the last snapshot for its header, and a new run drops it', () => {
  const state = emptyState();
  const snapshot = (divergence?: Divergence): ToDashboard => ({
    type: 'snapshot',
    snapshot: { state: 'running', cursor: { epoch: 0, batch: 3, phase: 0, sub: 0, steps: 3 }, lr: 100, steps: [], params: [], grads: [], examplesPerSecond: 0, divergence },
  });
  const divergence = { meanLoss: 34.3, steps: 3, uniformLoss: Math.log(249) };
  assert.equal(applyMessage(state, snapshot(divergence)).header, true, 'the header redraws');
  assert.deepEqual(state.divergence, divergence);
  applyMessage(state, snapshot());
  assert.equal(state.divergence, undefined, 'a healthy snapshot clears it');
  applyMessage(state, snapshot(divergence));
  applyMessage(state, { type: 'state', state: 'finished' });
  assert.deepEqual(state.divergence, divergence, 'a finished diverged run still says so');
  const info = { dataset: { name: 'demo' } } as RunInfo;
  applyMessage(state, { type: 'run', runId: 'next', info, epochs: [], history: new RunHistory().toData() });
  assert.equal(state.divergence, undefined);
});
