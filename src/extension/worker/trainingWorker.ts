// Worker-thread entry: the engine trains here so the extension host never stalls. It only wires
// SessionCore to the message port; any error becomes a reply or a log event, never a crash of
// the host.
import { parentPort } from 'worker_threads';
import type { RequestEnvelope, WorkerMessage } from '../protocol';
import { SessionCore } from './sessionCore';

const port = parentPort;
if (!port) throw new Error('trainingWorker must run in a worker thread');

const post = (m: WorkerMessage) => port.postMessage(m);
const core = new SessionCore((event) => post({ event }));

const fail = (id: number, e: unknown) => post({ reply: { id, ok: false, error: e instanceof Error ? e.message : String(e) } });

port.on('message', ({ id, request }: RequestEnvelope) => {
  try {
    const result: unknown = core.handle(request, id);
    // A sliced request (an evaluation) replies when its last slice is done.
    if (result instanceof Promise) result.then((r: unknown) => post({ reply: { id, ok: true, result: r } }), (e: unknown) => fail(id, e));
    else post({ reply: { id, ok: true, result } });
  } catch (e) {
    fail(id, e);
  }
});
