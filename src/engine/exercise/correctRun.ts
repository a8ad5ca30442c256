// The correct run beside a student's ("Train with my backward"): the same run — its data, settings,
// seed, and the state the student's run stands in when it starts — trained with the engine's own
// backward, one iteration for each of the student's, so a view can draw both runs' losses on one
// chart: a wrong gradient visibly fails to learn where the correct one does.
import type { StepRecord } from '../trainRecords';
import { Trainer } from '../trainer';

export class CorrectRun {
  private readonly trainer: Trainer;

  /** Starts where `student` stands (between two iterations), before its phases are replaced or
   *  after: the copy is a new trainer of the same model with the engine's phases. */
  constructor(student: Trainer) {
    if (!student.atIterationStart) throw new Error('a correct run starts between two iterations');
    // One thread: a second helper thread would compete with the student's run for the cores;
    // the numbers are the same on one thread or two.
    this.trainer = new Trainer(student.dataset, { ...student.config, threads: 1 }, student.kernels, undefined, student.definition);
    this.trainer.restoreState(student.saveState());
  }

  /** Iterations trained so far. */
  get steps(): number {
    return this.trainer.steps;
  }

  /** Trains up to `step` iterations (the student's count) and returns the last one's record;
   *  undefined when it stands there already (the student replays steps after going back in time)
   *  or has trained all its epochs. */
  follow(step: number): StepRecord | undefined {
    let last: StepRecord | undefined;
    while (this.trainer.steps < step && !this.trainer.finished) last = this.trainer.step().iteration;
    return last;
  }

  /** The student's run changed its learning rate at `step`: the correct run does the same if it
   *  stands there too. Returns false when it does not (it is ahead: the student went back). */
  setLearningRate(step: number, lr: number): boolean {
    if (this.trainer.steps !== step) return false;
    this.trainer.setLearningRate(lr);
    return true;
  }

  close(): void {
    this.trainer.close();
  }
}
