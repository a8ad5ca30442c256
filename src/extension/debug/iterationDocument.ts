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
  /** The first phase or loop line at or after `line`: a breakpoint on a comment moves down to it. */
  phaseLineFrom(line: number): number | undefined;
  /** The phases of the time loop headed by a 1-based line, if it heads one: a breakpoint there
   *  stops before each of its time steps (`t == 2` picks one). */
  loopAt(line: number): readonly string[] | undefined;
  /** The 1-based line heading each time-step phase's loop. */
  readonly loopLines: ReadonlyMap<string, number>;
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
  const width = Math.min(COMMENT_COLUMN, Math.max(...input.phases.map((p) => p.math.length + (p.timeStep === undefined ? 0 : LOOP_INDENT.length))));
  const phaseLines = new Map<string, number>();
  const loops = new Map<number, string[]>();
  const loopLines = new Map<string, number>();
  let direction: PhaseDirection | undefined;
  let loop: number | undefined;
  input.phases.forEach((phase, i) => {
    if (phase.direction !== direction) {
      direction = phase.direction;
      lines.push('', direction === 'update' ? `${SECTION.update} (${c.optimizer})` : SECTION[direction]);
    }
    if (phase.timeStep === undefined) loop = undefined;
    else if (!loop || input.phases[i - 1].direction !== phase.direction) {
      // A run of time-step phases in one direction is one loop, headed by its own line.
      const body = timeLoop(input.phases, i);
      lines.push(`${loopHeader(body).padEnd(width)}   # time loop: a breakpoint here stops at every step; t is the step`);
      loop = lines.length;
      loops.set(loop, body.map((p) => p.name));
    }
    const indent = loop ? LOOP_INDENT : '';
    lines.push(`${indent}${phase.math.padEnd(width - indent.length)}   # ${phaseNote(phase)}`);
    phaseLines.set(phase.name, lines.length);
    if (loop) loopLines.set(phase.name, loop);
  });
  const byLine = new Map([...phaseLines].map(([name, line]) => [line, name]));
  const sortedLines = [...byLine.keys(), ...loops.keys()].sort((a, b) => a - b);
  return {
    text: lines.join('\n') + '\n',
    phaseLines,
    phaseAt: (line) => byLine.get(line),
    phaseLineFrom: (line) => sortedLines.find((l) => l >= line),
    loopAt: (line) => loops.get(line),
    loopLines,
  };
}

/** The body of a time loop shows as indented under its header. */
const LOOP_INDENT = '  ';

/** The time-step phases from `start` on in one direction: one loop of the unrolled iteration. */
function timeLoop(phases: readonly PhaseInfo[], start: number): PhaseInfo[] {
  const body: PhaseInfo[] = [];
  for (let i = start; i < phases.length && phases[i].timeStep !== undefined && phases[i].direction === phases[start].direction; i++) body.push(phases[i]);
  return body;
}

/** "for t = 1…3:" forward, "for t = 3…2, backward through time:" for BPTT (last step first). */
function loopHeader(body: readonly PhaseInfo[]): string {
  const [first, last] = [body[0].timeStep, body[body.length - 1].timeStep];
  const range = first === last ? `${first}` : `${first}…${last}`;
  return body[0].direction === 'backward' ? `for t = ${range}, backward through time:` : `for t = ${range}:`;
}

/** The phase's name, plus its sub-steps when F11 can stop inside it. */
function phaseNote(phase: PhaseInfo): string {
  return phase.subSteps.length > 1 ? `${phase.name} · ${phase.subSteps.length} sub-steps` : phase.name;
}
