// The UI script of scripts/bench-vscode.mjs, run by the test harness in real VS Code: what a student
// feels. Trains the demo corpus (or BENCH_CORPUS, a text file scripts/bench-vscode.mjs put into the
// workspace) from the Command Palette, then
//   - throughput: iterations per second read off the status bar over windows of WINDOW_MS, with
//     the dashboard open (on each of its tabs) and closed in turn, ROUNDS of each, so the
//     rendering's cost shows;
//   - step latency: paused, from the click on the dashboard's "Step mini-batch" button (and from
//     Enter on "NLM: Step Mini-batch" in the palette) to the end of the frame in which the
//     dashboard shows the next step;
//   - memory: the extension host's resident set before training and while it runs.
// Prints a JSON line `bench-vscode: {...}` with every measurement, and a table.
import fs from 'node:fs';
import path from 'node:path';

const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 6000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
/** Each tab of the dashboard draws something else: each is measured. */
const TABS = ['Training curves', 'Weights & gradients', 'Embedding map'];
const STEPS = Number(process.env.BENCH_STEPS ?? 20);
const BATCH = 100;
const CORPUS = process.env.BENCH_CORPUS;

async function statusText(page) {
  return (await page.locator('.statusbar-item[id$="nlm.status"]').innerText()).trim();
}

/** Iterations done so far, from "NLM training · epoch 3/1000 · batch 255/612 · …". */
async function iterations(page) {
  const text = await statusText(page);
  const m = /epoch (\d+)\/\d+ · batch (\d+)\/(\d+)/.exec(text);
  if (!m) throw new Error(`the status bar does not say where training is: "${text}"`);
  return (Number(m[1]) - 1) * Number(m[3]) + Number(m[2]);
}

const TICKS_PER_SECOND = 100; // Linux's USER_HZ

/** The extension host's and the browser's processes now: pid and kind, read from /proc. */
function processes() {
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const kind = /chrom/.test(cmdline) ? 'browser' : /extensionHost/.test(cmdline) ? 'extension host' : undefined;
      if (kind) found.push({ pid, kind });
    } catch {
      // The process ended meanwhile.
    }
  }
  return found;
}

/** The contents of /proc/PID/NAME, or undefined once the process has ended. */
function procFile(pid, name) {
  try {
    return fs.readFileSync(`/proc/${pid}/${name}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** CPU seconds used so far by the processes of each kind: the browser (its renderers draw the
 *  workbench and the dashboard) and the extension host (where training runs). */
function cpuSeconds() {
  const byKind = { browser: 0, 'extension host': 0 };
  for (const { pid, kind } of processes()) {
    // utime and stime: fields 14 and 15, counted after the parenthesised command name.
    const fields = procFile(pid, 'stat')?.split(') ')[1].split(' ');
    if (fields) byKind[kind] += (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  }
  return byKind;
}

/** Resident memory of the extension host (where the training worker runs), now and at its
 *  peak, in MiB; the largest when there are several. */
function extensionHostMemory() {
  let found = { rssMiB: 0, peakMiB: 0 };
  for (const { pid, kind } of processes()) {
    const status = kind === 'extension host' ? procFile(pid, 'status') : undefined;
    if (!status) continue;
    const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    if (kib('VmRSS') > found.rssMiB * 1024) found = { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
  }
  return found;
}

/** Examples per second over a window, and the CPU share (in cores) each kind of process used. */
async function measureWindow(page) {
  const [i0, t0, c0] = [await iterations(page), Date.now(), cpuSeconds()];
  await page.waitForTimeout(WINDOW_MS);
  const [i1, t1, c1] = [await iterations(page), Date.now(), cpuSeconds()];
  const cores = Object.fromEntries(Object.keys(c0).map((k) => [k, ((c1[k] - c0[k]) * 1000) / (t1 - t0)]));
  return { examplesPerSecond: ((i1 - i0) * BATCH * 1000) / (t1 - t0), cores };
}

/** The dashboard's frame, once it shows its tabs (whichever is selected). */
async function dashboardFrame(ctx) {
  return (await ctx.waitForWebviewText('Training curves', 60000)).frame;
}

/** In the dashboard: arms an observer on the progress line, then clicks Step (or not, when the
 *  palette will) and resolves with the ms from the click to the end of the frame in which the
 *  line shows the next step, and the epoch-ms clock then. */
function armStep(frame, click) {
  return frame.evaluate(
    (click) =>
      new Promise((resolve, reject) => {
        const line = document.querySelector('.header-progress');
        const stepOf = () => Number((/step ([\d,]+)/.exec(line.textContent ?? '')?.[1] ?? 'NaN').replace(/,/g, ''));
        const before = stepOf();
        const timer = setTimeout(() => reject(new Error(`the dashboard stayed at step ${before} for 10 s`)), 10000);
        const t0 = performance.now();
        const observer = new MutationObserver(() => {
          if (stepOf() === before) return;
          observer.disconnect();
          const after = stepOf();
          // The line changed inside a frame's callbacks: a task queued now runs once that frame
          // has been painted.
          setTimeout(() => {
            clearTimeout(timer);
            resolve({ before, after, ms: performance.now() - t0, shownAt: Date.now() });
          }, 0);
        });
        observer.observe(line, { childList: true, characterData: true, subtree: true });
        if (click) [...document.querySelectorAll('vscode-button')].find((b) => b.textContent.trim() === 'Step mini-batch').click();
      }),
    click,
  );
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export default async function (ctx) {
  const { page } = ctx;
  // code-server starts the extension host once the workbench has connected.
  for (let i = 0; extensionHostMemory().rssMiB === 0; i++) {
    if (i > 100) throw new Error('no extension host process within 20 s');
    await page.waitForTimeout(200);
  }
  await page.waitForTimeout(2000);
  const memoryBefore = extensionHostMemory();
  await ctx.runCommand('NLM: Train');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'NLM: Train' }).waitFor({ timeout: 30000 });
  if (CORPUS) {
    const name = path.basename(CORPUS);
    await page.keyboard.type(name);
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).waitFor({ timeout: 10000 });
    await page.keyboard.press('Enter');
    // What the corpus options make of it, read off the whole text first: train with them.
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Train with V =' }).waitFor({ timeout: 180000 });
    await page.keyboard.press('Enter');
  } else {
    await page.keyboard.type('demo corpus');
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Built-in demo corpus' }).waitFor({ timeout: 10000 });
    await page.keyboard.press('Enter');
  }
  await dashboardFrame(ctx);
  await page.waitForTimeout(2000); // past the helper thread's start and the first renders

  const tabs = {};
  const describe = (w) => `${Math.round(w.examplesPerSecond)} examples/s, CPU ${Object.entries(w.cores).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`;
  let dashboardOpen = true;
  const showTab = async (tab) => {
    const frame = await dashboardFrame(ctx);
    await frame.locator('vscode-tab-header', { hasText: tab }).click();
    // Its first drawing, and the map's first layout (a second of t-SNE slices): the windows
    // measure an open dashboard, not one being opened.
    await page.waitForTimeout(3000);
  };
  for (const tab of TABS) {
    const windows = (tabs[tab] = { open: [], closed: [] });
    const measure = async (open) => {
      if (open !== dashboardOpen) {
        await ctx.runCommand(open ? 'NLM: Show Dashboard' : 'View: Close All Editors');
        if (open) await showTab(tab);
        else await page.waitForTimeout(500);
        dashboardOpen = open;
      }
      windows[open ? 'open' : 'closed'].push(await measureWindow(page));
    };
    if (!dashboardOpen) await ctx.runCommand('NLM: Show Dashboard');
    dashboardOpen = true;
    await showTab(tab);
    // Open-closed, then closed-open: the machine's drift weighs on both alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (const open of round % 2 ? [false, true] : [true, false]) await measure(open);
      console.log(`${tab}, round ${round + 1}: dashboard open ${describe(windows.open.at(-1))}; closed ${describe(windows.closed.at(-1))}`);
    }
  }
  const memoryTraining = extensionHostMemory();
  if (!dashboardOpen) await ctx.runCommand('NLM: Show Dashboard');
  await showTab(TABS[0]);
  // Round by round: each open window against the closed one next to it.
  const overheads = (w) => w.open.map((o, i) => 100 * (1 - o.examplesPerSecond / w.closed[i].examplesPerSecond));
  const browserCores = (list) => median(list.map((w) => w.cores.browser));

  await ctx.runCommand('NLM: Pause');
  for (let i = 0; !/^NLM paused/.test(await statusText(page)); i++) {
    if (i > 100) throw new Error(`training did not pause: "${await statusText(page)}"`);
    await page.waitForTimeout(100);
  }
  const frame = await dashboardFrame(ctx);
  await page.waitForTimeout(1000); // let the t-SNE map settle: it animates after each change
  const button = [];
  for (let i = 0; i < STEPS; i++) {
    const r = await armStep(frame, true);
    if (r.after !== r.before + 1) throw new Error(`Step mini-batch went from step ${r.before} to ${r.after}`);
    button.push(r.ms);
    await page.waitForTimeout(300);
  }
  const palette = [];
  for (let i = 0; i < Math.ceil(STEPS / 2); i++) {
    const shown = armStep(frame, false);
    // The palette's Enter, as ctx.runCommand presses it, timed on the same wall clock.
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input').first();
    await input.fill('>NLM: Step Mini-batch');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'NLM: Step Mini-batch' }).first().waitFor();
    const pressed = Date.now();
    await page.keyboard.press('Enter');
    const r = await shown;
    palette.push(r.shownAt - pressed);
    await page.waitForTimeout(300);
  }
  // Paused (W1 stays put), in a dashboard opened afresh (no layout yet): the map tab from the click
  // to the settled layout of the current W1 — W1's trip from the worker and the whole t-SNE — then
  // a screenshot with a word searched.
  await ctx.runCommand('View: Close All Editors');
  await page.waitForTimeout(500);
  await ctx.runCommand('NLM: Show Dashboard');
  const mapFrame = await dashboardFrame(ctx);
  await page.waitForTimeout(1000);
  const mapClicked = Date.now();
  await mapFrame.locator('vscode-tab-header', { hasText: 'Embedding map' }).click();
  await mapFrame.waitForFunction(
    () => {
      const step = /step ([\d,]+)/.exec(document.querySelector('.header-progress')?.textContent ?? '')?.[1];
      return step !== undefined && new RegExp(`iteration [\\d,]+, \\S+ of step ${step}\\.`).test(document.querySelector('.aside-status')?.textContent ?? '');
    },
    null,
    { timeout: 300000 },
  );
  const mapLayoutMs = Date.now() - mapClicked;
  await mapFrame.locator('vscode-textfield[aria-label="Find a word"] input').fill(CORPUS ? 'lord' : 'monday');
  await page.waitForTimeout(1000);
  const shot = path.join(process.cwd(), '.vscode-test-out', `bench-vscode-map${CORPUS ? `-${path.basename(CORPUS, '.txt')}` : ''}.png`);
  fs.mkdirSync(path.dirname(shot), { recursive: true });
  await page.screenshot({ path: shot });
  await ctx.runCommand('NLM: Stop');

  const result = {
    tabs,
    dashboardOverheadPercent: Object.fromEntries(TABS.map((tab) => [tab, median(overheads(tabs[tab]))])),
    stepLatencyMs: { button, palette },
    mapLayoutMs,
    mapScreenshot: shot,
    extensionHostMemory: { beforeTraining: memoryBefore, training: memoryTraining },
  };
  console.log(`bench-vscode: ${JSON.stringify(result)}`);
  const ms = (xs, digits = 0) => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)} to ${Math.max(...xs).toFixed(digits)})`;
  console.log('| measure | median (min to max) |');
  console.log('|---|---|');
  const rate = (list) => Math.round(median(list.map((w) => w.examplesPerSecond))).toLocaleString('en-US');
  for (const tab of TABS) {
    const w = tabs[tab];
    console.log(`| ${tab}: examples/s, dashboard open / closed | ${rate(w.open)} / ${rate(w.closed)} |`);
    console.log(`| ${tab}: dashboard overhead, round by round | ${ms(overheads(w), 1)} % |`);
    console.log(`| ${tab}: browser CPU (cores), dashboard open / closed | ${browserCores(w.open).toFixed(2)} / ${browserCores(w.closed).toFixed(2)} |`);
  }
  const mib = (m) => `${m.rssMiB.toFixed(0)} MiB (peak ${m.peakMiB.toFixed(0)})`;
  console.log(`| extension host memory, before training / training | ${mib(memoryBefore)} / ${mib(memoryTraining)} |`);
  console.log(`| Step mini-batch (dashboard button) → dashboard shows it, ms | ${ms(button)} |`);
  console.log(`| NLM: Step Mini-batch (palette Enter) → dashboard shows it, ms | ${ms(palette)} |`);
  console.log(`| Embedding map tab (paused) → layout settled, ms | ${mapLayoutMs} |`);
}
