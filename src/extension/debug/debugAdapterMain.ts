// The standalone debug adapter (`node dist/debugAdapter.js`): DAP over stdin/stdout with its own
// training worker, for protocol tests and for clients other than VS Code. The same as
// DebugSession.run(), which cannot pass constructor arguments.
import * as path from 'path';
import { RunController } from '../session/runController';
import { TrainingSession } from '../session/trainingSession';
import { NlmDebugSession } from './nlmDebugSession';

const run = new RunController(new TrainingSession(path.join(__dirname, 'trainingWorker.js')));
const session = new NlmDebugSession(run, { ownsRun: true, referencedSource: true });
session.setRunAsServer(false);
process.on('SIGTERM', () => session.shutdown());
session.start(process.stdin, process.stdout);
