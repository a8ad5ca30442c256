// The iteration "program": one line of math per phase of a training iteration, in the engine's
// order, under a short header. The editor and the debug adapter both render it from the run's
// phase list with this function, so a gutter breakpoint's line and the adapter's phase agree.
// No vscode import: the standalone adapter uses it too.
import type { PhaseDirection } from '../../engine/phase';
import type { PhaseInfo, RunInfo } from '../protocol';

export const ITERATION_SCHEME = 'nlm-iteration';
export const ITERATION_LANGUAGE = 'nlm-iteration';
export const ITERATION_NAME = 'iteration.nlm';
/** The one iteration document; also the DAP Source path, so stack frames open this editor. */
export const ITERATION_URI = `${ITERATION_SCHEME}:/${ITERATION_NAME}`;

/** What the document shows: a loaded run, or a preview without `dataset`. */
export type IterationInput = Pick<RunInfo, 'phases' | 'config'> & Partial<Pick<RunInfo, 'dataset' | 'modelKind' | 'hiddenActivation'>>;

export interface IterationDocument {
  readonly text: string;
  /** 1-based line of each phase, in phase order. */
  readonly phaseLines: ReadonlyMap<string, number>;
  /** The phase on a 1-based line, if any. */
  phaseAt(line: number): string | undefined;
  /** The first phase line at or after `line`: a breakpoint on a comment moves down to it. */
  phaseLineFrom(line: number): number | undefined;
}

/** Widest math line that still sets where the phase-name comments start. */
const COMMENT_COLUMN = 40;

const SECTION: Record<PhaseDirection, string> = {
  forward: '# forward pass: predict the next word of each example',
  backward: '# backward pass: gradients, from the loss back to the embeddings',
  update: '# update',
};

export function renderIteration(input: IterationInput): IterationDocument {
  const c = input.config;
  const lines = [
    '# NLM Lab · one training iteration (one mini-batch) · read-only',
    '# F9 breaks before a phase · F10 runs a phase · F11 a sub-step · Shift+F11 the rest of the iteration',
    input.dataset
      ? `# data   ${input.dataset.name}: ${input.dataset.vocabSize} words, ${input.dataset.train} training examples`
      : '# data   none loaded yet (preview of the configured model)',
    `# model  ${input.modelKind ?? 'mlp'} · D=${c.embeddingDim} · P=${c.hiddenUnits} · ${input.hiddenActivation ?? c.activation} · ${c.optimizer} lr=${c.lr} · batch ${c.batchSize} · ${c.epochs} epochs · seed ${c.seed}`,
  ];
  // Phase names line up in a column; a very long line (Adam's update) just gets its name after it.
  const width = Math.min(COMMENT_COLUMN, Math.max(...input.phases.map((p) => p.math.length)));
  const phaseLines = new Map<string, number>();
  let direction: PhaseDirection | undefined;
  for (const phase of input.phases) {
    if (phase.direction !== direction) {
      direction = phase.direction;
      lines.push('', direction === 'update' ? `${SECTION.update} (${c.optimizer})` : SECTION[direction]);
    }
    lines.push(`${phase.math.padEnd(width)}   # ${phaseNote(phase)}`);
    phaseLines.set(phase.name, lines.length);
  }
  const byLine = new Map([...phaseLines].map(([name, line]) => [line, name]));
  const sortedLines = [...byLine.keys()].sort((a, b) => a - b);
  return {
    text: lines.join('\n') + '\n',
    phaseLines,
    phaseAt: (line) => byLine.get(line),
    phaseLineFrom: (line) => sortedLines.find((l) => l >= line),
  };
}

/** The phase's name, plus its sub-steps when F11 can stop inside it. */
function phaseNote(phase: PhaseInfo): string {
  return phase.subSteps.length > 1 ? `${phase.name} · ${phase.subSteps.length} sub-steps` : phase.name;
}
