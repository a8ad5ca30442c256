// Runs the extension-host suites and the UI test in real VS Code (code-server + headless
// Chromium, see test/harness/), in a fresh empty workspace folder; then the packaged .vsix.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const runtime = process.env.VSCODE_RUNTIME ?? path.join(os.homedir(), '.cache', 'vscode-runtime');
const out = path.join(root, '.vscode-test-out');
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-workspace-'));
const harness = path.join(root, 'test', 'harness', 'run-tests.mjs');
// The UI script pauses a training run: with 100 epochs it is still running when it gets there.
const uiSettings = path.join(root, 'test', 'ui', 'settings.json');
const common = ['--runtime', runtime, '--extensionDevelopmentPath', root, '--workspace', workspace, '--out', out, '--timeout', '600', '--settings', uiSettings];

const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
const vsix = path.join(root, `nlm-lab-${version}.vsix`);
const uiScript = path.join(root, 'test', 'ui', 'train.ui.mjs');
const installedWorkspace = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-installed-'));

const runs = [
  // One session: the Mocha suites, the last of which runs the UI script through the harness.
  ['extension-host and UI tests', [...common, '--extensionTestsPath', path.join(root, 'out', 'test', 'extension'), '--ui-script', uiScript]],
  // The packaged product, as a student installs it: no development path, an empty folder.
  [
    'installed .vsix',
    ['--runtime', runtime, '--install-extension', vsix, '--workspace', installedWorkspace, '--out', out, '--timeout', '600', '--settings', uiSettings, '--ui-script', uiScript],
    { NLM_UI_SHOTS: 'vsix-' },
    () => spawnSync('npm', ['run', 'package'], { cwd: root, stdio: 'inherit' }).status === 0,
  ],
];
let failed = 0;
for (const [name, args, env = {}, prepare = () => true] of runs) {
  console.log(`--- ${name}`);
  const ok = prepare() && spawnSync(process.execPath, [harness, ...args], { stdio: 'inherit', env: { ...process.env, ...env } }).status === 0;
  if (!ok) failed++;
}
console.log(`vscode: ${runs.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
