// A sweep: a grid over any training settings, every point one recorded run. The sweep's folder
// (<runs>/sweeps/<id>/sweep.json) records which points finished, so running the same sweep again
// skips them. The id is a hash of what the sweep trains, so "the same sweep" needs no name.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { resolveConfig, TrainConfig } from '../config';
import { LoadOptions } from '../data/load';
import { InputError } from '../errors';
import { writeFileAtomic } from '../modelfile/atomic';
import { SettingKey } from './settings';

export type SettingValue = string | number;

export interface SweepSpec {
  data: string;
  dataOptions: LoadOptions;
  /** Setting → the values to try; every combination is one run (the last setting varies fastest). */
  grid: Partial<Record<SettingKey, SettingValue[]>>;
  /** Settings shared by every run. */
  fixed: Partial<Record<SettingKey, SettingValue>>;
  /** Evaluate each finished run on the test split. */
  test: boolean;
}

export interface SweepPoint {
  /** Stable name of the point within its sweep: its grid settings as JSON. */
  key: string;
  /** The grid settings of this point, resolved ("16" → 16). */
  settings: Record<string, SettingValue>;
  config: TrainConfig;
}

/** Every point of the grid, each configuration checked; throws naming a bad setting. */
export function sweepPoints(spec: SweepSpec): SweepPoint[] {
  const keys = Object.keys(spec.grid) as SettingKey[];
  for (const k of keys) {
    if (k in spec.fixed) throw new Error(`${k} is both swept and fixed`);
    const values = spec.grid[k];
    if (!Array.isArray(values) || values.length === 0) throw new Error(`${k}: give at least one value to sweep`);
  }
  let combos: Partial<Record<SettingKey, SettingValue>>[] = [{}];
  for (const k of keys) combos = combos.flatMap((c) => spec.grid[k]!.map((v) => ({ ...c, [k]: v })));
  const points = combos.map((combo) => {
    const config = resolveConfig({ ...spec.fixed, ...combo });
    const settings = Object.fromEntries(keys.map((k) => [k, config[k]]));
    return { key: JSON.stringify(settings), settings, config };
  });
  const seen = new Set<string>();
  for (const p of points) {
    if (seen.has(p.key)) throw new Error(`the grid names the point ${p.key} twice`);
    seen.add(p.key);
  }
  return points;
}

/** Same data, options, grid and fixed settings → same id. */
export function sweepId(spec: SweepSpec, points: readonly SweepPoint[]): string {
  const data = spec.data === 'demo' ? 'demo' : path.resolve(spec.data);
  const fixed = points.length ? Object.fromEntries(Object.keys(spec.fixed).sort().map((k) => [k, points[0].config[k as SettingKey]])) : {};
  // The loader's defaults written out, so leaving an option out and giving its default agree.
  const given = Object.entries({ lowercase: true, splitPunctuation: true, ...spec.dataOptions }).filter(([, v]) => v !== undefined);
  const options = Object.fromEntries(given.sort(([a], [b]) => (a < b ? -1 : 1)));
  const identity = JSON.stringify({ data, options, points: points.map((p) => p.key), fixed, test: spec.test });
  return createHash('sha256').update(identity).digest('hex').slice(0, 12);
}

/** Reads a sweep file: { "data": …, "grid": { "embeddingDim": [8, 16], … }, "fixed": { … },
 *  "options": { "vocabSize": … }, "test": true }. A relative "data" path is taken from the file's
 *  folder. */
export function readSweepFile(file: string): SweepSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(file, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `is not valid JSON (${(e as Error).message})`);
  }
  const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!obj(raw)) throw new InputError(file, 'must hold a JSON object with "data" and "grid"');
  for (const k of Object.keys(raw)) if (!['data', 'grid', 'fixed', 'options', 'test'].includes(k)) throw new InputError(file, `unknown field "${k}" (expected data, grid, fixed, options, test)`);
  const { data, grid, fixed = {}, options = {}, test = false } = raw;
  if (typeof test !== 'boolean') throw new InputError(file, '"test" must be true or false');
  if (typeof data !== 'string' || data === '') throw new InputError(file, '"data" must be a dataset path or "demo"');
  if (!obj(grid)) throw new InputError(file, '"grid" must map settings to lists of values');
  if (!obj(fixed)) throw new InputError(file, '"fixed" must map settings to values');
  if (!obj(options)) throw new InputError(file, '"options" must map corpus options to values');
  const value = (v: unknown, where: string): SettingValue => {
    if (typeof v === 'string' || typeof v === 'number') return v;
    throw new InputError(file, `${where} must be a number or a string (got ${JSON.stringify(v)})`);
  };
  const gridValues: SweepSpec['grid'] = {};
  for (const [k, vs] of Object.entries(grid)) {
    if (!Array.isArray(vs)) throw new InputError(file, `grid.${k} must be a list of values`);
    gridValues[k as SettingKey] = vs.map((v, i) => value(v, `grid.${k}[${i}]`));
  }
  const types: Record<string, string> = { vocabSize: 'number', minCount: 'number', context: 'number', lowercase: 'boolean', splitPunctuation: 'boolean' };
  for (const [k, v] of Object.entries(options)) {
    if (!(k in types)) throw new InputError(file, `unknown option "${k}" (expected ${Object.keys(types).join(', ')})`);
    if (typeof v !== types[k]) throw new InputError(file, `options.${k} must be a ${types[k]} (got ${JSON.stringify(v)})`);
  }
  const fixedValues: SweepSpec['fixed'] = {};
  for (const [k, v] of Object.entries(fixed)) fixedValues[k as SettingKey] = value(v, `fixed.${k}`);
  return {
    data: data === 'demo' || path.isAbsolute(data) ? data : path.join(path.dirname(file), data),
    dataOptions: options as LoadOptions,
    grid: gridValues,
    fixed: fixedValues,
    test,
  };
}

interface SweepFileState {
  format: 'nlm-lab-sweep/1';
  id: string;
  data: string;
  dataOptions: LoadOptions;
  points: { key: string; settings: Record<string, SettingValue> }[];
  /** Point key → id of the run that finished it. */
  finished: Record<string, string>;
}

/** The sweep's folder: which points finished, in which run. */
export class SweepRecord {
  readonly dir: string;
  private readonly state: SweepFileState;

  constructor(
    runsDir: string,
    readonly id: string,
    spec: SweepSpec,
    points: readonly SweepPoint[],
  ) {
    this.dir = path.join(runsDir, 'sweeps', id);
    const file = path.join(this.dir, 'sweep.json');
    let finished: Record<string, string> = {};
    if (fs.existsSync(file)) finished = (JSON.parse(fs.readFileSync(file, 'utf8')) as SweepFileState).finished ?? {};
    else fs.mkdirSync(this.dir, { recursive: true });
    this.state = { format: 'nlm-lab-sweep/1', id, data: spec.data, dataOptions: spec.dataOptions, points: points.map(({ key, settings }) => ({ key, settings })), finished };
    this.save();
  }

  /** The run that finished this point, if one did. */
  finishedRun(key: string): string | undefined {
    return this.state.finished[key];
  }

  markFinished(key: string, runId: string): void {
    this.state.finished[key] = runId;
    this.save();
  }

  private save(): void {
    writeFileAtomic(path.join(this.dir, 'sweep.json'), new TextEncoder().encode(JSON.stringify(this.state, null, 2) + '\n'));
  }
}
