// Compare Runs page harness: trains a tiny real sweep with the built CLI (two runs of the demo
// corpus), builds its comparison with the extension's own runComparison.ts, shows it in the
// compare bundle in headless Chromium (playwright-core from the VS Code test runtime) in the dark
// and light themes, and checks the gradient-norm chart (one series per run, on a log axis, each
// gradient selectable) and the hover that reads every run's value at the step under the pointer.
// Screenshots: .vscode-test-out/compare-<theme>.png (the hover on the gradient norms).
//
//   node test/ui/dashboard/compare.mjs      (after npm run build; env: VSCODE_RUNTIME, CHROMIUM)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const outDir = path.join(root, '.vscode-test-out');
const runtime = process.env.VSCODE_RUNTIME ?? path.join(os.homedir(), '.cache/vscode-runtime');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-compare-page-'));
const PAGE_FILES = { '/compare.html': path.join(root, 'test/ui/dashboard/compare.html'), '/dist/compare-harness.js': path.join(tmp, 'compare.js') };
const SERVED = ['/test/ui/dashboard/', '/media/'];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** Two recorded runs that differ in their hidden layer, as `nlm sweep` records them. */
function recordedRuns() {
  const runsDir = path.join(tmp, 'runs');
  const r = spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), 'sweep', '--embed', '8', '--hidden', '16,64', '--batch', '50', '--epochs', '2', '--runs-dir', runsDir, '--json'], { encoding: 'utf8', cwd: tmp });
  assert.equal(r.status, 0, r.stderr);
  return runsDir;
}

/** The comparison the extension would post, by its own code (bundled for Node here). */
async function comparisonOf(runsDir) {
  const { build } = await import('esbuild');
  const lib = path.join(tmp, 'comparison.cjs');
  await build({ stdin: { contents: "export { compareRuns } from './src/extension/runComparison'; export { listRuns } from './src/engine/runs/listRuns';", resolveDir: root, loader: 'ts' }, outfile: lib, bundle: true, platform: 'node', format: 'cjs', logLevel: 'warning' });
  const { compareRuns, listRuns } = createRequire(import.meta.url)(lib);
  return compareRuns(listRuns(runsDir).reverse());
}

async function buildPage() {
  const { build } = await import('esbuild');
  await build({ entryPoints: [path.join(root, 'webview/compare/compareMain.ts')], outfile: PAGE_FILES['/dist/compare-harness.js'], bundle: true, format: 'iife', platform: 'browser', target: 'es2022', minify: true, logLevel: 'warning' });
}

function serve() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/favicon.ico') return res.writeHead(204).end();
    const file = PAGE_FILES[url.pathname] ?? path.join(root, path.normalize(url.pathname));
    if (!(url.pathname in PAGE_FILES) && (!SERVED.some((p) => url.pathname.startsWith(p)) || !file.startsWith(root))) return res.writeHead(404).end();
    if (!fs.existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The tooltip's lines, once it shows. */
async function tooltipLines(page) {
  await page.waitForFunction(() => document.querySelector('.tooltip:not([hidden])')?.textContent);
  return page.evaluate(() => [...document.querySelector('.tooltip').children].map((c) => c.textContent));
}

async function checkTheme(context, base, theme, comparison) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${base}/compare.html?theme=${theme}`);
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  await page.evaluate((c) => window.postMessage({ type: 'comparison', comparison: c }, '*'), comparison);
  const card = page.locator('section.card', { has: page.locator('h2', { hasText: 'Gradient norm' }) });
  await card.locator('svg path').first().waitFor({ state: 'attached' });
  await card.scrollIntoViewIfNeeded();

  // One line per run, on a log axis that says what it shows.
  const labels = comparison.runs.map((r) => r.label);
  assert.deepEqual(labels, ['hidden=16', 'hidden=64']);
  const text = await card.textContent();
  assert.match(text, /‖all gradients‖₂, every 50 steps/);
  const options = await card.locator('select option').allTextContents();
  assert.equal(options[0], 'all gradients together');
  assert.deepEqual(options.slice(1), Object.keys(comparison.runs[0].grads[0].norms), 'every gradient the runs recorded');

  // The hover reads every run's value at the step under the pointer.
  const plot = await card.locator('svg').first().boundingBox();
  const step = comparison.runs[0].grads[Math.floor(comparison.runs[0].grads.length / 2)].step;
  await page.mouse.move(plot.x + plot.width * 0.55, plot.y + plot.height * 0.5);
  const lines = await tooltipLines(page);
  assert.match(lines[0], /^step [\d,]+$/);
  assert.equal(lines.length, 1 + labels.length, lines.join(' | '));
  for (const [i, label] of labels.entries()) {
    const [name, value] = lines[1 + i].split(': ');
    assert.equal(name, label);
    assert.ok(Number(value) > 0, `${label}: a gradient norm (${value})`);
  }
  assert.ok(step > 0);
  const shot = path.join(outDir, `compare-${theme}.png`);
  await page.screenshot({ path: shot });

  // Another gradient: its own norms, named on the axis.
  await card.locator('select').selectOption({ index: 1 });
  assert.match(await card.textContent(), new RegExp(`‖${options[1]}‖₂`));
  const csp = await page.evaluate(() => window.__cspViolations);
  assert.deepEqual([...errors, ...csp], [], 'no errors, nothing the policy blocks');
  await page.close();
  return shot;
}

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const comparison = await comparisonOf(recordedRuns());
  await buildPage();
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}`;
  const { chromium } = createRequire(import.meta.url)(path.join(runtime, 'driver/node_modules/playwright-core'));
  const userDataDir = path.join(tmp, 'chromium');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1100, height: 1180 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    for (const theme of ['vscode-dark', 'vscode-light']) console.log('compare page:', await checkTheme(context, base, theme, comparison));
    console.log('compare page harness: all checks passed');
  } finally {
    await context.close();
    server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
