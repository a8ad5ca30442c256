// Dashboard webview harness: bundles webview/main.ts, serves it with media/dashboard.css on
// 127.0.0.1, stubs acquireVsCodeApi, streams a realistic training run into the page in headless
// Chromium (playwright-core from the VS Code test runtime) and, for the light, dark and
// high-contrast themes, checks the curves, the heatmap and the embedding map (colour contrast,
// label overlaps, marker shapes, neighbour values), the heatmaps of W1 and W3 at V = 8000 (the
// whole matrix, zoom, pan, the word and value under the pointer), the embedding map of 8,000 words
// (labels, dots, search and neighbours) and writes screenshots to
// .vscode-test-out/dashboard-<theme>-<tab>.png. Also measures render time per
// frame with 4000 steps of series, t-SNE settling time (250 words, and 8,000 in the layout worker)
// and the bundle size. Downloads made by the
// export buttons are kept as .vscode-test-out/dashboard-export-*.
//
//   node test/ui/dashboard/run.mjs      (env: VSCODE_RUNTIME, CHROMIUM, NO_BUILD=1)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { layoutWorkerDefine } from '../../../scripts/layoutWorkerSource.mjs';
import { EMPTY_HISTORY, historyOf, largeRunInfo, runInfo, largeTensor, largeValue, largeVocabulary, LARGE_V, longHistory, random, snapshot, tensor, trainingMessages } from './fixtures.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const outDir = path.join(root, '.vscode-test-out');
const runtime = process.env.VSCODE_RUNTIME ?? path.join(os.homedir(), '.cache/vscode-runtime');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const THEMES = ['vscode-light', 'vscode-dark', 'vscode-high-contrast'];
const SERVED = ['/test/ui/dashboard/', '/media/', '/dist/webview.js'];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function buildWebview() {
  if (process.env.NO_BUILD) return;
  const { build } = await import('esbuild');
  await build({
    entryPoints: [path.join(root, 'webview/main.ts')],
    outfile: path.join(root, 'dist/webview.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    logLevel: 'warning',
    define: await layoutWorkerDefine(true),
  });
}

function serve() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = path.join(root, path.normalize(url.pathname));
    if (!SERVED.some((p) => url.pathname.startsWith(p)) || !file.startsWith(root) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Opens the harness page; tensor requests are answered like the extension would, a bit later. */
async function openPage(context, base, theme, answer = (page, name, seed) => send(page, [tensor(name, seed)])) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  let seed = 100;
  await page.exposeFunction('__onPost', (message) => {
    if (message.type !== 'requestTensor') return;
    const name = message.name;
    const replySeed = seed++;
    setTimeout(() => void answer(page, name, replySeed).catch(() => {}), 20);
  });
  await page.goto(`${base}/test/ui/dashboard/page.html?theme=${theme}`);
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  return { page, errors };
}

function send(page, messages) {
  return page.evaluate((list) => list.forEach((m) => window.postMessage(m, '*')), messages);
}

/** Streams the run in bursts, as the throttled panel would; then stops at a breakpoint, or keeps running. */
async function streamRun(page, stopAtBreakpoint) {
  const messages = trainingMessages(3000, 10);
  for (let i = 0; i < messages.length; i += 12) {
    await send(page, messages.slice(i, i + 12));
    await sleep(15);
  }
  if (!stopAtBreakpoint) return sleep(400);
  const last = messages.filter((m) => m.type === 'snapshot').pop().snapshot;
  const cursor = { ...last.cursor, phase: 7 };
  await send(page, [
    { type: 'snapshot', snapshot: { ...last, state: 'paused', cursor, steps: [] } },
    { type: 'stopped', event: { reason: 'breakpoint', cursor, description: 'breakpoint on phase dW3 (dW3 = Hᵀ·dZ2 ; db2 = Σ dZ2)', breakpointIds: [1] } },
  ]);
  await sleep(400);
}

async function selectTab(page, index) {
  await page.locator('vscode-tab-header').nth(index).click();
  await sleep(300);
}

/** Picks a tensor in the heatmap's dropdown and waits for its reply to be drawn. */
async function selectTensor(page, name) {
  await page.evaluate((value) => {
    const select = document.querySelector('vscode-single-select[aria-label="Tensor"]');
    select.value = value;
    select.dispatchEvent(new Event('change'));
  }, name);
  await page.waitForFunction(
    (value) => [...document.querySelectorAll('.card-caption')].some((c) => c.textContent?.startsWith(`${value} [`)),
    name,
  );
  await sleep(200);
}

async function checkCurves(page) {
  // While training runs the panel draws the charts every 2 s: on a busy machine the first draw may be due yet.
  await page.waitForFunction(() => document.querySelectorAll('svg.chart path.series').length >= 10, null, { timeout: 10000 });
  const counts = await page.evaluate(() =>
    [...document.querySelectorAll('svg.chart path.series')].map((p) => (p.getAttribute('d') ?? '').split(/[LM]/).length - 1),
  );
  assert.ok(counts.length >= 10, `series paths: ${counts.length}`);
  const rich = counts.filter((n) => n >= 100).length;
  assert.ok(rich >= 6, `paths with ≥ 100 points: ${rich} (${counts.join(', ')})`);
}

async function checkHeatmap(page) {
  await page.waitForFunction(() => {
    const c = document.querySelector('canvas.heatmap-canvas');
    return c && !c.hidden && c.width > 0;
  });
  const distinct = await page.evaluate(() => {
    const c = document.querySelector('canvas.heatmap-canvas');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4 * 97) colours.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    return colours.size;
  });
  assert.ok(distinct > 20, `heatmap canvas has ${distinct} distinct colours`);
}

async function checkMap(page) {
  await page.waitForFunction(() => document.querySelectorAll('svg.embedding-map g.word text').length === 250);
  // Let t-SNE settle (MAP_TSNE.firstIterations from a random start, in the layout worker; a busy
  // machine takes its time): the status names the iteration without "(still moving)".
  await page.waitForFunction(
    () => /iteration [\d,]+,/.test(document.querySelector('.aside-status')?.textContent ?? ''),
    null,
    { timeout: 90000 },
  );
  await sleep(300);
  const labels = await page.evaluate(() => [...document.querySelectorAll('svg.embedding-map g.word text')].map((t) => t.textContent));
  assert.equal(labels.length, 250);
  assert.equal(new Set(labels).size, 250);
}

/**
 * WCAG contrast of every series and class colour against the page background, from the computed
 * styles: `[what, colour, ratio]` for each drawn colour below 3:1 (none expected).
 */
function lowContrastColours(page, selectors) {
  return page.evaluate((list) => {
    const rgb = (text) => (/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(text) ?? []).slice(1).map(Number);
    const lum = (c) => {
      const [r, g, b] = c.map((v) => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const contrast = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
    const background = rgb(getComputedStyle(document.body).backgroundColor);
    const seen = new Map();
    for (const [selector, property] of list) {
      for (const el of document.querySelectorAll(selector)) {
        const colour = getComputedStyle(el).getPropertyValue(property);
        if (colour === 'none' || seen.has(colour)) continue;
        seen.set(colour, [selector, colour, Math.round(contrast(rgb(colour), background) * 100) / 100]);
      }
    }
    return { checked: seen.size, low: [...seen.values()].filter(([, , ratio]) => !(ratio >= 3)) };
  }, selectors);
}

async function checkSeriesContrast(page) {
  const { checked, low } = await lowContrastColours(page, [
    ['svg.chart path.series-line', 'stroke'],
    ['svg.chart path.series-points', 'stroke'],
    ['svg.chart line.legend-swatch.series-line', 'stroke'],
    ['svg.chart circle.marker', 'fill'],
    ['svg.chart .bar', 'fill'],
  ]);
  assert.ok(checked >= 5, `series colours checked: ${checked}`);
  assert.deepEqual(low, [], 'series colours below 3:1 contrast');
  return checked;
}

/** Shown map labels (page px), the ones that overlap another by more than half a pixel, and the map's area. */
function mapLabels(page) {
  return page.evaluate(() => {
    const boxes = [...document.querySelectorAll('svg.embedding-map g.word:not(.label-hidden) text')].map((t) => {
      const r = t.getBoundingClientRect();
      return { word: t.textContent, left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    });
    const overlaps = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 0.5 && h > 0.5) overlaps.push(`${a.word}/${b.word}`);
      }
    }
    // The clip rectangle (the map without its legend), in page coordinates.
    const svg = document.querySelector('svg.embedding-map').getBoundingClientRect();
    const rect = document.querySelector('#embedding-map-clip rect');
    const clip = { left: svg.left, top: svg.top, right: svg.left + Number(rect.getAttribute('width')), bottom: svg.top + Number(rect.getAttribute('height')) };
    clip.width = clip.right - clip.left;
    clip.height = clip.bottom - clip.top;
    const outside = boxes.filter((b) => b.left < clip.left - 0.5 || b.right > clip.right + 0.5 || b.top < clip.top - 0.5 || b.bottom > clip.bottom + 0.5);
    return { shown: boxes.length, overlaps, outside: outside.map((b) => b.word), clip: { x: clip.left, y: clip.top, width: clip.width, height: clip.height } };
  });
}

/** Labels never overlap (overview, zoomed in, hovering); zooming in shows more; the hovered word is labelled. */
async function checkMapLabels(page) {
  const overview = await mapLabels(page);
  assert.deepEqual(overview.overlaps, [], 'overlapping map labels');
  assert.deepEqual(overview.outside, [], 'labels outside the map');
  assert.ok(overview.shown >= 60, `labels shown in the overview: ${overview.shown}`);
  const { clip } = overview;
  // Zoomed in, a larger share of the words in view is labelled.
  await page.mouse.move(clip.x + clip.width / 2, clip.y + clip.height / 2);
  for (let k = 0; k < 2; k++) await page.mouse.wheel(0, -240);
  await sleep(400);
  const zoomed = await mapLabels(page);
  assert.deepEqual(zoomed.overlaps, [], 'overlapping map labels, zoomed in');
  const inView = await page.evaluate((c) => {
    const markers = [...document.querySelectorAll('svg.embedding-map g.word path')].map((p) => p.getBoundingClientRect());
    const inside = (r) => (r.left + r.right) / 2 >= c.x && (r.left + r.right) / 2 <= c.x + c.width && (r.top + r.bottom) / 2 >= c.y && (r.top + r.bottom) / 2 <= c.y + c.height;
    return markers.filter(inside).length;
  }, clip);
  assert.ok(zoomed.shown / inView > overview.shown / 250, `zoomed in: ${zoomed.shown} of ${inView} words labelled; overview ${overview.shown} of 250`);
  for (let k = 0; k < 2; k++) await page.mouse.wheel(0, 240);
  await sleep(400);
  // The hovered word's label shows even where it had no room, in front of the others.
  const hidden = await page.evaluate(() => document.querySelector('svg.embedding-map g.word.label-hidden')?.dataset.index);
  assert.ok(hidden !== undefined, 'the overview leaves some labels out');
  await page.locator(`svg.embedding-map g.word[data-index="${hidden}"] path`).hover({ force: true });
  await sleep(300);
  const hovered = await page.evaluate((i) => {
    const g = document.querySelector(`svg.embedding-map g.word[data-index="${i}"]`);
    return { labelled: !g.classList.contains('label-hidden'), onTop: g.parentNode.lastElementChild === g };
  }, hidden);
  assert.deepEqual(hovered, { labelled: true, onTop: true }, 'hovered word labelled, on top');
  const whileHovering = await mapLabels(page);
  assert.deepEqual(whileHovering.overlaps, [], 'overlapping map labels while hovering');
  await page.mouse.move(clip.x + clip.width + 20, clip.y - 20);
  return { labelledInOverview: `${overview.shown} of 250`, labelledZoomedIn: `${zoomed.shown} of ${inView}` };
}

/** Class colours: readable (≥ 3:1), and colour + marker shape tell every class apart. */
async function checkMapClasses(page) {
  const legend = await page.evaluate(() =>
    [...document.querySelectorAll('svg.embedding-map .legend-item')].map((g) => {
      const marker = g.querySelector('path');
      return { fill: getComputedStyle(marker).fill, shape: marker.getAttribute('d') };
    }),
  );
  const fills = new Set(legend.map((k) => k.fill));
  assert.ok(legend.length >= 25, `classes: ${legend.length}`);
  assert.equal(new Set(legend.map((k) => `${k.fill} ${k.shape}`)).size, legend.length, 'two classes share colour and marker shape');
  assert.ok(fills.size < legend.length && fills.size >= 6, `${fills.size} colours for ${legend.length} classes`);
  const markers = await page.evaluate(() => new Set([...document.querySelectorAll('svg.embedding-map g.word path')].map((p) => `${getComputedStyle(p).fill} ${p.getAttribute('d')}`)).size);
  assert.equal(markers, legend.length, 'map markers take their class style');
  const { checked, low } = await lowContrastColours(page, [
    ['svg.embedding-map .legend-item path', 'fill'],
    ['svg.embedding-map g.word path', 'fill'],
  ]);
  assert.deepEqual(low, [], 'class colours below 3:1 contrast');
  return { classes: legend.length, colours: fills.size, checked };
}

/** The neighbour list tells its values apart (W1 rows of the weekdays point nearly the same way). */
async function checkNeighbours(page) {
  const values = await page.evaluate(() => [...document.querySelectorAll('.neighbour-similarity')].map((s) => s.textContent));
  assert.ok(values.length >= 6, `neighbours: ${values.join(', ')}`);
  assert.equal(new Set(values).size, values.length, `indistinguishable neighbours: ${values.join(', ')}`);
  return values;
}

/** makemore part 3's diagnostics: a ratio curve per parameter with the dashed −3 line, and a
 *  histogram panel of 30 bars per gradient. */
async function checkDiagnostics(page) {
  const card = (title) => page.locator('section.card').filter({ has: page.locator('h2.card-title', { hasText: new RegExp(`^${title}$`) }) });
  const ratios = card('Update / data ratio');
  await ratios.scrollIntoViewIfNeeded();
  // Drawn when it comes into view (within the running panel's 2 s between chart draws).
  await page.waitForFunction(() => {
    const c = [...document.querySelectorAll('section.card')].find((s) => s.querySelector('h2')?.textContent === 'Update / data ratio');
    return [...c.querySelectorAll('path.series-line')].filter((p) => (p.getAttribute('d') ?? '').length > 100).length === 5;
  }, null, { timeout: 10000 });
  assert.equal(await ratios.locator('line.reference').count(), 1, 'the −3 reference line');
  assert.equal(await ratios.locator('.reference-label').textContent(), 'makemore: ≈ −3');
  assert.match(await ratios.locator('.card-caption').textContent(), /^Around −3 \(dashed\) is healthy; much lower: learning too slowly, much higher: too fast\. W1 −\d\.\d\d · W2 −\d\.\d\d · b1 /);
  const legend = await ratios.locator('text.legend').allTextContents();
  assert.deepEqual(legend.filter((t) => /^(W1|W2|b1|W3|b2)$/.test(t)), ['W1', 'W2', 'b1', 'W3', 'b2'], `legend: ${legend.join(', ')}`);
  const histograms = card('Gradient histograms');
  await histograms.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.querySelectorAll('svg.gradient-histograms g.gradient-panel').length === 5, null, { timeout: 10000 });
  const panels = await histograms.locator('g.gradient-panel').evaluateAll((gs) =>
    gs.map((g) => ({ title: g.querySelector('.panel-title')?.textContent ?? '', bars: g.querySelectorAll('rect.gradient-bar').length, tall: [...g.querySelectorAll('rect.gradient-bar')].filter((r) => Number(r.getAttribute('height')) > 1).length })),
  );
  assert.deepEqual(panels.map((p) => p.title.split(' ')[0]), ['dW1', 'dW2', 'db1', 'dW3', 'db2']);
  for (const p of panels) {
    assert.equal(p.bars, 30, `${p.title}: 30 bins`);
    assert.ok(p.tall >= 3, `${p.title}: bars of several heights (${p.tall} visible)`);
  }
  assert.match(await histograms.locator('.card-caption').textContent(), /^Entries of each gradient at the latest snapshot: 30 bins from its least to its greatest value, heights on a log scale\.$/);
}

/** A screenshot of one card (chart), as the README shows it. */
async function cardScreenshot(page, title, name) {
  const file = path.join(outDir, `dashboard-${name}.png`);
  await page.locator('section.card').filter({ has: page.locator('h2.card-title', { hasText: new RegExp(`^${title}$`) }) }).screenshot({ path: file });
  return file;
}

async function screenshot(page, name) {
  const file = path.join(outDir, `dashboard-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

async function themeRun(context, base, theme) {
  const { page, errors } = await openPage(context, base, theme);
  // The light theme shows a run in progress, the others one paused at a breakpoint.
  await streamRun(page, theme !== 'vscode-light');
  const shots = [];
  const readability = {};
  await checkCurves(page);
  readability.seriesColours = await checkSeriesContrast(page);
  shots.push(await cardScreenshot(page, 'Parameter norms', `${theme}-parameter-norms`));
  await checkDiagnostics(page);
  shots.push(await cardScreenshot(page, 'Update / data ratio', `${theme}-update-ratio`));
  shots.push(await cardScreenshot(page, 'Gradient histograms', `${theme}-gradient-histograms`));
  await page.evaluate(() => window.scrollTo(0, 0));
  // Shows the hover read-out on the loss chart.
  await page.locator('svg.chart').first().hover({ position: { x: 200, y: 120 } });
  shots.push(await screenshot(page, `${theme}-curves`));
  await selectTab(page, 1);
  await checkHeatmap(page);
  await page.locator('canvas.heatmap-canvas').hover({ position: { x: 40, y: 120 } });
  shots.push(await screenshot(page, `${theme}-weights`));
  if (theme === 'vscode-dark') {
    for (const name of ['W2', 'W3', 'dW1']) {
      await selectTensor(page, name);
      await checkHeatmap(page);
      shots.push(await screenshot(page, `${theme}-weights-${name}`));
    }
    await selectTensor(page, 'W1');
  }
  await selectTab(page, 2);
  const settleStart = Date.now();
  await checkMap(page);
  const tsneSettleMs = Date.now() - settleStart;
  readability.classes = await checkMapClasses(page);
  shots.push(await screenshot(page, `${theme}-embeddings-overview`));
  shots.push(await cardScreenshot(page, 'Embedding map', `${theme}-embedding-map`));
  readability.labels = await checkMapLabels(page);
  await page.locator('vscode-textfield[aria-label="Find a word"] input').fill('monday');
  await sleep(300);
  readability.neighbours = await checkNeighbours(page);
  shots.push(await screenshot(page, `${theme}-embeddings`));
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], 'CSP violations');
  assert.deepEqual(errors, [], 'page errors');
  return { page, shots, tsneSettleMs, readability };
}

/** Clicks a card's download button and returns the downloaded file's bytes. */
async function download(page, cardTitle, format) {
  const card = page.locator('section.card').filter({ has: page.locator('h2.card-title', { hasText: new RegExp(`^${cardTitle}$`) }) });
  const [file] = await Promise.all([page.waitForEvent('download'), card.locator('button.link-button', { hasText: format }).click()]);
  const name = file.suggestedFilename();
  await file.saveAs(path.join(outDir, `dashboard-export-${name}`));
  return { name, bytes: fs.readFileSync(path.join(outDir, `dashboard-export-${name}`)) };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

/** Every card exports PNG, SVG and CSV; checks a chart, the heatmap and the map (the map's tab is open). */
async function checkExports(page) {
  const mapSvg = await download(page, 'Embedding map', 'SVG');
  assert.equal(mapSvg.name, 'embedding-map.svg');
  assert.equal((mapSvg.bytes.toString().match(/<text/g) ?? []).length >= 250, true, 'map SVG has the word labels');
  const mapCsv = (await download(page, 'Embedding map', 'CSV')).bytes.toString().trim().split('\n');
  assert.equal(mapCsv[0], 'word,class,x,y');
  assert.equal(mapCsv.length, 251);
  await selectTab(page, 1);
  const heatmapPng = await download(page, 'Weights & gradients', 'PNG');
  assert.ok(heatmapPng.bytes.subarray(0, 4).equals(PNG_SIGNATURE) && heatmapPng.bytes.length > 10000, 'heatmap PNG');
  const heatmapCsv = (await download(page, 'Weights & gradients', 'CSV')).bytes.toString().trim().split('\n');
  assert.equal(heatmapCsv.length, 251, 'W1 CSV: header + 250 word rows');
  await selectTab(page, 0);
  const lossPng = await download(page, 'Loss', 'PNG');
  assert.ok(lossPng.bytes.subarray(0, 4).equals(PNG_SIGNATURE), 'loss PNG');
  const lossSvg = (await download(page, 'Loss', 'SVG')).bytes.toString();
  assert.ok(lossSvg.startsWith('<svg') && lossSvg.includes('stroke="rgb('), 'loss SVG with inlined theme colours');
  const lossCsv = (await download(page, 'Loss', 'CSV')).bytes.toString().trim().split('\n');
  assert.equal(lossCsv[0], 'series,step (mini-batches),cross-entropy (nats)');
  assert.ok(lossCsv.length > 3000, `loss CSV rows: ${lossCsv.length}`);
  const ratioCsv = (await download(page, 'Update / data ratio', 'CSV')).bytes.toString().trim().split('\n');
  assert.equal(ratioCsv[0], 'series,step (mini-batches),log₁₀ std(lr·grad) / std(param)');
  assert.ok(ratioCsv.length > 5 * 250, `ratio CSV rows: ${ratioCsv.length}`);
  const histogramCsv = (await download(page, 'Gradient histograms', 'CSV')).bytes.toString().trim().split('\n');
  assert.equal(histogramCsv[0], 'gradient,bin_start,bin_end,count');
  assert.equal(histogramCsv.length, 1 + 5 * 30, 'a row per bin of each gradient');
  const histogramSvg = (await download(page, 'Gradient histograms', 'SVG')).bytes.toString();
  assert.ok(histogramSvg.startsWith('<svg') && (histogramSvg.match(/<rect/g) ?? []).length >= 150 && histogramSvg.includes('fill="rgb('), 'histogram SVG with its bars in theme colours');
  await selectTab(page, 2);
}

/** Header buttons post commands; a reload restores the curves and the tab from setState. */
async function checkInteractionAndRestore(page) {
  await page.locator('vscode-button', { hasText: 'Resume' }).click();
  assert.ok(await page.evaluate(() => window.__posted.some((m) => m.type === 'command' && m.command === 'resume')), 'Resume posts a command');
  await sleep(1200);
  const stateBytes = await page.evaluate(() => sessionStorage.getItem('vscodeState')?.length ?? 0);
  await page.reload();
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  await sleep(500);
  const restored = await page.evaluate(() => ({
    words: document.querySelectorAll('svg.embedding-map g.word').length,
    tab: document.querySelector('vscode-tabs')?.getAttribute('selected-index'),
  }));
  restored.stateBytes = stateBytes;
  assert.ok(stateBytes < 100_000, `saved state is ${stateBytes} bytes`);
  assert.equal(restored.tab, '2', 'selected tab restored');
  assert.equal(restored.words, 250, 'embedding layout restored');
  await selectTab(page, 0);
  restored.curves = await page.evaluate(() => [...document.querySelectorAll('svg.chart path.series')].filter((p) => (p.getAttribute('d') ?? '').length > 100).length);
  assert.ok(restored.curves >= 6, `curves restored after reload: ${restored.curves} paths`);

  // The extension answers 'ready' with the run again and its whole history, norms included;
  // another run starts them afresh.
  const messages = trainingMessages(3000, 10);
  const resend = {
    ...messages[0],
    epochs: messages.filter((m) => m.type === 'epoch').map((m) => m.record),
    history: historyOf(messages),
  };
  const gradientLines = async () => {
    await sleep(400);
    return page.evaluate(() => {
      const card = [...document.querySelectorAll('section.card')].find((c) => c.querySelector('h2')?.textContent === 'Gradient norms');
      return [...card.querySelectorAll('path.series-line')].filter((p) => (p.getAttribute('d') ?? '').length > 100).length;
    });
  };
  await send(page, [resend]);
  assert.equal(await gradientLines(), 5, 'same run: gradient norm history kept');
  await send(page, [{ ...resend, runId: 'another-run', epochs: [], history: EMPTY_HISTORY }]);
  assert.equal(await gradientLines(), 0, 'new run: gradient norm history cleared');
  return restored;
}

/** The loss band's first vertex in plot pixels, and the x-axis labels of the Loss card. */
function lossBandStart(page) {
  return page.evaluate(() => {
    const card = [...document.querySelectorAll('section.card')].find((c) => c.querySelector('h2')?.textContent === 'Loss');
    const band = card.querySelector('path.series-band')?.getAttribute('d') ?? '';
    const [x, y] = (/^M([-\d.]+),([-\d.]+)/.exec(band) ?? []).slice(1).map(Number);
    const plotHeight = card.querySelector('g.axis path.domain')?.getBBox().height ?? 0;
    const ticks = [...card.querySelectorAll('g.axis')].at(-1);
    return { x, y, plotHeight, xLabels: [...ticks.querySelectorAll('text')].map((t) => t.textContent), legend: [...card.querySelectorAll('text.legend')].map((t) => t.textContent) };
  });
}

/**
 * A dashboard opened after 200,000 steps gets the host's history (buckets 128 steps wide): the
 * loss band still begins at step 1 with the first steps' high loss, on a linear and a log step
 * axis; the smoothing control relabels the line. Screenshots of both axes.
 */
async function longRun(context, base) {
  const { page, errors } = await openPage(context, base, 'vscode-light');
  const run = trainingMessages(0, 10)[0];
  await send(page, [{ ...run, history: longHistory(200_000, 128) }, { type: 'state', state: 'paused' }]);
  await sleep(500);
  const linear = await lossBandStart(page);
  assert.ok(linear.x >= 0 && linear.x < 1, `the band begins at step 1: x = ${linear.x}`);
  // The first steps' loss (~5.5, the top of the range) is drawn: the band's first vertex is high.
  assert.ok(linear.y < 0.25 * linear.plotHeight, `the first steps' loss is at the top: y = ${linear.y} of ${linear.plotHeight}`);
  const shots = [await screenshot(page, 'long-run-curves')];
  await page.locator('vscode-checkbox').click();
  await sleep(400);
  const log = await lossBandStart(page);
  assert.ok(log.x >= 0 && log.x < 1, `log x: the band begins at step 1: x = ${log.x}`);
  assert.ok(['1', '10', '100', '1k', '10k', '100k'].every((t) => log.xLabels.includes(t)), `log step axis labels: ${log.xLabels.join(' ')}`);
  shots.push(await screenshot(page, 'long-run-curves-log-x'));
  await page.evaluate(() => {
    const select = document.querySelector('vscode-single-select[aria-label="Smoothing"]');
    select.value = 'off';
    select.dispatchEvent(new Event('change'));
  });
  await sleep(400);
  assert.ok((await lossBandStart(page)).legend.includes('train, mean'), 'smoothing off: the line is the buckets\' means');
  await sleep(1000);
  const saved = await page.evaluate(() => JSON.parse(sessionStorage.getItem('vscodeState') ?? '{}').ui);
  assert.equal(saved?.smoothing, 'off', 'the smoothing is kept in the view state');
  assert.equal(saved?.logX, true, 'log x is kept in the view state');
  assert.deepEqual(errors, [], 'page errors');
  await page.close();
  return shots;
}

/** VS Code switches from dark to light in an open panel: colours are chosen again for the new background. */
async function checkThemeSwitch(page) {
  await page.evaluate(() => {
    document.body.className = 'vscode-light';
  });
  await selectTab(page, 0);
  const seriesColours = await checkSeriesContrast(page);
  await selectTab(page, 2);
  await page.waitForFunction(() => document.querySelectorAll('svg.embedding-map .legend-item').length > 0);
  const classes = await checkMapClasses(page);
  await page.evaluate(() => {
    document.body.className = 'vscode-dark';
  });
  return { seriesColours, classes };
}

/** Before any run is loaded: the header says so and offers Train. */
async function emptyDashboard(context, base) {
  const { page } = await openPage(context, base, 'vscode-dark');
  await send(page, [{ type: 'state', state: 'idle' }]);
  await sleep(300);
  assert.match(await page.locator('.header-run').textContent(), /No training run loaded/);
  await page.locator('vscode-button', { hasText: 'Train' }).click();
  assert.ok(await page.evaluate(() => window.__posted.some((m) => m.type === 'command' && m.command === 'train')), 'Train posts a command');
  const file = await screenshot(page, 'vscode-dark-empty');
  await page.close();
  return file;
}

/** A run whose snapshots say it diverged: the header shows the warning; a new run clears it. */
async function divergedDashboard(context, base) {
  const { page, errors } = await openPage(context, base, 'vscode-dark');
  const messages = trainingMessages(600, 10);
  const last = messages.filter((m) => m.type === 'snapshot').pop().snapshot;
  const divergence = { meanLoss: 61.2, steps: 20, uniformLoss: Math.log(250) };
  await send(page, [...messages, { type: 'snapshot', snapshot: { ...last, steps: [], divergence } }]);
  // Long enough for the charts' first draw while running, so the screenshot shows them too.
  await sleep(2500);
  const warning = page.locator('.header-divergence');
  assert.ok(await warning.isVisible(), 'the divergence warning is visible');
  assert.match(await warning.textContent(), /training diverged: mean loss 61\.2 over the last 20 steps, far above ln V = 5\.52/);
  const file = await screenshot(page, 'vscode-dark-diverged');
  await send(page, [{ type: 'run', runId: 'another-run', info: messages[0].info, epochs: [], steps: [] }]);
  await sleep(300);
  assert.ok(!(await warning.isVisible()), 'a new run starts without the warning');
  assert.deepEqual(errors, [], 'page errors');
  await page.close();
  return file;
}

/** Time travel: a click on the loss curve asks to rewind to the step under it; a rewound run's
 *  curves mark where it is, the header says so, and "Back to the present" asks to return. */
async function rewoundDashboard(context, base) {
  const { page, errors } = await openPage(context, base, 'vscode-dark');
  const messages = trainingMessages(3000, 10);
  const last = messages.filter((m) => m.type === 'snapshot').pop().snapshot;
  const timeTravel = { earliest: 0, present: { ...last.cursor }, every: 100, bytes: 61 * 2 ** 20, budgetBytes: 256 * 2 ** 20 };
  await send(page, [...messages, { type: 'snapshot', snapshot: { ...last, state: 'paused', steps: [], timeTravel } }, { type: 'state', state: 'paused' }]);
  await sleep(600);
  const plot = page.locator('section.card').filter({ has: page.locator('h2.card-title', { hasText: /^Loss$/ }) }).locator('svg.chart');
  const box = await plot.boundingBox();
  // The plot spans steps 0 to 3000 between its margins (56 px left, 14 px right): aim at step ~1200.
  await page.mouse.click(box.x + 56 + (box.width - 70) * 0.4, box.y + box.height / 2);
  await sleep(200);
  const rewind = await page.evaluate(() => window.__posted.filter((m) => m.type === 'rewind').pop());
  assert.ok(rewind && Math.abs(rewind.steps - 1200) <= 30, `a click at 40 % of the loss plot asks for step ~1200: ${JSON.stringify(rewind)}`);
  const cursor = { epoch: 2, batch: 0, phase: 0, sub: 0, steps: rewind.steps };
  await send(page, [
    { type: 'snapshot', snapshot: { ...last, state: 'paused', cursor, steps: [], timeTravel } },
    { type: 'stopped', event: { reason: 'step', cursor, description: `Rewound to step ${rewind.steps}` } },
  ]);
  await sleep(600);
  const labels = await page.locator('.time-marker-label').allTextContents();
  assert.deepEqual(labels, [`you are here: step ${rewind.steps}`, `you are here: step ${rewind.steps}`], 'the loss and accuracy curves mark the moment');
  assert.match(await page.locator('.header-progress').textContent(), /rewound: the present is step 3,000/);
  const present = page.locator('vscode-button', { hasText: 'Back to the present' });
  assert.ok(await present.isVisible(), 'Back to the present is offered');
  const file = await screenshot(page, 'vscode-dark-rewound');
  await present.click();
  await sleep(200);
  const command = await page.evaluate(() => window.__posted.filter((m) => m.type === 'command').pop());
  assert.deepEqual(command, { type: 'command', command: 'backToPresent' });
  await send(page, [{ type: 'snapshot', snapshot: { ...last, state: 'paused', steps: [], timeTravel } }]);
  await sleep(600);
  assert.equal(await page.locator('.time-marker').count(), 0, 'back at the present: no marker');
  assert.ok(!(await present.isVisible()), 'nor the button');
  assert.deepEqual(errors, [], 'page errors');
  await page.close();
  return file;
}

/** A recurrent run: the "Gradient through time" card shows ‖∂L/∂H_t‖ per time step; an MLP run hides it. */
async function throughTimeDashboard(context, base) {
  const { page, errors } = await openPage(context, base, 'vscode-dark');
  const messages = trainingMessages(300, 10);
  const info = { ...messages[0].info, modelKind: 'rnn', timeSteps: [1, 2, 3] };
  const last = messages.filter((m) => m.type === 'snapshot').pop().snapshot;
  await send(page, [{ ...messages[0], info }, ...messages.slice(1), { type: 'snapshot', snapshot: { ...last, steps: [], throughTime: [2.1e-4, 3.5e-3, 6.2e-2] } }]);
  await sleep(2500);
  const card = page.locator('section.card').filter({ has: page.locator('h2.card-title', { hasText: /^Gradient through time$/ }) });
  assert.ok(await card.isVisible(), 'the card shows for a recurrent run');
  await card.scrollIntoViewIfNeeded();
  await sleep(2500);
  assert.ok((await card.locator('svg.chart circle.marker').count()) >= 3, 'a marker per time step');
  assert.match(await card.locator('.card-caption').textContent(), /‖dH1‖ \/ ‖dH3‖ = 0\.00339/);
  const file = await cardScreenshot(page, 'Gradient through time', 'gradient-through-time');
  await send(page, [{ ...messages[0], runId: 'mlp-run' }]);
  await sleep(300);
  assert.ok(!(await card.isVisible()), 'an MLP run hides it');
  assert.deepEqual(errors, [], 'page errors');
  await page.close();
  return file;
}

/** An LSTM run: the "Gate saturation" card shows each declared gate's saturated share per time step. */
async function gateSaturationDashboard(context, base) {
  const { page, errors } = await openPage(context, base, 'vscode-dark');
  const messages = trainingMessages(300, 10);
  const groups = [
    { name: 'input gate I', activation: 'sigmoid' },
    { name: 'forget gate F', activation: 'sigmoid' },
    { name: 'cell gate G', activation: 'tanh' },
  ];
  const info = { ...messages[0].info, modelKind: 'lstm', timeSteps: [1, 2, 3], saturating: { groups, timeSteps: [1, 2, 3] } };
  const last = messages.filter((m) => m.type === 'snapshot').pop().snapshot;
  const saturating = [
    [0.02, 0.05, 0.11],
    [0.3, 0.42, 0.5],
    [0, 0.01, 0.04],
  ];
  await send(page, [{ ...messages[0], info }, ...messages.slice(1), { type: 'snapshot', snapshot: { ...last, steps: [], saturating } }]);
  await sleep(1500);
  const card = page.locator('section.card').filter({ has: page.locator('h2.card-title', { hasText: /^Gate saturation$/ }) });
  assert.ok(await card.isVisible(), 'the card shows for a model that declares saturating gates');
  await card.scrollIntoViewIfNeeded();
  await sleep(2000);
  assert.equal(await card.locator('svg.chart circle.marker').count(), 9 + groups.length, 'a marker per gate and time step, and one per legend entry');
  const legend = await card.locator('svg.chart').textContent();
  for (const g of groups) assert.ok(legend.includes(g.name), `${g.name} in the legend`);
  assert.match(await card.locator('.card-caption').textContent(), /^Saturated means input gate I, forget gate F: below 0\.01 or above 0\.99 .*; cell gate G: beyond ±0\.99/);
  const file = await cardScreenshot(page, 'Gate saturation', 'gate-saturation');
  await send(page, [{ ...messages[0], runId: 'mlp-run' }]);
  await sleep(300);
  assert.ok(!(await card.isVisible()), 'an MLP run hides it');
  assert.deepEqual(errors, [], 'page errors');
  await page.close();
  return file;
}

/** The tooltip's lines, once it shows. */
async function tooltipLines(page) {
  await page.waitForFunction(() => document.querySelector('.tooltip:not([hidden])')?.textContent);
  return page.evaluate(() => [...document.querySelector('.tooltip').children].map((c) => c.textContent));
}

/** A heatmap cell's tooltip: names the entry, its value (as the data has it) and the word on the word axis. */
async function checkHeatmapCell(page, name, x, y, wordAxis) {
  const vocab = largeVocabulary();
  await page.locator('canvas.heatmap-canvas').hover({ position: { x, y } });
  const lines = await tooltipLines(page);
  const cell = new RegExp(`^${name}\\[(\\d+), (\\d+)\\] = (.+)$`).exec(lines[0]);
  assert.ok(cell, `tooltip: ${lines.join(' | ')}`);
  const [row, col] = [Number(cell[1]), Number(cell[2])];
  assert.ok(Math.abs(Number(cell[3]) - largeValue(row, col)) <= 1e-3 * Math.max(1, Math.abs(largeValue(row, col))), `${lines[0]}: expected ${largeValue(row, col)}`);
  const word = vocab[wordAxis === 'rows' ? row : col];
  assert.ok(lines.some((l) => l === `${wordAxis === 'rows' ? 'row' : 'column'}: ${word} (word ${wordAxis === 'rows' ? row : col})`), `tooltip names ${word}: ${lines.join(' | ')}`);
  return { row, col };
}

/** W1 (8000×16) and W3 (128×8000) at V = 8000: the whole matrix fills the card, the wheel zooms into
 *  a window of it, the hover names the word and the exact value; a word list orders the word axis. */
async function largeVocabularyHeatmaps(context, base) {
  // The values are made in the page: a million numbers through the DevTools protocol take minutes.
  const answer = async (page, name, seed) => {
    const { data } = largeTensor(name, seed, false);
    await page.evaluate(`window.__largeValue = ${largeValue.toString()}`);
    await page.evaluate((d) => {
      const width = d.shape.length > 1 ? d.shape[1] : 1;
      const values = new Array(d.rows * width);
      for (let i = 0; i < d.rows; i++) for (let j = 0; j < width; j++) values[i * width + j] = window.__largeValue(i, j);
      window.postMessage({ type: 'tensor', data: { ...d, values } }, '*');
    }, data);
  };
  const { page, errors } = await openPage(context, base, 'vscode-dark', answer);
  await send(page, [{ type: 'run', runId: 'kjv-run', info: largeRunInfo(), epochs: [], history: EMPTY_HISTORY }, { type: 'state', state: 'paused' }]);
  await sleep(300);
  await selectTab(page, 1);
  const shots = [];
  for (const [name, wordAxis] of [['W1', 'rows'], ['W3', 'columns']]) {
    await selectTensor(page, name);
    await checkHeatmap(page);
    const box = await page.locator('canvas.heatmap-canvas').boundingBox();
    assert.ok(box.width > 400 && box.height > 300, `${name}: the whole ${name} fills the card (${Math.round(box.width)}×${Math.round(box.height)} px)`);
    const title = wordAxis === 'rows' ? 'word' : 'next word';
    const axisTitles = () => page.evaluate(() => [...document.querySelectorAll('svg.heatmap-overlay .axis-title')].map((t) => t.textContent));
    assert.ok((await axisTitles()).some((t) => t.endsWith(`(${LARGE_V})`)), `${name}: the ${title} axis spans all ${LARGE_V} words`);
    shots.push(await screenshot(page, `large-vocabulary-${name}-overview`));
    // Zoom in around the middle: the word axis then shows a window of the 8,000 words.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let k = 0; k < 12; k++) {
      await page.mouse.wheel(0, -300);
      await sleep(30);
    }
    await sleep(200);
    const zoomed = (await axisTitles()).find((t) => / of 8000\)$/.test(t));
    assert.ok(zoomed, `${name}: zoomed axis titles ${(await axisTitles()).join(', ')}`);
    const [first, last] = /\((\d+)–(\d+) of/.exec(zoomed).slice(1).map(Number);
    assert.ok(last - first < 200 && first > 1000, `${name}: window ${first}–${last}`);
    const cell = await checkHeatmapCell(page, name, box.width / 2 + 3, box.height / 2 + 3, wordAxis);
    const index = wordAxis === 'rows' ? cell.row : cell.col;
    assert.ok(index >= first && index <= last, `${name}: hovered word ${index} inside the window ${first}–${last}`);
    shots.push(await screenshot(page, `large-vocabulary-${name}-zoomed`));
    // Dragging pans the window; a double-click shows the whole matrix again.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 200, box.y + box.height / 2 - 200, { steps: 5 });
    await page.mouse.up();
    const panned = (await axisTitles()).find((t) => / of 8000\)$/.test(t));
    assert.notEqual(panned, zoomed, `${name}: dragging moves the window`);
    await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
    await sleep(100);
    assert.ok((await axisTitles()).some((t) => t.endsWith(`(${LARGE_V})`)), `${name}: a double-click shows all the words again`);
  }
  // A word list: only its words, in its order, on W3's columns and W1's rows; a word the vocabulary lacks is reported.
  const order = (value) =>
    page.evaluate((v) => {
      const select = document.querySelector('vscode-single-select[aria-label="Word order"]');
      select.value = v;
      select.dispatchEvent(new Event('change'));
    }, value);
  await order('list');
  await page.locator('vscode-textfield[aria-label="Word list"] input').fill('w7999 monday zzzz w5000 tuesday monday');
  await sleep(400);
  const listed = ['w7999', 'monday', 'w5000', 'tuesday'];
  for (const [name, wordAxis] of [['W3', 'columns'], ['W1', 'rows']]) {
    if (name === 'W1') await selectTensor(page, name);
    const axisTitles = await page.evaluate(() => [...document.querySelectorAll('svg.heatmap-overlay .axis-title')].map((t) => t.textContent));
    assert.ok(axisTitles.some((t) => t.endsWith('(4, word list)')), `${name}: the word axis shows the list's 4 words: ${axisTitles.join(', ')}`);
    const status = await page.locator('.word-list-status').textContent();
    assert.equal(status, '4 words shown · not in the vocabulary: zzzz');
    const box = await page.locator('canvas.heatmap-canvas').boundingBox();
    // The k-th cell along the word axis is the list's k-th word, with its own values.
    for (const k of [0, 3]) {
      const along = (k + 0.5) / 4;
      const [x, y] = wordAxis === 'rows' ? [box.width / 3, along * box.height] : [along * box.width, box.height / 3];
      const cell = await checkHeatmapCell(page, name, x, y, wordAxis);
      assert.equal(largeVocabulary()[wordAxis === 'rows' ? cell.row : cell.col], listed[k], `${name}: word ${k + 1} of the list`);
    }
    shots.push(await screenshot(page, `large-vocabulary-${name}-word-list`));
  }
  await order('frequency');
  await sleep(300);
  assert.ok((await page.evaluate(() => [...document.querySelectorAll('svg.heatmap-overlay .axis-title')].map((t) => t.textContent))).some((t) => t.endsWith(`(${LARGE_V})`)), 'back to all the words by frequency');
  assert.deepEqual(errors, []);
  await page.close();
  return shots;
}

/** W1 at V = 8000 with 40 planted clusters: word i belongs to cluster i % 40 (a centre per cluster plus hashed noise). */
function plantedValue(i, j) {
  // A hash in (−1, 1) (sin-fract): random centres, so no two clusters sit close by accident.
  const hash = (a, b) => (Math.sin(a * 12.9898 + b * 78.233) * 43758.5453) % 1;
  return hash((i % 40) * 1.7 + 3.1, j * 2.3 + 0.7) + 0.25 * hash(i, j);
}

/**
 * The embedding map at V = 8000 (a text corpus: most frequent words first, no classes): the
 * layout worker's Barnes-Hut t-SNE places all 8,000 words; the 300 most frequent are labelled
 * where they fit, without overlaps, the rest are dots coloured by frequency; the search finds a
 * rare word and highlights its nearest neighbours by cosine (its planted cluster). Returns the
 * time from W1's arrival to the settled layout, and screenshots in `theme`.
 */
async function largeVocabularyMap(context, base, theme) {
  const answer = async (page, name, seed) => {
    if (name !== 'W1') return;
    const { data } = largeTensor(name, seed, false);
    await page.evaluate(`window.__plantedValue = ${plantedValue.toString()}`);
    await page.evaluate((d) => {
      const values = new Array(d.rows * d.shape[1]);
      for (let i = 0; i < d.rows; i++) for (let j = 0; j < d.shape[1]; j++) values[i * d.shape[1] + j] = window.__plantedValue(i, j);
      window.__w1SentAt = performance.now();
      window.postMessage({ type: 'tensor', data: { ...d, values } }, '*');
    }, data);
  };
  const { page, errors } = await openPage(context, base, theme, answer);
  await send(page, [{ type: 'run', runId: 'kjv-map', info: largeRunInfo(), epochs: [], history: EMPTY_HISTORY }, { type: 'state', state: 'paused' }]);
  await sleep(300);
  await selectTab(page, 2);
  await page.waitForFunction(() => /iteration [\d,]+,/.test(document.querySelector('.aside-status')?.textContent ?? ''), null, { timeout: 180000 });
  const layoutMs = await page.evaluate(() => Math.round(performance.now() - window.__w1SentAt));
  await sleep(300);
  // A step through backprop's phases moves the cursor, not W1: the same rows come again and the
  // layout stands, no iteration more.
  const iterationOf = (status) => /iteration ([\d,]+),/.exec(status)?.[1];
  const settled = iterationOf(await page.evaluate(() => document.querySelector('.aside-status').textContent));
  await send(page, [{ type: 'stopped', event: { reason: 'step', cursor: { epoch: 0, batch: 0, phase: 1, sub: 0, steps: 1 }, description: 'Stepped to phase 1' } }]);
  await page.waitForFunction(() => /iteration [\d,]+, W1 of step 1\./.test(document.querySelector('.aside-status')?.textContent ?? ''), null, { timeout: 180000 });
  assert.equal(iterationOf(await page.evaluate(() => document.querySelector('.aside-status').textContent)), settled, 'the same W1 again keeps the layout as it was');
  const nodes = await page.evaluate(() => document.querySelectorAll('svg.embedding-map g.word').length);
  assert.equal(nodes, 300, 'SVG nodes for the 300 most frequent words, dots for the rest');
  const dots = await page.evaluate(() => {
    const c = document.querySelector('canvas.map-dots');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    for (let k = 3; k < data.length; k += 4) if (data[k] > 0) painted++;
    return { hidden: c.hidden, painted };
  });
  assert.ok(!dots.hidden && dots.painted > 20000, `the other 7,700 words are dots on the canvas: ${dots.painted} px painted`);
  const overview = await mapLabels(page);
  assert.deepEqual(overview.overlaps, [], 'overlapping map labels at V = 8000');
  assert.deepEqual(overview.outside, [], 'labels outside the map at V = 8000');
  assert.ok(overview.shown >= 40, `labels shown in the overview: ${overview.shown}`);
  const legend = await page.evaluate(() => [...document.querySelectorAll('svg.embedding-map text.legend-title')].map((t) => t.textContent));
  assert.deepEqual(legend, ['frequency rank']);
  const shots = [await cardScreenshot(page, 'Embedding map', `${theme}-large-vocabulary-map`)];
  // A rare word (a canvas dot) found by the search: labelled, with its neighbours by cosine in W1 — its planted cluster.
  await page.locator('vscode-textfield[aria-label="Find a word"] input').fill('w5003');
  await sleep(400);
  const found = await page.evaluate(() => ({
    heading: document.querySelector('.aside-heading').textContent,
    neighbours: [...document.querySelectorAll('.neighbour-word')].map((w) => w.textContent),
    labelled: !document.querySelector('svg.embedding-map g.word.pinned')?.classList.contains('label-hidden'),
    pinned: document.querySelector('svg.embedding-map g.word.pinned text')?.textContent,
    highlighted: [...document.querySelectorAll('svg.embedding-map g.word.neighbour text')].map((t) => t.textContent),
  }));
  assert.equal(found.heading, 'Nearest to “w5003”');
  assert.equal(found.pinned, 'w5003');
  assert.ok(found.labelled, 'the word found is labelled');
  assert.equal(found.neighbours.length, 8);
  const vocab = largeVocabulary();
  assert.deepEqual(found.neighbours.filter((w) => vocab.indexOf(w) % 40 !== 5003 % 40), [], `neighbours of w5003 from its planted cluster: ${found.neighbours.join(' ')}`);
  assert.deepEqual([...found.highlighted].sort(), [...found.neighbours].sort(), 'the neighbours are highlighted on the map');
  shots.push(await cardScreenshot(page, 'Embedding map', `${theme}-large-vocabulary-map-search`));
  // Neighbours among the 1,000 most frequent words only (CMU 10-707's list): the same cluster's.
  const among = await page.evaluate(() => {
    const select = document.querySelector('vscode-single-select[aria-label="Neighbours among"]');
    const choices = [...select.querySelectorAll('vscode-option')].map((o) => o.textContent);
    select.value = '1000';
    select.dispatchEvent(new Event('change'));
    return { shown: !select.hidden, choices };
  });
  assert.ok(among.shown, 'a frequency-ordered vocabulary of 8,000 offers the shortlist');
  assert.deepEqual(among.choices, ['Among all 8,000 words', 'Among the 1,000 most frequent']);
  await sleep(200);
  const shortlisted = await page.evaluate(() => ({
    heading: document.querySelector('.aside-heading').textContent,
    neighbours: [...document.querySelectorAll('.neighbour-word')].map((w) => w.textContent),
  }));
  assert.equal(shortlisted.heading, 'Nearest to “w5003” among the 1,000 most frequent');
  assert.equal(shortlisted.neighbours.length, 8);
  const ranks = shortlisted.neighbours.map((w) => vocab.indexOf(w));
  assert.ok(ranks.every((r) => r >= 0 && r < 1000 && r % 40 === 5003 % 40), `neighbours among the 1,000 most frequent, from w5003's cluster: ${shortlisted.neighbours.join(' ')}`);
  shots.push(await cardScreenshot(page, 'Embedding map', `${theme}-large-vocabulary-map-among`));
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], 'CSP violations');
  assert.deepEqual(errors, []);
  await page.close();
  return { shots, layoutMs };
}

/** D = 2: the map draws W1's rows themselves (CMU 10-707 §3.5), no t-SNE: each word's marker is
 *  where its two coordinates put it. */
async function twoDimensionalMap(context, base) {
  const info = runInfo();
  info.config = { ...info.config, embeddingDim: 2 };
  info.params = info.params.map((p) => (p.name === 'W1' ? { ...p, shape: [p.shape[0], 2] } : p));
  const words = info.vocab.length;
  const rng = random(5);
  const values = Array.from({ length: words * 2 }, () => Math.round(rng.normal() * 1e4) / 1e4);
  const answer = (page, name, seed) => {
    if (name !== 'W1') return send(page, [tensor(name, seed)]);
    const reply = tensor('W1', seed);
    return send(page, [{ ...reply, data: { ...reply.data, shape: [words, 2], rows: words, values } }]);
  };
  const { page, errors } = await openPage(context, base, 'vscode-light', answer);
  await send(page, [{ type: 'run', runId: 'two-d', info, epochs: [], history: EMPTY_HISTORY }, { type: 'state', state: 'paused' }]);
  await sleep(300);
  await selectTab(page, 2);
  await page.waitForFunction(() => /itself/.test(document.querySelector('.aside-status')?.textContent ?? ''), null, { timeout: 10000 });
  await sleep(300);
  // The word furthest right and the one furthest up in W1 are the ones drawn there.
  const drawn = await page.evaluate(() =>
    [...document.querySelectorAll('svg.embedding-map g.word')].map((g) => {
      const m = /translate\(([-\d.]+)px, ([-\d.]+)px\)/.exec(g.style.transform);
      return { index: Number(g.dataset.index), x: Number(m[1]), y: Number(m[2]) };
    }),
  );
  assert.equal(drawn.length, words);
  const argmax = (f) => drawn.reduce((best, d) => (f(d) > f(best) ? d : best)).index;
  const order = (k) => [...Array(words).keys()].sort((a, b) => values[2 * a + k] - values[2 * b + k]);
  // Beyond the 1st/99th percentiles points are drawn at the edge: the rightmost is among the top few.
  assert.ok(order(0).slice(-4).includes(argmax((d) => d.x)), 'the rightmost marker has one of the largest first coordinates');
  assert.ok(order(1).slice(-4).includes(argmax((d) => -d.y)), 'the topmost marker has one of the largest second coordinates');
  const file = await screenshot(page, 'vscode-light-embeddings-2d');
  assert.deepEqual(errors, []);
  await page.close();
  return file;
}

/** Frame times with 4000 steps in the series while snapshots keep arriving. */
async function measureFrames(context, base) {
  const { page } = await openPage(context, base, 'vscode-dark');
  const rng = random(3);
  const run = trainingMessages(0, 10)[0];
  const first = snapshot(rng, 0, 4000);
  await send(page, [{ ...run, history: { ...EMPTY_HISTORY, steps: { buckets: first.snapshot.steps } } }, { ...first, snapshot: { ...first.snapshot, steps: [] } }]);
  await sleep(300);
  const frames = [];
  for (let k = 0; k < 40; k++) {
    await send(page, [snapshot(rng, 4000 + k * 10, 4010 + k * 10)]);
    await sleep(130);
    const ms = await page.evaluate(() => performance.getEntriesByName('nlm-dashboard-frame').pop()?.duration ?? NaN);
    frames.push(ms);
  }
  const pointsDrawn = await page.evaluate(() => document.querySelector('svg.chart path.series')?.getAttribute('d')?.split(/[LM]/).length - 1);
  await page.close();
  frames.sort((a, b) => a - b);
  return {
    steps: 4000,
    pointsInRawLossPath: pointsDrawn,
    medianMs: round(frames[Math.floor(frames.length / 2)]),
    p90Ms: round(frames[Math.floor(frames.length * 0.9)]),
    maxMs: round(frames[frames.length - 1]),
  };
}

/** The map's Barnes-Hut t-SNE in this Chromium: its first layout of 250 random 16-D rows, from the affinities on. */
async function measureTsne(context) {
  const { build } = await import('esbuild');
  const bundle = await build({
    entryPoints: [path.join(root, 'src/engine/bhTsne.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'TsneModule',
    platform: 'browser',
    target: 'es2022',
  });
  const page = await context.newPage();
  // Evaluated through the DevTools protocol, so a blank page without the webview's CSP will do.
  await page.evaluate(`${bundle.outputFiles[0].text}; window.TsneModule = TsneModule;`);
  const runs = await page.evaluate(() => {
    const rng = (() => {
      let a = 1;
      return () => ((a = (a * 16807) % 2147483647) / 2147483647) - 0.5;
    })();
    const data = Float64Array.from({ length: 250 * 16 }, rng);
    const { BhTsne, MAP_TSNE } = window.TsneModule;
    const msPerRun = [0, 1, 2].map(() => {
      const start = performance.now();
      new BhTsne(data, 250, 16, MAP_TSNE).step(MAP_TSNE.firstIterations);
      return performance.now() - start;
    });
    return { iterations: MAP_TSNE.firstIterations, msPerRun };
  });
  await page.close();
  return { points: 250, dim: 16, iterations: runs.iterations, msPerRun: runs.msPerRun.map(round) };
}

const round = (x) => Math.round(x * 100) / 100;

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  await buildWebview();
  const bundle = fs.readFileSync(path.join(root, 'dist/webview.js'));
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}`;
  const require = createRequire(import.meta.url);
  const { chromium } = require(path.join(runtime, 'driver/node_modules/playwright-core'));
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-dashboard-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    const results = { screenshots: [], tsneSettleMs: {}, readability: {} };
    for (const theme of THEMES) {
      const { page, shots, tsneSettleMs, readability } = await themeRun(context, base, theme);
      results.screenshots.push(...shots);
      results.tsneSettleMs[theme] = tsneSettleMs;
      results.readability[theme] = readability;
      if (theme === 'vscode-dark') {
        await checkExports(page);
        results.darkToLight = await checkThemeSwitch(page);
        results.restore = await checkInteractionAndRestore(page);
      }
      await page.close();
    }
    results.screenshots.push(await emptyDashboard(context, base));
    results.screenshots.push(await divergedDashboard(context, base));
    results.screenshots.push(await rewoundDashboard(context, base));
    results.screenshots.push(await throughTimeDashboard(context, base));
    results.screenshots.push(await gateSaturationDashboard(context, base));
    results.screenshots.push(...(await longRun(context, base)));
    results.screenshots.push(...(await largeVocabularyHeatmaps(context, base)));
    results.screenshots.push(await twoDimensionalMap(context, base));
    results.largeVocabularyMap = {};
    for (const theme of ['vscode-dark', 'vscode-light']) {
      const { shots, layoutMs } = await largeVocabularyMap(context, base, theme);
      results.screenshots.push(...shots);
      results.largeVocabularyMap[theme] = { words: LARGE_V, layoutMs };
    }
    results.frames = await measureFrames(context, base);
    results.tsne = await measureTsne(context);
    results.bundle = { bytes: bundle.length, gzipBytes: gzipSync(bundle).length };
    fs.writeFileSync(path.join(outDir, 'dashboard-measurements.json'), JSON.stringify(results, null, 2));
    console.log(JSON.stringify(results, null, 2));
    console.log('dashboard harness: all checks passed');
  } finally {
    await context.close();
    server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
