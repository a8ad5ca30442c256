// Learning-rate schedules: the learning rate of every iteration, from the settings, the position
// (epoch, batch) and — for reduce-on-plateau — the validation cross-entropy of the epochs so far.
// A pure function of those, so the same seed and settings give the same learning rates wherever
// the run trains (CLI, worker, helper thread), and a sweep can compare schedules.
import type { TrainConfig } from './config';

export const SCHEDULES = ['exponential', 'step', 'cosine', 'plateau'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

export type ScheduleSettings = Pick<TrainConfig, 'lr' | 'lrDecay' | 'schedule' | 'lrStep' | 'lrMin' | 'lrPatience' | 'warmupSteps' | 'epochs'>;

/** One line for logs and headers: "cosine to 0.0001, warm-up 500 steps". */
export function describeSchedule(s: ScheduleSettings): string {
  const floor = s.lrMin > 0 ? `, floor ${s.lrMin}` : '';
  const main = {
    exponential: `×${s.lrDecay}/epoch${floor}`,
    step: `×${s.lrDecay} every ${s.lrStep} epochs${floor}`,
    cosine: `cosine to ${s.lrMin}`,
    plateau: `×${s.lrDecay} after ${s.lrPatience} epochs without a lower valid CE${floor}`,
  }[s.schedule];
  return s.warmupSteps > 0 ? `${main}, warm-up ${s.warmupSteps} steps` : main;
}

/** What a schedule remembers between iterations: what a saved training state must hold. */
export interface ScheduleState {
  readonly scale: number;
  readonly plateauLr: number;
  readonly bestValidCe: number;
  readonly epochsWithoutImprovement: number;
  readonly held: number | undefined;
}

export class LrSchedule {
  /** A user's change of the learning rate mid-run (rescale): the schedule goes on, scaled. */
  private scale = 1;
  /** Reduce-on-plateau's current rate and what it watches. */
  private plateauLr: number;
  private bestValidCe = Infinity;
  private epochsWithoutImprovement = 0;
  /** A rate the user set where the schedule gave 0 (cosine's end, lrMin 0): no factor scales 0
   *  back to life, so from then on every iteration trains at this rate. */
  private held: number | undefined;

  constructor(
    private readonly s: ScheduleSettings,
    private readonly batchesPerEpoch: number,
  ) {
    this.plateauLr = s.lr;
  }

  /** The learning rate of the iteration at 0-based (epoch, batch). */
  lrAt(epoch: number, batch: number): number {
    if (this.held !== undefined) return this.held;
    const s = this.s;
    const step = epoch * this.batchesPerEpoch + batch;
    let lr: number;
    switch (s.schedule) {
      case 'exponential':
        lr = decayed(s.lr, s.lrDecay, epoch);
        break;
      case 'step':
        lr = decayed(s.lr, s.lrDecay, Math.floor(epoch / s.lrStep));
        break;
      case 'cosine': {
        // Over the configured epochs, per iteration; an epoch trained beyond them stays at lrMin.
        const progress = Math.min(1, step / (s.epochs * this.batchesPerEpoch));
        lr = s.lrMin + 0.5 * (s.lr - s.lrMin) * (1 + Math.cos(Math.PI * progress));
        break;
      }
      case 'plateau':
        lr = this.plateauLr;
        break;
    }
    lr = Math.max(lr, s.lrMin);
    // Linear warm-up: the first iterations ramp up to the schedule's rate.
    const scheduled = step < s.warmupSteps ? (lr * (step + 1)) / s.warmupSteps : lr;
    return this.scale === 1 ? scheduled : this.scale * scheduled;
  }

  /** From now on every rate is `lr / current` times what the schedule gives (it keeps decaying),
   *  or `lr` itself where the current rate is 0. */
  changeTo(lr: number, current: number): void {
    if (current > 0 && this.held === undefined) this.scale *= lr / current;
    else this.held = lr;
  }

  get state(): ScheduleState {
    return { scale: this.scale, plateauLr: this.plateauLr, bestValidCe: this.bestValidCe, epochsWithoutImprovement: this.epochsWithoutImprovement, held: this.held };
  }

  set state(s: ScheduleState) {
    ({ scale: this.scale, plateauLr: this.plateauLr, bestValidCe: this.bestValidCe, epochsWithoutImprovement: this.epochsWithoutImprovement, held: this.held } = s);
  }

  /** Told the validation CE after each epoch (NaN when there is no validation split). */
  endEpoch(validCe: number): void {
    if (this.s.schedule !== 'plateau' || Number.isNaN(validCe)) return;
    if (validCe < this.bestValidCe) {
      this.bestValidCe = validCe;
      this.epochsWithoutImprovement = 0;
      return;
    }
    if (++this.epochsWithoutImprovement >= this.s.lrPatience) {
      this.plateauLr *= this.s.lrDecay;
      this.epochsWithoutImprovement = 0;
    }
  }
}

/** lr multiplied by `factor` `times` times, one multiplication after another: the rounding of the
 *  per-epoch decay the trainer always had, so runs of the exponential schedule keep their numbers. */
function decayed(lr: number, factor: number, times: number): number {
  for (let i = 0; i < times; i++) lr *= factor;
  return lr;
}
