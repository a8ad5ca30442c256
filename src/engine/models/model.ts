// The Model interface: what a model declares, so that the trainer, the evaluator, the predictor,
// the model files, the CLI, the worker, the debugger and the dashboard drive any model without
// naming its tensors. A model is one folder under src/engine/models/ and one line in the registry
// (index.ts); the MLP (models/mlp/) is the first.
import { Activation } from '../activations';
import { TrainConfig } from '../config';
import { Kernels } from '../kernels';
import { UpdateSettings } from '../optimizers';
import { Phase } from '../phase';
import { DType, FloatArray, Tensor } from '../tensor';

/** A model's architecture: plain data (posted to the helper thread, written to model files). */
export interface ModelShape {
  readonly kind: string;
  readonly vocabSize: number;
  /** Context words per example. */
  readonly context: number;
  /** What an example is: absent, an n-gram (context words, one target after them); 'stream', a
   *  window of `context` tokens of a token stream with a target at every position, whose state
   *  the next window of the same stream carries on (recurrent models only). */
  readonly task?: Task;
}

export type Task = 'ngram' | 'stream';

/** Targets per example: 1 for an n-gram, one per position for a window of a stream. */
export function targetsPerExample(shape: ModelShape): number {
  return shape.task === 'stream' ? shape.context : 1;
}

/** What a parameter is to the views: the embedding's rows are words (the embedding map, nearest
 *  neighbours, predict's context); weights and biases are shown as heatmaps and vectors. */
export type ParamRole = 'embedding' | 'weight' | 'bias';

/** How an axis of a parameter is named in views: "hidden unit 3", "embedding dimension 5". */
export interface AxisName {
  readonly title: string;
  readonly unit: string;
}

export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly role: ParamRole;
  /** Axes indexed by vocabulary words: what lets a user write W1["day"] or W3[:, "york"]. */
  readonly wordAxes: readonly number[];
  /** What each dimension is, in the settings' terms, for shape errors: "vocabulary size, embeddingDim". */
  readonly dimensions: string;
  /** Each axis's name; an axis in wordAxes is named by its words. */
  readonly axes: readonly AxisName[];
  /** Rows that come in blocks of this many, one block per context word (W2: D rows per word). */
  readonly contextBlock?: number;
  /** Whether L2 weight decay applies (weights, not biases). */
  readonly decay: boolean;
  /** Random init with this fan-in and fan-out (Xavier, He), or zeros. */
  readonly init: { readonly fanIn: number; readonly fanOut: number } | 'zeros';
  /** Whether the vanishing-gradient filter watches this parameter's gradient (the early layers). */
  readonly watchVanishing: boolean;
  /** A few words ("word embeddings") and one line for views, for it and its gradient. */
  readonly title: string;
  readonly description: string;
  readonly gradientDescription: string;
}

/** An activation tensor of a batch: [n, width], row-major. */
export interface ActivationSpec {
  readonly name: string;
  readonly width: number;
  readonly wordAxes: readonly number[];
}

export type Params = Record<string, Tensor>;

/** One activation that saturates, unrolled over time: a gate's output at each time step. */
export interface SaturatingActivation {
  /** "input gate I", as the views name it. */
  readonly name: string;
  readonly activation: Activation;
  /** Its tensor at time step t = 1, 2, …, [n, width] each. */
  readonly tensors: readonly string[];
}

/** One instance of a model: parameters (possibly shared with another instance, e.g. an
 *  evaluator's), their gradients, and activation buffers for up to `capacity` examples. */
export interface Model {
  readonly kind: string;
  readonly shape: ModelShape;
  readonly specs: readonly ParamSpec[];
  readonly params: Params;
  /** Gradients by parameter name; each tensor is named d<name>. */
  readonly grads: Params;
  /** The iteration up to the gradients; the trainer appends the optimizer's update. */
  readonly phases: readonly Phase[];
  readonly capacity: number;
  /** The activation arrays, [capacity, width] each, by name (what a fused iteration works on). */
  readonly buffers: Readonly<Record<string, FloatArray>>;
  /** The hidden layer whose saturation the dashboard shows and the saturation filter watches. */
  readonly hidden?: { readonly tensor: string; readonly units: number; readonly activation: Activation };
  /** Recurrent models: the time steps backpropagated through and, for each, the tensor holding
   *  ∂L/∂H_t (the dashboard's "gradient through time" draws their norms). */
  readonly throughTime?: { readonly steps: readonly number[]; readonly gradients: readonly string[] };
  /** Activations besides the hidden layer whose saturation the dashboard charts per time step
   *  (the LSTM's gates), each with its activation (what counts as saturated) and its tensor at
   *  every time step, t = 1…T. */
  readonly saturating?: readonly SaturatingActivation[];

  /** The current batch (set by setBatch) and the results of its loss. */
  readonly n: number;
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
  loss: number;
  correct: number;

  /** Points the model at a batch; the arrays are read, never copied or changed. `continues`
   *  (stream task): the batch is the next window of the previous batch's streams, so the state
   *  its last time step left is carried in (detached); else the state starts at zero. */
  setBatch(inputs: Int32Array, targets: Int32Array, n: number, continues?: boolean): void;
  /** Activations and their gradients for the current batch, shaped [n, …]. */
  activations(): Tensor[];
  /** Axes indexed by words, per tensor name (parameters, gradients, activations). */
  wordAxes(): Record<string, number[]>;
  /** Forward pass only, for evaluation and inference: the next word's logits and probabilities,
   *  n×vocabSize each (the logits give an exact cross-entropy where probabilities underflow); for
   *  the stream task, at every position: context·n rows, time step by time step. `continues` as
   *  in setBatch. */
  predict(inputs: Int32Array, n: number, continues?: boolean): NextWord;
}

export interface NextWord {
  readonly logits: FloatArray;
  readonly probabilities: FloatArray;
}

/** Every array of an iteration, by role; the layout in shared memory follows this order. */
export interface IterationTensors {
  /** By parameter name, in the order of the model's ParamSpecs. */
  readonly params: Readonly<Record<string, FloatArray>>;
  readonly grads: Readonly<Record<string, FloatArray>>;
  /** By the names of FusedDefinition.bufferNames. */
  readonly buffers: Readonly<Record<string, FloatArray>>;
  /** The optimizer's state per parameter, in ParamSpec order (see UpdateArrays). */
  readonly state1: readonly FloatArray[];
  readonly state2: readonly FloatArray[];
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
}

/** What a thread needs to build a fused iteration besides the arrays: plain data, so it can be
 *  posted to the helper thread. */
export interface FusedSpec<S extends ModelShape = ModelShape> {
  readonly shape: S;
  readonly update: UpdateSettings;
}

export interface RowsResult {
  /** Σ −log P[y] over the rows. */
  lossSum: number;
  correct: number;
}

/**
 * A whole iteration (forward, backward and update) as two parts of tasks that one or two threads
 * claim (helperThread.ts): part 1 has ROW_TASKS tasks of rows (fusedIteration.ts), each leaving its
 * loss sum and hits in lossSums/corrects; part 2 reads every row. It must give the phases' numbers
 * to the bit.
 */
export interface FusedIteration {
  readonly gradientTaskCount: number;
  readonly lossSums: Float64Array;
  readonly corrects: Float64Array;
  forwardBackward(task: number, n: number): void;
  gradientsAndUpdate(task: number, n: number, lr: number, t: number): void;
  /** Every task in order on this thread. */
  runAll(n: number, lr: number, t: number): RowsResult;
}

export interface FusedDefinition<S extends ModelShape> {
  /** The buffers (Model.buffers) the iteration works on, in layout order. */
  readonly bufferNames: readonly string[];
  create(kernels: Kernels, spec: FusedSpec<S>, tensors: IterationTensors): FusedIteration;
}

/** A kind of model. Methods (not function properties), so a definition of a narrower shape is a
 *  ModelDefinition in the registry. */
export interface ModelDefinition<S extends ModelShape = ModelShape> {
  readonly kind: string;
  /** The architecture a run trains, from its settings and its data. */
  shapeFor(config: TrainConfig, data: { vocabSize: number; context: number; task?: Task }): S;
  /** The parameters, in the order of init, the optimizer's sub-steps and the model file. */
  paramSpecs(shape: S): readonly ParamSpec[];
  create(shape: S, params: Params, capacity: number, kernels: Kernels, dtype?: DType): Model;
  /** The architecture's fields in a model file's metadata, beside vocab (kind included). */
  metaFields(shape: S): Record<string, unknown>;
  /** The architecture from a model file's metadata; `bad` makes the error for a wrong field. */
  shapeFromMeta(meta: Readonly<Record<string, unknown>>, vocabSize: number, bad: (field: string, expected: string, got: unknown) => Error): S;
  /** The settings a run started from a model file trains with. */
  configOf(shape: S): Partial<TrainConfig>;
  /** A small architecture for the float64 gradient check (of the stream task when asked). */
  gradcheckShape(config: Partial<TrainConfig>, task?: Task): S;
  /** Whether the model trains on token streams (the stream task). */
  readonly streams?: boolean;
  /** A whole iteration fused for speed; without it the trainer runs the phases. */
  readonly fused?: FusedDefinition<S>;
  /** Exercise mode (engine/exercise/): the model's answers in the tensor language. */
  readonly exercise?: ExerciseDefinition<S>;
}

/** A tensor's correct expression in the tensor language, and its shape in the sizes' names. */
export interface ExerciseAnswer {
  readonly expression: string;
  /** "N×V", "1×M". */
  readonly shape: string;
}

/** A wrong answer students often give, and what to tell them when theirs equals it. */
export interface ExerciseMistake {
  readonly expression: string;
  readonly hint: string;
}

/** What exercise mode needs of a model besides its tensors: only the model names them.
 *  Answers and mistakes are keyed by tensor name; a tensor that several phases write (a sum over
 *  time steps, one line per phase) may have its own for one phase under `NAME@PHASE`, which wins
 *  over `NAME` on that phase's line. */
export interface ExerciseDefinition<S extends ModelShape = ModelShape> {
  /** Whether the phases depend on the activation setting (the file's header then names it). */
  readonly usesActivation: boolean;
  /** The sizes a student may name (V, D, …), beside N, the batch's examples. */
  sizes(shape: S): Record<string, number>;
  /** A correct answer for every tensor the model's phases write. */
  answers(shape: S): Record<string, ExerciseAnswer>;
  /** Common mistakes per tensor, checked in order when a student's value is wrong. */
  mistakes(shape: S): Record<string, readonly ExerciseMistake[]>;
  /** Comment lines for the top of an exercise file: what a student of this model needs to know. */
  notes?(shape: S): string[];
}
