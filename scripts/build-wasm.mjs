// Compiles the AssemblyScript SIMD kernels with the locally installed compiler (offline), twice:
// dist/kernels.wasm with 128-bit SIMD, which every supported runtime runs, and
// dist/kernels-relaxed.wasm with relaxed SIMD too (fused multiply-add), which the host prefers
// where it validates. Skips the work when the outputs are newer than their inputs; --force rebuilds.
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src/engine/wasm/assembly/kernels.ts');
const outputs = { 'dist/kernels.wasm': [], 'dist/kernels-relaxed.wasm': ['--enable', 'relaxed-simd'] };

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
const upToDate = (output) => existsSync(join(root, output)) && statSync(join(root, output)).mtimeMs >= newestInput;
if (!process.argv.includes('--force') && Object.keys(outputs).every(upToDate)) {
  console.log(`build-wasm: ${Object.keys(outputs).join(', ')} are up to date`);
  process.exit(0);
}

const { default: asc } = await import('assemblyscript/asc');

async function compile(output, features) {
  let binary;
  const stderr = [];
  const { error } = await asc.main(
    [
      relative(root, source),
      '--outFile', 'kernels.wasm',
      '-O3', '--noAssert',
      '--runtime', 'stub', // no GC: the kernels never allocate
      '--enable', 'simd',
      ...features,
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
  if (error || !binary) fail(`compiling ${relative(root, source)} for ${output} failed\n${stderr.join('')}${error ? error.message : 'no output'}`);
  // Only the plain module must run here: this Node.js may lack relaxed SIMD (Node 20 has it behind a flag).
  if (features.length === 0 && !WebAssembly.validate(binary)) fail('the compiler produced an invalid module (does this Node.js support WebAssembly SIMD?)');
  const file = join(root, output);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, binary);
  renameSync(`${file}.tmp`, file);
  console.log(`build-wasm: wrote ${output} (${binary.length} bytes)`);
}

for (const [output, features] of Object.entries(outputs)) await compile(output, features);
