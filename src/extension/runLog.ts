// Writes the run's life into the NLM output channel (what was loaded, epoch summaries, stops,
// worker messages) and reports a crashed worker; the next Train starts a fresh one.
import * as vscode from 'vscode';
import { describeSchedule } from '../engine/schedules';
import type { RunInfo } from './protocol';
import type { Problems } from './problems';
import type { RunController } from './session/runController';

export function logRun(run: RunController, output: vscode.OutputChannel, problems: Problems): void {
  run.on('run', (info) => logLoaded(output, info));
  run.on('epoch', (e) =>
    output.appendLine(
      `[epoch ${e.epoch}] train CE ${e.trainCe.toFixed(4)} acc ${e.trainAcc.toFixed(4)} | valid CE ${e.valid.ce.toFixed(4)} acc ${e.valid.acc.toFixed(4)} ` +
        `top-5 ${e.valid.top5.toFixed(4)} ppl ${e.valid.perplexity.toFixed(2)} | ${e.seconds.toFixed(2)} s`,
    ),
  );
  run.on('stopped', (s) => {
    if (s.reason === 'finished') output.appendLine(`[run] training finished after ${s.cursor.steps} iterations`);
    else if (s.reason === 'exception') output.appendLine(`[stop] ${s.description}`);
  });
  run.on('log', (message, level) => output.appendLine(`[${level}] ${message}`));
  run.on('crashed', (reason) => problems.report('worker', `${reason}. Run NLM: Train to start again.`));
}

function logLoaded(output: vscode.OutputChannel, info: RunInfo): void {
  const d = info.dataset;
  const c = info.config;
  output.appendLine(`[run] ${d.name}: V=${d.vocabSize}, ${d.train} train / ${d.valid} valid / ${d.test} test examples (${d.source})`);
  output.appendLine(
    `[run] D=${c.embeddingDim} P=${c.hiddenUnits} ${c.activation}, init ${c.init}, ${c.optimizer} lr ${c.lr} (${describeSchedule(c)}), ` +
      `L2 ${c.weightDecay}, batch ${c.batchSize}, ${c.epochs} epochs, seed ${c.seed}, kernels ${info.kernels}`,
  );
}
