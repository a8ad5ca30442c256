// UI test, as a student works: "NLM: Train" from the Command Palette, the demo corpus picked with
// the keyboard, the dashboard drawing its curves next to the NLM view; then Pause, the palette
// offering only what fits a paused run, Step Mini-batch advancing one iteration, Inspect Weights
// opening W1's heatmap, and Resume; then F5 on the iteration document stopping at a breakpoint on
// dW3 in Run and Debug, dW3's debug hover, and the toolbar's Step Back. Screenshots go to the
// harness's --out folder.
// Run it with --settings test/ui/settings.json, so training lasts long enough to be paused.
// Screenshot names start with NLM_UI_SHOTS (default "ui-"; the .vsix run uses "vsix-").

/** The status bar item's text, e.g. "NLM paused · epoch 1/10 · batch 200/612 · loss 2.1". */
async function statusText(page) {
  return (await page.locator('.statusbar-item[id$="nlm.status"]').innerText()).trim();
}

async function waitFor(page, what, fn, timeoutMs = 30000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(200);
  }
}

/** The labels the Command Palette lists for a query (then closes it). */
async function paletteLabels(page, query) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ state: 'visible' });
  await input.fill('>' + query);
  await page.waitForTimeout(500);
  const labels = await page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
  await page.keyboard.press('Escape');
  // Closed before the next F1, which would otherwise land on the closing widget.
  await input.waitFor({ state: 'hidden' });
  return labels.map((l) => l.trim());
}

/** Points of the longest path in the webview's charts (the per-batch loss line). */
function curvePoints(frame) {
  return frame.evaluate(() => Math.max(0, ...[...document.querySelectorAll('svg path')].map((p) => (p.getAttribute('d') ?? '').split(/[ML]/).length - 1)));
}

/** The policy the real panel set, read in its page: no source but the nonce runs a script, and a
 *  script injected into the page (as a word from a dataset might try) does not run. */
async function checkContentSecurityPolicy(frame) {
  const page = await frame.evaluate(() => {
    const policy = document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '';
    const injected = document.createElement('script');
    injected.textContent = 'window.__nlmInjected = true';
    document.body.append(injected);
    injected.remove();
    const ours = [...document.scripts].filter((s) => s.src.endsWith('/dashboard.js'));
    return { policy, ran: window.__nlmInjected === true, ours: ours.map((s) => Boolean(s.nonce)) };
  });
  const scriptSrc = /(?:^|;)\s*script-src ([^;]*)/.exec(page.policy)?.[1].trim() ?? '';
  if (!/(^|;)\s*default-src 'none'/.test(page.policy)) throw new Error(`the dashboard's CSP lacks default-src 'none': ${page.policy}`);
  if (!/^'nonce-[A-Za-z0-9+/=]{16,}'$/.test(scriptSrc)) throw new Error(`the dashboard's script-src is not a nonce alone: "${scriptSrc}"`);
  if (page.ran) throw new Error('an inline script injected into the dashboard ran');
  // (VS Code adds a script of its own to every webview; ours is the bundle.)
  if (page.ours.length !== 1 || !page.ours[0]) throw new Error(`the dashboard's bundle is not one script with a nonce: ${JSON.stringify(page.ours)}`);
  console.log(`dashboard CSP: ${page.policy.replace(/'nonce-[^']+'/, "'nonce-…'")}`);
}

const stepOf = (text) => Number((/step ([\d,]+)/.exec(text)?.[1] ?? 'NaN').replace(/,/g, ''));

export default async function (ctx) {
  const { page } = ctx;
  const screenshot = (name) => ctx.screenshot(`${process.env.NLM_UI_SHOTS ?? 'ui-'}${name}`);
  // The NLM view; in a fresh window it welcomes with a Train button.
  const icon = page.locator('.activitybar .action-item', { has: page.locator('a[aria-label^="NLM Lab"]') });
  // A click on the icon of the container already shown would hide it.
  if (!/\bchecked\b/.test((await icon.getAttribute('class')) ?? '')) await icon.click();
  const view = page.locator('[id="workbench.view.extension.nlm"]');
  await view.locator('.welcome-view-content, .monaco-list-row').first().waitFor({ timeout: 10000 });
  if (await view.locator('.welcome-view-content', { hasText: 'No model is loaded yet' }).isVisible()) console.log('screenshot:', await screenshot('nlm-welcome'));

  await ctx.runCommand('NLM: Train');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'NLM: Train' }).waitFor({ timeout: 30000 });
  await page.keyboard.type('demo corpus');
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Built-in demo corpus' }).waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');

  const dashboard = await ctx.waitForWebviewText('Gradient norms', 60000);
  // The NLM view beside the dashboard: run facts and live parameter statistics.
  await view.locator('.monaco-list-row', { hasText: /W1\s*‖·‖ \S+ · μ \S+/ }).first().waitFor({ timeout: 10000 });
  // Each parameter's norm and mean show whole: VS Code cuts a label that overflows its row with "…".
  const rows = await view.evaluate((el) =>
    [...el.querySelectorAll('.monaco-list-row')]
      .filter((row) => /^(W1|W2|b1|W3|b2)\s*‖/.test(row.textContent ?? ''))
      .map((row) => {
        const label = row.querySelector('.monaco-icon-label-container');
        return { text: row.textContent, cut: !label || label.scrollWidth > label.clientWidth + 1 };
      }),
  );
  if (rows.length !== 5 || rows.some((r) => r.cut)) throw new Error(`NLM view parameter rows cut with "…": ${JSON.stringify(rows)}`);
  const points = await waitFor(page, 'the loss curve to have 20 points', async () => {
    const n = await curvePoints(dashboard.frame);
    return n >= 20 && n;
  });
  console.log(`training: ${points} curve points; status bar "${await statusText(page)}"`);
  await checkContentSecurityPolicy(dashboard.frame);
  console.log('screenshot:', await screenshot('dashboard-training'));

  await ctx.runCommand('NLM: Pause');
  await waitFor(page, 'the status bar to say paused', async () => {
    const status = await statusText(page);
    if (/^NLM finished/.test(status)) throw new Error('training finished before it could be paused: run with --settings test/ui/settings.json (more epochs)');
    return /^NLM paused/.test(status);
  });
  // Each label asked for by name: the palette's list is virtual, so a broad query shows only the
  // rows that fit on screen.
  for (const label of ['NLM: Resume', 'NLM: Step Mini-batch', 'NLM: Stop']) {
    const offered = await paletteLabels(page, label);
    if (!offered.includes(label)) throw new Error(`paused, the palette lacks ${label}: ${offered.join(', ')}`);
  }
  const pauses = await paletteLabels(page, 'NLM: Pause');
  if (pauses.includes('NLM: Pause')) throw new Error(`paused, the palette still offers NLM: Pause: ${pauses.join(', ')}`);

  const before = stepOf((await ctx.waitForWebviewText('step ')).text);
  await ctx.runCommand('NLM: Step Mini-batch');
  const after = await waitFor(page, 'one more iteration on the dashboard', async () => {
    const step = stepOf((await ctx.waitForWebviewText('step ')).text);
    return step > before && step;
  });
  if (after !== before + 1) throw new Error(`Step Mini-batch went from step ${before} to ${after}`);
  // The dashboard may show the step before the status bar has its state back from the worker.
  await waitFor(page, 'the status bar to say paused after the step', async () => /^NLM paused/.test(await statusText(page)), 5000);
  console.log(`step mini-batch: ${before} → ${after}`);

  await ctx.runCommand('NLM: Inspect Weights');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'NLM: Inspect Weights' }).waitFor({ timeout: 10000 });
  await page.keyboard.type('W1');
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'word embeddings' }).waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
  await ctx.waitForWebviewText('Row i is the learned vector of word i.', 20000);
  await page.waitForTimeout(1000); // the heatmap draws after its tensor arrives
  console.log('screenshot:', await screenshot('inspect-weights-W1'));

  await ctx.runCommand('NLM: Resume');
  await waitFor(page, 'training to resume', async () => /^NLM (training|finished)/.test(await statusText(page)));

  // F5 on the iteration document (no launch.json) debugs this run: it runs on to a breakpoint on
  // the dW3 line, and Run and Debug (Variables, Watch, Call Stack) opens.
  await ctx.runCommand('NLM: Open Iteration');
  const dW3Line = page.locator('.editor-instance .view-line', { hasText: 'dW3 = H' }).first();
  await dW3Line.click();
  await page.keyboard.press('F9');
  await page.keyboard.press('F5');
  const debugIcon = page.locator('.activitybar .action-item', { has: page.locator('a[aria-label^="Run and Debug"]') });
  await waitFor(page, 'Run and Debug to open', async () => /\bchecked\b/.test((await debugIcon.getAttribute('class')) ?? ''));
  await page.locator('.debug-call-stack .monaco-list-row', { hasText: 'dW3' }).first().waitFor({ timeout: 30000 });
  await page.locator('.debug-view-content .monaco-list-row', { hasText: 'Batch' }).first().waitFor({ timeout: 10000 });
  if (!/^NLM paused/.test(await statusText(page))) throw new Error(`at the breakpoint: "${await statusText(page)}"`);
  console.log('screenshot:', await screenshot('debug-f5-dW3'));
  // The debug hover, without a modifier key: dW3 says it is not computed yet, with its statistics
  // and a histogram to expand.
  await dW3Line.hover({ position: { x: 12, y: 8 } });
  const hover = page.locator('.debug-hover-widget');
  await hover.locator('.monaco-list-row', { hasText: 'histogram' }).first().waitFor({ timeout: 15000 });
  const hoverText = await hover.innerText();
  if (!/not computed yet in this iteration/.test(hoverText) || !/μ mean/.test(hoverText)) throw new Error(`the dW3 debug hover: ${hoverText}`);
  // A click on the row's twistie expands it; on a busy machine a click can land while the hover
  // is still laying out, so click again until the bins show.
  // Expanded is the row's state, not a bar in sight: the list is virtual, and the fullest bins
  // (the only ones with a visible bar) may lie below the rows on screen.
  const histogramRow = hover.locator('.monaco-list-row', { hasText: 'histogram' }).first();
  const expanded = hover.locator('.monaco-list-row[aria-expanded="true"]', { hasText: 'histogram' }).first();
  for (let attempt = 1; !(await expanded.isVisible()); attempt++) {
    if (attempt > 3) throw new Error(`the histogram of the dW3 hover did not expand: ${await hover.innerText()}`);
    await histogramRow.click();
    await expanded.waitFor({ timeout: 5000 }).catch(() => undefined);
  }
  // The bins' rows render after the row says it is expanded.
  await waitFor(page, 'the histogram bins under the expanded row', async () =>
    (await hover.locator('.monaco-list-row').allInnerTexts()).some((t) => /^\s*-?\d[\d.e+-]*\s*=/.test(t)),
  );
  console.log('screenshot:', await screenshot('debug-hover-dW3'));
  await page.keyboard.press('Escape');
  // Time travel: the debug toolbar's Step Back goes to the phase before dW3, as it was.
  await page.locator('.debug-toolbar .action-item a[aria-label^="Step Back"]').click();
  await page.locator('.debug-call-stack .monaco-list-row', { hasText: 'dZ2' }).first().waitFor({ timeout: 30000 });
  // The Call Stack's header says why the thread stopped: the step back's stop, not a running thread.
  await page.getByText('Paused on step').first().waitFor({ timeout: 10000 });
  console.log('screenshot:', await screenshot('debug-step-back-dZ2'));
  // Stop debugging (the run stays loaded) and take the breakpoint away again.
  await page.keyboard.press('Shift+F5');
  await waitFor(page, 'the debug session to end', async () => !(await page.locator('.debug-toolbar').isVisible()));
  await dW3Line.click();
  await page.keyboard.press('F9');
}
