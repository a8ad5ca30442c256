// The expression environment over a live trainer: every parameter, gradient and activation by
// name, the scalar fields of the cursor and the last loss, and predict()/nearest() for the
// Debug Console. Breakpoint conditions, watches and hovers all evaluate through here.
import { Predictor } from '../../engine/inference';
import { Tensor } from '../../engine/tensor';
import { Trainer } from '../../engine/trainer';
import { checkSyntax, DisplayValue, evaluateText, ExpressionEnv, formatValue, isTruthy, lookupWord, Value } from '../expression';
import type { ConditionContext } from './breakpoints';

const CONSOLE_FUNCTIONS = ['predict', 'nearest'] as const;

export class TrainerExpressions implements ExpressionEnv, ConditionContext {
  private readonly ids: Map<string, number>;

  constructor(
    private readonly trainer: Trainer,
    private readonly predictor: Predictor,
  ) {
    this.ids = new Map(trainer.dataset.vocab.map((w, i) => [w, i]));
  }

  tensor(name: string): Tensor | undefined {
    const t = this.trainer;
    if (t.specs.some((p) => p.name === name)) return t.params[name];
    if (name.startsWith('d') && t.specs.some((p) => p.name === name.slice(1))) return t.model.grads[name.slice(1)];
    return t.model.activations().find((a) => a.name === name);
  }

  tensorNames(): readonly string[] {
    const names = this.trainer.specs.map((p) => p.name);
    return [...names, ...names.map((n) => `d${n}`), ...this.trainer.model.activations().map((a) => a.name)];
  }

  scalar(name: string): number | undefined {
    const t = this.trainer;
    const m = t.model;
    switch (name) {
      case 'epoch':
        return t.epoch + 1;
      case 'batch':
        return t.batch + 1;
      case 'step':
        return t.steps;
      case 'loss':
        return m.loss;
      case 'acc':
        return m.n > 0 ? m.correct / m.n : NaN;
      case 'lr':
        return t.optimizer.lr;
      case 'N':
        return m.n;
      case 'validLoss':
        return t.epochs.at(-1)?.valid.ce ?? NaN;
      case 'validAcc':
        return t.epochs.at(-1)?.valid.acc ?? NaN;
      case 't':
        // The time step of the phase about to run (NaN on the lines outside the time loops).
        return this.timeLoops ? (t.currentPhase.timeStep ?? NaN) : undefined;
      default:
        return undefined;
    }
  }

  scalarNames(): readonly string[] {
    return ['epoch', 'batch', 'step', 'loss', 'acc', 'lr', 'N', 'validLoss', 'validAcc', ...(this.timeLoops ? ['t'] : [])];
  }

  /** Whether the model unrolls time steps, so that `t` means something. */
  private get timeLoops(): boolean {
    return this.trainer.phases.some((p) => p.timeStep !== undefined);
  }

  wordId(word: string): number | undefined {
    return this.ids.get(word);
  }

  vocabulary(): readonly string[] {
    return this.trainer.dataset.vocab;
  }

  wordLabelledAxes(tensorName: string): readonly number[] {
    return this.trainer.model.wordAxes()[tensorName] ?? [];
  }

  saturated(tensorName: string): ((x: number) => boolean) | undefined {
    const hidden = this.trainer.model.hidden;
    return tensorName === hidden?.tensor ? hidden.activation.saturated : undefined;
  }

  timeSeries(name: string): ReadonlyMap<number, string> | undefined {
    if (!this.timeLoops) return undefined;
    // Activations only (W1 is a parameter, not W at step 1); an exact name first, then any case (dh → dH).
    const activations = this.trainer.model.activations().map((a) => a.name);
    const members = (same: (prefix: string) => boolean) =>
      activations.flatMap((a): [number, string][] => {
        const m = /^(.*?)(\d+)$/.exec(a);
        return m && same(m[1]) ? [[Number(m[2]), a]] : [];
      });
    const exact = members((prefix) => prefix === name);
    const found = exact.length > 0 ? exact : members((prefix) => prefix.toLowerCase() === name.toLowerCase());
    return found.length > 0 ? new Map(found.sort(([a], [b]) => a - b)) : undefined;
  }

  functionNames(): readonly string[] {
    return CONSOLE_FUNCTIONS;
  }

  call(name: string, args: readonly Value[]): Value {
    const [arg, k] = args;
    if (typeof arg !== 'string') throw new Error(`${name} expects a string, e.g. ${name}(${name === 'predict' ? '"city of new"' : '"day"'})`);
    const count = typeof k === 'number' ? k : 10;
    // Unknown words get the language's own "not in the vocabulary; did you mean …" message.
    const words = arg.toLowerCase().trim().split(/\s+/).filter(Boolean);
    for (const w of words) lookupWord(this, w);
    const rows = name === 'predict' ? this.predictor.topK(arg, count) : this.predictor.nearest(words[0] ?? arg, count);
    const value: DisplayValue = {
      kind: 'display',
      text: rows.map((r) => `${r.word} ${r.score.toFixed(4)}`).join(', '),
      table: { header: ['word', name === 'predict' ? 'p' : 'cosine'], rows: rows.map((r) => [r.word, r.score]) },
    };
    return value;
  }

  /** A breakpoint condition: must be true or false. */
  condition(text: string): boolean {
    return isTruthy(evaluateText(text, this));
  }

  display(text: string): { text: string; isTensor: boolean } {
    const v = evaluateText(text, this);
    return { text: formatValue(v), isTensor: typeof v === 'object' && v.kind === 'tensor' };
  }

  check(text: string): string | undefined {
    return checkSyntax(text);
  }
}
