// UI test: a student runs "NLM: Train" from the Command Palette, picks the demo corpus, and sees
// the dashboard draw its curves. Screenshots go to the harness's --out folder.
export default async function (ctx) {
  await ctx.runCommand('NLM: Train');
  const page = ctx.page;
  // Our dataset picker replaces the palette: wait for its title, then take the first entry.
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'NLM: Train' }).waitFor({ timeout: 30000 });
  const demo = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Built-in demo corpus' });
  await demo.waitFor({ timeout: 30000 });
  await demo.click();
  const wv = await ctx.waitForWebviewText('Gradient norms', 60000);
  // Let it train a few seconds so the curves have points.
  await page.waitForTimeout(8000);
  const points = await wv.frame.evaluate(() => {
    const paths = [...document.querySelectorAll('svg path')].map((p) => (p.getAttribute('d') ?? '').split(/[ML]/).length - 1);
    return Math.max(0, ...paths);
  });
  if (points < 20) throw new Error(`the loss curve has only ${points} points`);
  console.log('curve points:', points);
  console.log('screenshot:', await ctx.screenshot(process.env.NLM_UI_SHOT ?? 'ui-dashboard-training'));
}
