// Breakpoints in exercise files (.nlmx): a line that assigns a tensor stops before the phase that
// writes it (the `dW3 = …` and `db2 = …` lines both before the dW3 phase), as the iteration
// document's phase lines do; a stop in such a phase shows the exercise file's line. No vscode
// import: the standalone adapter uses it too.
import type { DebugProtocol } from '@vscode/debugprotocol';
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
  const writer = new Map<string, string>();
  for (const p of phases) for (const name of p.writes) if (!writer.has(name)) writer.set(name, p.name);
  const byLine = new Map<number, string>();
  const first = new Map<string, number>();
  text.split('\n').forEach((source, i) => {
    const phase = writer.get(/^\s*([A-Za-z_]\w*)\s*=/.exec(source)?.[1] ?? '');
    if (!phase) return;
    byLine.set(i + 1, phase);
    if (!first.has(phase)) first.set(phase, i + 1);
  });
  const lines = [...byLine.keys()];
  return {
    phaseAt: (line) => byLine.get(line),
    phaseLineFrom: (line) => lines.find((l) => l >= line),
    lineOf: (phase) => first.get(phase),
  };
}
