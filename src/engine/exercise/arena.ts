// Scratch memory for lines evaluated every iteration (a phase replaced by a student's lines): the
// k-th array one run of the lines asks for is the k-th of the previous run, so training with them
// allocates nothing per iteration (a fresh 200 KB array costs more than the arithmetic on it, and
// wakes the garbage collector). Whatever a run computed must be used up before the next run.
import type { Kernels } from '../kernels';

export class Arena {
  private readonly float64s: Float64Array[] = [];
  private readonly float32s: Float32Array[] = [];
  private next64 = 0;
  private next32 = 0;

  /** `kernels` places the float32 arrays (a product's operands) where its kernels run in place. */
  constructor(private readonly kernels: Kernels) {}

  /** A new run of the lines: the arrays are handed out again from the first. */
  reset(): void {
    this.next64 = 0;
    this.next32 = 0;
  }

  /** n elements in float64 (a value of the language): zeros, or with `zeroed` false whatever the
   *  previous run left there (for a value that is overwritten whole). */
  float64(n: number, zeroed: boolean): Float64Array {
    return take(this.float64s, this.next64++, n, zeroed, (size) => new Float64Array(size));
  }

  /** n elements in float32 (an operand or result of a product on the kernels), as float64(). */
  float32(n: number, zeroed: boolean): Float32Array {
    return take(this.float32s, this.next32++, n, zeroed, (size) => this.kernels.alloc(size));
  }
}

/** The list's k-th array, grown when too short (never shrunk: the last mini-batch of an epoch is
 *  shorter, and the next is full again), as a view of n elements. */
function take<T extends Float32Array | Float64Array>(list: T[], k: number, n: number, zeroed: boolean, make: (size: number) => T): T {
  if (!list[k] || list[k].length < n) list[k] = make(n);
  const view = list[k].subarray(0, n) as T;
  if (zeroed) view.fill(0);
  return view;
}
