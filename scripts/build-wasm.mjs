// Compiles the AssemblyScript SIMD kernels into dist/kernels.wasm with the locally installed
// compiler (offline). Skips the work when the output is newer than its inputs; --force rebuilds.
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src/engine/wasm/assembly/kernels.ts');
const output = join(root, 'dist/kernels.wasm');

function fail(message) {
  console.error(`build-wasm: ${message}`);
  process.exit(1);
}

let compilerManifest;
try {
  compilerManifest = createRequire(import.meta.url).resolve('assemblyscript/package.json');
} catch {
  fail('the AssemblyScript compiler is not installed (run npm install)');
}
if (!existsSync(source)) fail(`${relative(root, source)} is missing`);

// The compiler's own version counts as an input, so upgrading it rebuilds.
const inputs = [source, fileURLToPath(import.meta.url), compilerManifest];
const newestInput = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
if (!process.argv.includes('--force') && existsSync(output) && statSync(output).mtimeMs >= newestInput) {
  console.log(`build-wasm: ${relative(root, output)} is up to date`);
  process.exit(0);
}

const { default: asc } = await import('assemblyscript/asc');
let binary;
const stderr = [];
const { error } = await asc.main(
  [
    relative(root, source),
    '--outFile', 'kernels.wasm',
    '-O3', '--noAssert',
    '--runtime', 'stub', // no GC: the kernels never allocate
    '--enable', 'simd',
    '--importMemory', '--noExportMemory', // the host sizes the memory and allocates in it
    // Shared, so a helper thread can run a second instance on the same tensors. The declared
    // maximum is wasm32's 4 GiB: the host's memory only has to fit under it.
    '--enable', 'threads', '--sharedMemory', '--maximumMemory', '65536',
    '--baseDir', root,
    '--noColors',
  ],
  {
    stdout: { write: () => true },
    stderr: { write: (s) => (stderr.push(String(s)), true) },
    // Keep the binary in memory and write it atomically below: a failed build leaves no half file.
    writeFile: (_name, contents) => {
      binary = contents;
    },
  },
);
if (error || !binary) fail(`compiling ${relative(root, source)} failed\n${stderr.join('')}${error ? error.message : 'no output'}`);
if (!WebAssembly.validate(binary)) fail('the compiler produced an invalid module (does this Node.js support WebAssembly SIMD?)');

mkdirSync(dirname(output), { recursive: true });
writeFileSync(`${output}.tmp`, binary);
renameSync(`${output}.tmp`, output);
console.log(`build-wasm: wrote ${relative(root, output)} (${binary.length} bytes)`);
