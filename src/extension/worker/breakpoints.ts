// Breakpoints on phases, with conditions, hit counts and logpoints. Conditions and log
// interpolations use the safe expression language; nothing here runs user text as code.
import type { Breakpoint } from '../protocol';

/** What breakpoints need from the running model's expressions. */
export interface ConditionContext {
  /** Throws an Error with a user-facing message when the text is not a valid true/false condition. */
  condition(text: string): boolean;
  display(text: string): { text: string };
  /** A message when the text does not parse, else undefined. */
  check(text: string): string | undefined;
}

interface HitRule {
  op: '==' | '>=' | '>' | '<' | '<=' | '%';
  n: number;
}

interface Entry {
  bp: Breakpoint;
  hitRule?: HitRule;
  hits: number;
}

export interface HitResult {
  ids: number[];
  /** A condition failed to evaluate: the run stops so the user can fix it. */
  error?: string;
}

export class BreakpointBook {
  private byPhase = new Map<string, Entry[]>();

  /** No breakpoint anywhere: nothing needs to look between phases. */
  get empty(): boolean {
    return this.byPhase.size === 0;
  }

  reset(): void {
    this.byPhase.clear();
  }

  /** Replaces all breakpoints; reports each as verified or not, with the reason. */
  set(
    list: Breakpoint[],
    phases: ReadonlySet<string>,
    syntax?: (text: string) => string | undefined,
  ): { id: number; verified: boolean; message?: string }[] {
    this.byPhase.clear();
    // One breakpoint on several phases (a time loop's line) comes as one entry per phase with
    // the same id: they share the entry, so its hit count counts every phase's hits.
    const byId = new Map<number, Entry>();
    return list.map((bp) => {
      if (!phases.has(bp.phase)) return { id: bp.id, verified: false, message: `no phase "${bp.phase}" on this line` };
      let hitRule: HitRule | undefined;
      if (bp.hitCondition?.trim()) {
        hitRule = parseHitCondition(bp.hitCondition);
        if (!hitRule) return { id: bp.id, verified: false, message: `hit count "${bp.hitCondition}" is not like 5, >= 5, == 5 or % 5` };
      }
      const problem = bp.condition?.trim() ? syntax?.(bp.condition) : undefined;
      if (problem) return { id: bp.id, verified: false, message: `condition: ${problem}` };
      for (const part of logExpressions(bp.logMessage)) {
        const p = syntax?.(part);
        if (p) return { id: bp.id, verified: false, message: `log message {${part}}: ${p}` };
      }
      const entries = this.byPhase.get(bp.phase) ?? [];
      const entry = byId.get(bp.id) ?? { bp, hitRule, hits: 0 };
      byId.set(bp.id, entry);
      entries.push(entry);
      this.byPhase.set(bp.phase, entries);
      return { id: bp.id, verified: true };
    });
  }

  /**
   * What running backwards stops at: the breakpoints that stop (not logpoints), their conditions
   * evaluated on the tensors where the run was (a condition that fails to evaluate stops, as it
   * does going forward). Hit counts count forward only, so they are not applied.
   */
  reverseStops(): { phases: string[]; conditional: boolean; stopsAt: (phase: string, ctx: ConditionContext) => boolean } {
    const stopping = (phase: string) => (this.byPhase.get(phase) ?? []).filter((e) => e.bp.logMessage === undefined);
    const phases = [...this.byPhase.keys()].filter((p) => stopping(p).length > 0);
    const conditional = phases.some((p) => stopping(p).every((e) => e.bp.condition?.trim()));
    const stopsAt = (phase: string, ctx: ConditionContext) =>
      stopping(phase).some((e) => {
        if (!e.bp.condition?.trim()) return true;
        try {
          return ctx.condition(e.bp.condition);
        } catch {
          return true;
        }
      });
    return { phases, conditional, stopsAt };
  }

  /** The stopping breakpoints on a phase (what a stop reached backwards reports). */
  idsOn(phase: string): number[] {
    return (this.byPhase.get(phase) ?? []).filter((e) => e.bp.logMessage === undefined).map((e) => e.bp.id);
  }

  /** Called before `phase` runs. Logpoints log and never stop. */
  check(phase: string, ctx: ConditionContext, log: (message: string) => void): HitResult {
    const ids: number[] = [];
    for (const e of this.byPhase.get(phase) ?? []) {
      try {
        if (e.bp.condition?.trim() && !ctx.condition(e.bp.condition)) continue;
      } catch (err) {
        return { ids: [e.bp.id], error: (err as Error).message };
      }
      e.hits++;
      if (e.hitRule && !hitMatches(e.hitRule, e.hits)) continue;
      if (e.bp.logMessage !== undefined) log(interpolate(e.bp.logMessage, ctx));
      else ids.push(e.bp.id);
    }
    return { ids };
  }
}

function parseHitCondition(text: string): HitRule | undefined {
  const m = /^\s*(==|>=|<=|>|<|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) return undefined;
  // A bare number means "from the N-th hit on", as in VS Code's JavaScript debugger.
  return { op: (m[1] as HitRule['op']) ?? '>=', n: Number(m[2]) };
}

function hitMatches(rule: HitRule, hits: number): boolean {
  switch (rule.op) {
    case '==':
      return hits === rule.n;
    case '>=':
      return hits >= rule.n;
    case '>':
      return hits > rule.n;
    case '<':
      return hits < rule.n;
    case '<=':
      return hits <= rule.n;
    case '%':
      return rule.n > 0 && hits % rule.n === 0;
  }
}

function logExpressions(message: string | undefined): string[] {
  return message ? [...message.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]) : [];
}

/** "loss={loss}" → "loss=4.21"; a failing part shows its error in place. */
function interpolate(message: string, ctx: ConditionContext): string {
  return message.replace(/\{([^{}]+)\}/g, (_, expr: string) => {
    try {
      return ctx.display(expr).text;
    } catch (e) {
      return `<${(e as Error).message}>`;
    }
  });
}
