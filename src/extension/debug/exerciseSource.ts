// Breakpoints in exercise files (.nlmx): a line that assigns a tensor stops before the phase that
// writes it (the `dW3 = …` and `db2 = …` lines both before the dW3 phase), as the iteration
// document's phase lines do; a stop in such a phase shows the exercise file's line. No vscode
// import: the standalone adapter uses it too.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { linePhases } from '../../engine/exercise/exerciseFile';
import type { PhaseInfo } from '../protocol';

export function isExerciseSource(source: DebugProtocol.Source): boolean {
  return source.path?.endsWith('.nlmx') === true;
}

export interface ExerciseLines {
  /** The phase a 1-based line's tensor belongs to, if the line assigns one a phase writes. */
  phaseAt(line: number): string | undefined;
  /** The first line at or after `line` that has a phase: a breakpoint on a comment moves down. */
  phaseLineFrom(line: number): number | undefined;
  /** The first line of a phase's tensors, if the file has one. */
  lineOf(phase: string): number | undefined;
}

export function exerciseLines(text: string, phases: readonly PhaseInfo[]): ExerciseLines {
  // A tensor's k-th line is the k-th phase's that writes it (a sum over time steps: one per step).
  const assigned = text.split('\n').flatMap((source, i) => {
    const name = /^\s*([A-Za-z_]\w*)\s*=/.exec(source)?.[1];
    return name ? [{ line: i + 1, name }] : [];
  });
  const phaseIndex = linePhases(assigned.map((a) => a.name), phases);
  const byLine = new Map<number, string>();
  const first = new Map<string, number>();
  assigned.forEach(({ line }, i) => {
    const k = phaseIndex[i];
    if (k === undefined) return;
    const phase = phases[k].name;
    byLine.set(line, phase);
    if (!first.has(phase)) first.set(phase, line);
  });
  const lines = [...byLine.keys()];
  return {
    phaseAt: (line) => byLine.get(line),
    phaseLineFrom: (line) => lines.find((l) => l >= line),
    lineOf: (phase) => first.get(phase),
  };
}
