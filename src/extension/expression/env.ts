// What an expression can see. The debugger implements this over the live trainer; tests over
// small hand-made tensors. Nothing here is hard-coded to the model's tensor names.
import { Tensor } from '../../engine/tensor';
import { Value } from './values';

/**
 * Lookups return undefined for unknown names; implement them over a Map or with Object.hasOwn,
 * since users can type names like "constructor".
 */
export interface ExpressionEnv {
  tensor(name: string): Tensor | undefined;
  tensorNames(): readonly string[];
  scalar(name: string): number | undefined;
  scalarNames(): readonly string[];
  /** Vocabulary lookup for string indices like W1["city"]. */
  wordId(word: string): number | undefined;
  /** All words, only used to suggest the closest one when a lookup fails. */
  vocabulary?(): readonly string[];
  /** Axes of `tensorName` indexed by word ids, e.g. [0] for W1, [1] for W3. */
  wordLabelledAxes(tensorName: string): readonly number[];
  /** A saturation rule for the tensor (e.g. |h| > 0.99 for tanh); default: x < 0.01 or x > 0.99. */
  saturated?(tensorName: string): ((x: number) => boolean) | undefined;
  /** A recurrent model's per-time-step tensors named without the step (dH → dH1, dH2, …), by
   *  time step, so that dH[2] (or dH[t]) reads dH2; undefined when `name` is no such family. */
  timeSeries?(name: string): ReadonlyMap<number, string> | undefined;
  /** Extra functions for the console, such as predict and nearest. */
  functionNames?(): readonly string[];
  /** Called only for names in functionNames(); may throw, the message is shown to the user. */
  call?(name: string, args: readonly Value[]): Value;
}
