// `npm run bench:vscode`: throughput with the dashboard open and closed, and the latency from
// "Step mini-batch" to the dashboard showing the new step, in real VS Code (code-server + headless
// Chromium through test/harness/, the runtime that .ci/run installs). A script that prints
// figures, not a test; scripts/bench-vscode.ui.mjs says what it measures and how.
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
fs.writeFileSync(settings, JSON.stringify({ 'nlm.epochs': 1000 }));
const workspace = fs.mkdtempSync(path.join(scratch, 'workspace-'));
const ok = run(process.execPath, [
  path.join(root, 'test', 'harness', 'run-tests.mjs'),
  ...['--runtime', runtime, '--extensionDevelopmentPath', root, '--workspace', workspace],
  ...['--out', path.join(scratch, 'out'), '--timeout', '600', '--settings', settings],
  ...['--ui-script', path.join(root, 'scripts', 'bench-vscode.ui.mjs')],
]);
process.exit(ok ? 0 : 1);
