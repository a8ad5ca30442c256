// A process killed while it saves leaves the old file or the new one, never a torn mix: a child
// process rewrites one file over and over with two different contents and is killed with SIGKILL
// mid-stream; whatever moment the kill lands on, the file is one of the two, whole.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';

const ATOMIC = path.resolve(__dirname, '..', '..', 'src', 'engine', 'modelfile', 'atomic.js');
const SIZE = 8 << 20;

test('SIGKILL during a save leaves the previous file intact', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-kill-'));
  const target = path.join(dir, 'model.safetensors');
  const child = spawn(process.execPath, [
    '-e',
    `const { writeFileAtomic } = require(${JSON.stringify(ATOMIC)});
     const contents = [new Uint8Array(${SIZE}).fill(1), new Uint8Array(${SIZE}).fill(2)];
     for (let i = 0; ; i++) { writeFileAtomic(${JSON.stringify(target)}, contents[i % 2]); process.stdout.write('.'); }`,
  ]);
  // Kill once a few saves are done, so the kill lands while one is in progress (or between two).
  await new Promise<void>((resolve, reject) => {
    let saves = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      saves += chunk.length;
      if (saves >= 3 && child.kill('SIGKILL')) resolve();
    });
    child.on('exit', (code) => (code !== null ? reject(new Error(`the writer exited by itself (code ${code})`)) : undefined));
  });
  await new Promise((resolve) => child.once('exit', resolve));
  const bytes = fs.readFileSync(target);
  assert.equal(bytes.length, SIZE, 'the file has its full length');
  assert.ok(bytes.every((b) => b === bytes[0]) && (bytes[0] === 1 || bytes[0] === 2), 'the file is one whole version');
  fs.rmSync(dir, { recursive: true, force: true });
});
