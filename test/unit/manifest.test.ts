// package.json's settings, launch attributes, commands and menus must say what the engine and
// the extension do. Settings drift is fixed with `node scripts/gen-settings.mjs`.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { ACTIVATIONS } from '../../src/engine/activations';
import { DEFAULT_CONFIG, INITS, MODEL_KINDS, NUMBER_RULES, OPTIMIZERS, TrainConfig } from '../../src/engine/config';
import { SCHEDULES } from '../../src/engine/schedules';
import { DEFAULT_RUNS_DIR } from '../../src/cli/cliArgs';
import { CORPUS_SETTINGS } from '../../src/engine/data/text';
import { TIME_TRAVEL_SETTINGS } from '../../src/engine/timeTravel/settings';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

interface Setting {
  type: string;
  default: unknown;
  minimum?: number;
  maximum?: number;
  enum?: string[];
  description: string;
}

test('every hyper-parameter is an nlm.* setting with the engine default, type, bounds and description', () => {
  const props = manifest.contributes.configuration.properties as Record<string, Setting>;
  const choices: Partial<Record<keyof TrainConfig, readonly string[]>> = { activation: ACTIVATIONS, init: INITS, optimizer: OPTIMIZERS, schedule: SCHEDULES, model: MODEL_KINDS };
  for (const key of Object.keys(DEFAULT_CONFIG) as (keyof TrainConfig)[]) {
    const p = props[`nlm.${key}`];
    assert.ok(p, `nlm.${key} is declared`);
    assert.deepEqual(p.default, DEFAULT_CONFIG[key], `nlm.${key} default`);
    assert.ok(p.description, `nlm.${key} has a description`);
    const rule = NUMBER_RULES[key as keyof typeof NUMBER_RULES];
    if (rule) {
      assert.deepEqual([p.type, p.minimum, p.maximum], [rule.integer ? 'integer' : 'number', rule.min, rule.max], `nlm.${key} type and bounds`);
      assert.equal(p.description, rule.description, `nlm.${key} description`);
    } else assert.deepEqual(p.enum, [...(choices[key] ?? [])], `nlm.${key} choices`);
  }
  for (const [key, rule] of Object.entries(CORPUS_SETTINGS)) {
    const p = props[`nlm.${key}`];
    assert.ok(p, `nlm.${key} is declared`);
    assert.deepEqual([p.default, p.description], [rule.default, rule.description], `nlm.${key}`);
    if ('min' in rule) assert.deepEqual([p.type, p.minimum, p.maximum], ['integer', rule.min, rule.max], `nlm.${key} type and bounds`);
    else if ('choices' in rule) assert.deepEqual([p.type, p.enum], ['string', [...rule.choices]], `nlm.${key} type and choices`);
    else assert.equal(p.type, 'boolean', `nlm.${key} type`);
  }
  for (const [key, rule] of Object.entries(TIME_TRAVEL_SETTINGS)) {
    const p = props[`nlm.${key}`];
    assert.ok(p, `nlm.${key} is declared`);
    assert.deepEqual([p.type, p.default, p.minimum, p.maximum, p.description], ['integer', rule.default, rule.min, rule.max, rule.description], `nlm.${key}`);
  }
  assert.equal(props['nlm.runsDir']?.default, DEFAULT_RUNS_DIR, 'nlm.runsDir defaults to the CLI\'s --runs-dir');
  const count = Object.keys(DEFAULT_CONFIG).length + Object.keys(CORPUS_SETTINGS).length + Object.keys(TIME_TRAVEL_SETTINGS).length + 1;
  assert.equal(Object.keys(props).length, count, 'no stale settings');
});

test('the launch configuration offers the same hyper-parameters with the same defaults', () => {
  const launch = manifest.contributes.debuggers[0].configurationAttributes.launch.properties as Record<string, { default: unknown; enum?: string[] }>;
  for (const key of Object.keys(DEFAULT_CONFIG) as (keyof TrainConfig)[]) {
    assert.deepEqual(launch[key]?.default, DEFAULT_CONFIG[key], `launch.${key}`);
  }
  for (const [key, rule] of Object.entries(CORPUS_SETTINGS)) {
    assert.ok(launch[key], `launch.${key} is declared`);
    assert.deepEqual(launch[key].default, rule.default, `launch.${key}`);
    if ('choices' in rule) assert.deepEqual(launch[key].enum, [...rule.choices], `launch.${key} choices`);
  }
});

test('commands are in the NLM category and every menu entry names a declared command', () => {
  const ids = new Set((manifest.contributes.commands as { command: string; category: string }[]).map((c) => c.command));
  for (const c of manifest.contributes.commands) assert.equal(c.category, 'NLM', c.command);
  for (const entries of Object.values(manifest.contributes.menus) as { command: string }[][]) {
    for (const e of entries) assert.ok(ids.has(e.command), e.command);
  }
});

test('enablement and when clauses use only the context keys the extension sets', () => {
  const clauses = [
    ...(manifest.contributes.commands as { enablement?: string }[]).map((c) => c.enablement),
    ...(Object.values(manifest.contributes.menus) as { when?: string }[][]).flat().map((e) => e.when),
  ].filter((w): w is string => !!w);
  const views = new Set((manifest.contributes.views.nlm as { id: string }[]).map((v) => v.id));
  const ours = new Set(clauses.flatMap((w) => w.match(/\bnlm\.\w+/g) ?? []).filter((k) => !views.has(k)));
  assert.deepEqual([...ours].sort(), ['nlm.hasRun', 'nlm.state']);
  for (const w of clauses) {
    for (const [, value] of w.matchAll(/nlm\.state [!=]= (\w+)/g)) assert.ok(['idle', 'running', 'paused', 'finished'].includes(value), `${w}: ${value}`);
  }
});

test('the view, its container icon and the activation events are declared', () => {
  const c = manifest.contributes;
  assert.ok(fs.existsSync(path.join(ROOT, c.viewsContainers.activitybar[0].icon)), 'activity bar icon');
  assert.deepEqual(c.views.nlm.map((v: { id: string }) => v.id), ['nlm.run', 'nlm.runs']);
  assert.ok(c.viewsWelcome.some((w: { view: string; contents: string }) => w.view === 'nlm.run' && w.contents.includes('command:nlm.train')));
  assert.ok(c.viewsWelcome.some((w: { view: string; contents: string }) => w.view === 'nlm.runs' && w.contents.includes('command:nlm.train')));
  for (const e of ['onView:nlm.run', 'onView:nlm.runs', 'onWebviewPanel:nlm.dashboard']) assert.ok(manifest.activationEvents.includes(e), e);
});
