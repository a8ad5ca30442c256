// Bundles every entry point with esbuild (and the WASM kernels when their source exists).
// Entries that do not exist yet are skipped so the build grows with the project.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { layoutWorkerDefine } from './layoutWorkerSource.mjs';

const production = process.argv.includes('--production');

const node = [
  { in: 'src/cli/nlm.ts', out: 'cli' },
  { in: 'src/engine/shardWorker.ts', out: 'shardWorker' }, // the helper thread of two-thread training
  { in: 'src/engine/kernelWorker.ts', out: 'kernelWorker' }, // the helper thread of models trained phase by phase
  { in: 'src/engine/data/datasetLoader.ts', out: 'datasetLoader' }, // reads a dataset off the worker's thread
  { in: 'src/extension/extension.ts', out: 'extension' },
  { in: 'src/extension/worker/trainingWorker.ts', out: 'trainingWorker' },
  { in: 'src/extension/debug/debugAdapterMain.ts', out: 'debugAdapter' },
].filter((e) => existsSync(e.in));

// The dashboard's bundle has a folder of its own: the panel lets its page load from there and media/ only.
const browser = [
  { in: 'webview/main.ts', out: 'dashboard' },
  { in: 'webview/compare/compareMain.ts', out: 'compare' },
].filter((e) => existsSync(e.in));

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', outdir: 'dist' };

await build({
  ...common,
  entryPoints: node,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode'],
});
if (browser.length) {
  const define = await layoutWorkerDefine(production);
  await build({ ...common, outdir: 'dist/webview', entryPoints: browser, platform: 'browser', target: 'es2022', format: 'iife', define });
}
if (existsSync('scripts/build-wasm.mjs')) {
  const r = spawnSync(process.execPath, ['scripts/build-wasm.mjs'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log(`built ${node.map((e) => e.out).join(', ')} into dist/, ${browser.map((e) => e.out).join(', ')} into dist/webview/`);
