// What the Run view says about a run and its parameters. The description beside a name has room
// for about 30 characters in a sidebar of usual width before VS Code cuts it with "…", so it holds
// the two figures that matter (norm and mean, three significant digits); the tooltip has them all.
import { formatNumber, TensorStats } from '../../engine/metrics';
import { isRewound, RunInfo, RunState, Snapshot } from '../protocol';

export interface ItemText {
  label: string;
  description: string;
  tooltip: string;
}

/** Characters a description may have so that it shows whole in a sidebar of usual width. */
export const DESCRIPTION_BUDGET = 30;

/** Three significant digits at any magnitude: 3.41, 0.0123, −1.2e-5, 2.5e+4. */
export function shortNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e4 || a < 1e-3 ? x.toExponential(1) : x.toPrecision(3).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

export function paramText(s: TensorStats): ItemText {
  const bad = s.nan + s.inf;
  return {
    label: s.name,
    description: bad > 0 ? `${bad} NaN/Inf · ‖·‖ ${shortNumber(s.norm)}` : `‖·‖ ${shortNumber(s.norm)} · μ ${shortNumber(s.mean)}`,
    tooltip: [
      `${s.name} [${s.shape.join('×')}]`,
      `‖·‖₂ = ${formatNumber(s.norm)}`,
      `mean μ = ${formatNumber(s.mean)}`,
      `std σ = ${formatNumber(s.std)}`,
      `min = ${formatNumber(s.min)}`,
      `max = ${formatNumber(s.max)}`,
      `NaN = ${s.nan}, Inf = ${s.inf}`,
      'Click to inspect.',
    ].join('\n'),
  };
}

/** The Run section: dataset, state, progress, last loss and model, each a label and a short value. */
export function runFactTexts(info: RunInfo, state: RunState, snapshot: Snapshot | undefined, lastLoss: number | undefined): ItemText[] {
  const d = info.dataset;
  const c = info.config;
  const activation = info.hiddenActivation ?? c.activation;
  const fact = (label: string, description: string, tooltip = `${label}: ${description}`): ItemText => ({ label, description, tooltip });
  return [
    fact('dataset', `${d.name} · V=${d.vocabSize}`, `${d.source}\nvocabulary ${d.vocabSize} words\n${d.train} train / ${d.valid} valid / ${d.test} test examples`),
    fact('state', state),
    ...(snapshot
      ? [
          fact('epoch', epochText(info, snapshot)),
          fact('iterations', String(snapshot.cursor.steps)),
          fact('learning rate', shortNumber(snapshot.lr), `learning rate: ${formatNumber(snapshot.lr)}`),
        ]
      : []),
    ...(lastLoss !== undefined ? [fact('last batch loss', lastLoss.toFixed(4))] : []),
    ...(snapshot?.timeTravel ? [timeTravelText(snapshot)] : []),
    fact('model', `D=${c.embeddingDim} P=${c.hiddenUnits} ${activation}`, `D=${c.embeddingDim} P=${c.hiddenUnits} ${activation}\nkernels: ${info.kernels}`),
  ];
}

export function configFactTexts(info: RunInfo): ItemText[] {
  return Object.entries(info.config).map(([key, value]) => ({ label: key, description: String(value), tooltip: `${key}: ${String(value)}` }));
}

/** How far back the run can go, and, after going back, where it is against the present. */
export function timeTravelText(snapshot: Snapshot): ItemText {
  const tt = snapshot.timeTravel!;
  const label = 'time travel';
  if (tt.earliest === undefined) return { label, description: 'off', tooltip: `Time travel is off: ${tt.off ?? 'no state is kept'}.` };
  const present = tt.present.steps;
  const description = isRewound(snapshot) ? `rewound: ${snapshot.cursor.steps} of ${present}` : `back to step ${tt.earliest}`;
  const tooltip = [
    isRewound(snapshot) ? `Rewound to step ${snapshot.cursor.steps}; the present is step ${present} (NLM: Back to the Present).` : `The present: step ${present}.`,
    `Step Back, Reverse Continue, NLM: Rewind to Step… and the dashboard's curves reach back to step ${tt.earliest}.`,
    `A checkpoint every ${tt.every} steps; ${(tt.bytes / 2 ** 20).toFixed(1)} of ${(tt.budgetBytes / 2 ** 20).toFixed(0)} MiB (nlm.timeTravel.memoryMiB).`,
  ].join('\n');
  return { label, description, tooltip };
}

function epochText(info: RunInfo, snapshot: Snapshot): string {
  const { epoch, batch } = snapshot.cursor;
  const epochs = info.config.epochs;
  return `${Math.min(epoch + 1, epochs)}/${epochs}, batch ${batch}/${info.batchesPerEpoch}`;
}
