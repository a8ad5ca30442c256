// What a debug session is configured with: launch arguments (dataset, hyper-parameters) become the
// worker's load request, and the exception breakpoint filters (with their thresholds) become the
// worker's exception filters. Validation of values stays in the engine's resolveConfig.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DEFAULT_CONFIG, TrainConfig } from '../../engine/config';
import { CORPUS_SETTINGS, CorpusOptions } from '../../engine/data/text';
import type { ExceptionFilters, Request } from '../protocol';

export interface NlmLaunchArguments extends DebugProtocol.LaunchRequestArguments, Partial<TrainConfig>, CorpusOptions {
  /** "demo", or a path to a CMPE 597 folder, a .mat file or a .txt corpus. */
  dataset?: string;
  /** Stop before the first phase; by default only when no breakpoint is set. */
  stopOnEntry?: boolean;
  /** Start from a saved model instead of a fresh initialisation. */
  modelFile?: string;
  /** Log the DAP traffic to the debug console. */
  trace?: boolean;
}

export interface NlmAttachArguments extends DebugProtocol.AttachRequestArguments {
  /** Stop where the run stands; by default only when no breakpoint is set. */
  stopOnEntry?: boolean;
  trace?: boolean;
}

export function loadRequest(args: NlmLaunchArguments): Extract<Request, { kind: 'load' }> {
  const config: Partial<Record<keyof TrainConfig, unknown>> = {};
  // VS Code adds its own keys (type, name, __sessionId…); only the training settings pass on.
  for (const key of Object.keys(DEFAULT_CONFIG) as (keyof TrainConfig)[]) {
    if (args[key] !== undefined) config[key] = args[key];
  }
  const corpus: CorpusOptions = {};
  for (const key of Object.keys(CORPUS_SETTINGS) as (keyof typeof CORPUS_SETTINGS)[]) {
    if (args[key] !== undefined) Object.assign(corpus, { [key]: args[key] });
  }
  return {
    kind: 'load',
    dataset: { path: args.dataset || 'demo', corpus },
    config: config as Partial<TrainConfig>,
    modelFile: args.modelFile || undefined,
  };
}

interface FilterDef {
  dap: DebugProtocol.ExceptionBreakpointsFilter;
  /** Sets the worker filter; `threshold` is the parsed condition or undefined for the default. */
  apply(filters: ExceptionFilters, threshold: number | undefined): void;
}

const FILTERS: FilterDef[] = [
  {
    dap: {
      filter: 'nan',
      label: 'NaN / Inf in any tensor',
      description: 'Stop after a phase that writes a NaN or infinite value, or computes a non-finite loss.',
      default: true,
    },
    apply: (f) => (f.nan = true),
  },
  {
    dap: {
      filter: 'explodingGradient',
      label: 'Exploding gradient',
      description: 'Stop after an iteration in which a gradient’s L2 norm (or a recurrent model’s ‖∂L/∂H_t‖ at a time step) exceeds the threshold.',
      supportsCondition: true,
      conditionDescription: 'Gradient norm threshold, e.g. 100 (default 100)',
    },
    apply: (f, t) => (f.explodingNorm = t ?? 100),
  },
  {
    dap: {
      filter: 'vanishingGradient',
      label: 'Vanishing gradient',
      description: 'Stop after an iteration in which the gradient of an early layer (the MLP’s ‖dW1‖ or ‖dW2‖; a recurrent model’s ‖∂L/∂H_t‖ at a time step) falls below the threshold.',
      supportsCondition: true,
      conditionDescription: 'Gradient norm threshold, e.g. 1e-6 (default 1e-6)',
    },
    apply: (f, t) => (f.vanishingNorm = t ?? 1e-6),
  },
  {
    dap: {
      filter: 'saturation',
      label: 'Hidden layer saturation',
      description: 'Stop after the activation phase when more than this percentage of hidden values is saturated.',
      supportsCondition: true,
      conditionDescription: 'Percentage of saturated hidden values, e.g. 90 (default 90)',
    },
    apply: (f, t) => (f.saturation = (t ?? 90) / 100),
  },
  {
    dap: {
      filter: 'validLossUp',
      label: 'Validation loss went up',
      description: 'Stop after an epoch whose validation cross-entropy is higher than the previous epoch’s.',
    },
    apply: (f) => (f.validLossUp = true),
  },
];

export const EXCEPTION_FILTERS: DebugProtocol.ExceptionBreakpointsFilter[] = FILTERS.map((f) => f.dap);

/** The worker's filters, and one DAP breakpoint per requested filter (unverified when its threshold is bad). */
export function exceptionFilters(args: DebugProtocol.SetExceptionBreakpointsArguments): {
  filters: ExceptionFilters;
  breakpoints: DebugProtocol.Breakpoint[];
} {
  const requested = [...args.filters.map((filterId) => ({ filterId, condition: undefined })), ...(args.filterOptions ?? [])];
  const filters: ExceptionFilters = {};
  const breakpoints = requested.map(({ filterId, condition }): DebugProtocol.Breakpoint => {
    const def = FILTERS.find((f) => f.dap.filter === filterId);
    if (!def) return { verified: false, message: `unknown exception filter "${filterId}"` };
    const threshold = parseThreshold(condition);
    if (threshold === null) {
      return { verified: false, message: `"${condition}" is not a number. ${def.dap.conditionDescription}` };
    }
    def.apply(filters, threshold);
    return { verified: true };
  });
  return { filters, breakpoints };
}

/** "100", "> 100", "90 %", "1e-6" → the number; empty → undefined (the default); else null. */
function parseThreshold(text: string | undefined): number | undefined | null {
  if (!text?.trim()) return undefined;
  const m = /^\s*(?:>=?|<=?)?\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*%?\s*$/i.exec(text);
  return m ? Number(m[1]) : null;
}
