// What the bench scripts share: the project's root, the engine compiled by
// `npx tsc -p tsconfig.test.json` (out/), and a bundle of engine modules written next to
// dist/cli.js, for timings whose trainer needs the helper thread's script and the kernels beside it.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import path from 'node:path';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);

/** A module of out/src, e.g. compiled('engine/trainer'). */
export const compiled = (p) => require(path.join(root, 'out', 'src', p));

/** `exports`: lines of `export { … } from './src/…'`, bundled to dist/NAME.js and loaded. */
export async function bundledEngine(name, exports) {
  const outfile = path.join(root, 'dist', `${name}.js`);
  await build({
    stdin: { contents: exports, resolveDir: root, loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  return require(outfile);
}
