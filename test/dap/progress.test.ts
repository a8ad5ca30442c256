// Reading a large corpus at launch shows as DAP progress (start, updates with the reading's stages,
// end), and the client's `cancel` of that progress stops the launch at once with a clear error.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { NlmDebugSession } from '../../src/extension/debug/nlmDebugSession';
import { RunController } from '../../src/extension/session/runController';
import { TrainingSession } from '../../src/extension/session/trainingSession';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const corpus = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-dap-progress-')), 'big.txt');

describe('DAP progress while a launch reads its corpus', () => {
  const run = new RunController(new TrainingSession(path.join(ROOT, 'dist', 'trainingWorker.js')));
  let server: net.Server;
  let port = 0;

  before(async () => {
    const words = ['the', 'king', 'rode', 'to', 'a', 'castle', 'queen', 'sea', 'at', 'dawn'];
    fs.writeFileSync(corpus, Array.from({ length: 150_000 }, (_, i) => Array.from({ length: 8 }, (_, j) => words[(i * 7 + j * 3) % 10]).join(' ') + ' .').join('\n'));
    server = net.createServer((socket) => {
      const session = new NlmDebugSession(run, { ownsRun: true, referencedSource: false });
      session.setRunAsServer(true);
      session.start(socket, socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  after(async () => {
    server.close();
    await run.dispose();
  });

  async function client(): Promise<{ dc: DebugClient; events: DebugProtocol.Event[] }> {
    const dc = new DebugClient('node', '', 'nlm');
    dc.defaultTimeout = 60000;
    await dc.start(port);
    const events: DebugProtocol.Event[] = [];
    for (const kind of ['progressStart', 'progressUpdate', 'progressEnd']) dc.on(kind, (e: DebugProtocol.Event) => events.push(e));
    const init = await dc.initializeRequest({ adapterID: 'nlm', supportsProgressReporting: true, linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    assert.equal(init.body?.supportsCancelRequest, true);
    return { dc, events };
  }

  const launchArgs = { type: 'nlm', request: 'launch', name: 'big', dataset: corpus, stopOnEntry: true, config: { hiddenUnits: 8, epochs: 1 } } as DebugProtocol.LaunchRequestArguments;

  test('start, the stages, end; then the run stops on entry', async () => {
    const { dc, events } = await client();
    try {
      await Promise.all([dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()), dc.launchRequest(launchArgs), dc.waitForEvent('stopped')]);
      const kinds = events.map((e) => e.event);
      assert.equal(kinds[0], 'progressStart');
      assert.equal(kinds.at(-1), 'progressEnd');
      const start = events[0] as DebugProtocol.ProgressStartEvent;
      assert.equal(start.body.title, `Reading ${corpus}`);
      assert.equal(start.body.cancellable, true);
      const stages = events.filter((e) => e.event === 'progressUpdate').map((e) => (e as DebugProtocol.ProgressUpdateEvent).body.message);
      assert.deepEqual(stages, ['reading the text', 'checking the text', 'splitting it into words', 'choosing the vocabulary', 'making 4-grams']);
      assert.ok(events.every((e) => (e.body as { progressId: string }).progressId === start.body.progressId));
    } finally {
      await dc.stop();
    }
  });

  test("the client's cancel of the progress stops the launch with a clear error", async () => {
    const { dc, events } = await client();
    try {
      dc.once('progressStart', (e: DebugProtocol.ProgressStartEvent) => void dc.customRequest('cancel', { progressId: e.body.progressId }));
      const launched = dc.launchRequest(launchArgs);
      await assert.rejects(launched, { message: `Cannot start training: reading ${corpus} was cancelled` });
      assert.equal(events.at(-1)?.event, 'progressEnd');
    } finally {
      await dc.stop();
    }
  });
});
