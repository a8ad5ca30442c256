// The embedding map's layout worker (webview/layoutWorker.ts) as a string constant for the
// dashboard's bundle: a webview may start a Worker only from a blob: or data: URL, not from its own
// resource URLs, so the dashboard makes a blob of this text. Used by scripts/build.mjs and the
// dashboard harness (test/ui/dashboard/run.mjs).
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** esbuild `define` entries that give the bundle LAYOUT_WORKER_SOURCE. */
export async function layoutWorkerDefine(minify) {
  const result = await build({
    entryPoints: [path.join(root, 'webview/layoutWorker.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify,
    logLevel: 'warning',
  });
  return { LAYOUT_WORKER_SOURCE: JSON.stringify(result.outputFiles[0].text) };
}
