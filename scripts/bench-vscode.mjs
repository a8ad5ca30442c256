// `npm run bench:vscode`: throughput with the dashboard open and closed, and the latency from
// "Step mini-batch" to the dashboard showing the new step, in real VS Code (code-server + headless
// Chromium through test/harness/, the runtime that .ci/run installs). A script that prints
// figures, not a test; scripts/bench-vscode.ui.mjs says what it measures and how.
// BENCH_CORPUS=path/to/text.txt (and BENCH_VOCAB, default 8000) trains that text corpus instead of
// the demo corpus: `BENCH_CORPUS=../shared/data/kjv/kjv.txt npm run bench:vscode` is the V = 8000 run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const runtime = process.env.VSCODE_RUNTIME ?? path.join(os.homedir(), '.cache', 'vscode-runtime');
const run = (command, args) => spawnSync(command, args, { cwd: root, stdio: 'inherit' }).status === 0;

if (!run('bash', [path.join(root, 'test', 'harness', 'install-runtime.sh'), runtime])) process.exit(1);
if (!run('npm', ['run', 'build'])) process.exit(1);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-bench-vscode-'));
const settings = path.join(scratch, 'settings.json');
// Long enough that training is still running when the measurements end.
const corpus = process.env.BENCH_CORPUS;
const vocab = corpus ? { 'nlm.vocabSize': Number(process.env.BENCH_VOCAB ?? 8000) } : {};
fs.writeFileSync(settings, JSON.stringify({ 'nlm.epochs': 1000, ...vocab }));
const workspace = fs.mkdtempSync(path.join(scratch, 'workspace-'));
// The UI script picks it in NLM: Train's list of the workspace's datasets, by its name.
if (corpus) fs.copyFileSync(path.resolve(corpus), path.join(workspace, path.basename(corpus)));
const ok = run(process.execPath, [
  path.join(root, 'test', 'harness', 'run-tests.mjs'),
  ...['--runtime', runtime, '--extensionDevelopmentPath', root, '--workspace', workspace],
  ...['--out', path.join(scratch, 'out'), '--timeout', '600', '--settings', settings],
  ...['--ui-script', path.join(root, 'scripts', 'bench-vscode.ui.mjs')],
]);
process.exit(ok ? 0 : 1);
