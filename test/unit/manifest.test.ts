// package.json's settings and launch attributes must say what the engine does.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { DEFAULT_CONFIG, NUMBER_RULES, TrainConfig } from '../../src/engine/config';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8'));

test('every hyper-parameter is an nlm.* setting with the engine default and bounds', () => {
  const props = manifest.contributes.configuration.properties as Record<string, { default: unknown; minimum?: number; maximum?: number }>;
  for (const key of Object.keys(DEFAULT_CONFIG) as (keyof TrainConfig)[]) {
    const p = props[`nlm.${key}`];
    assert.ok(p, `nlm.${key} is declared`);
    assert.deepEqual(p.default, DEFAULT_CONFIG[key], `nlm.${key} default`);
    const rule = NUMBER_RULES[key as keyof typeof NUMBER_RULES];
    if (rule) assert.deepEqual([p.minimum, p.maximum], [rule.min, rule.max], `nlm.${key} bounds`);
  }
  assert.equal(Object.keys(props).length, Object.keys(DEFAULT_CONFIG).length, 'no stale settings');
});

test('the launch configuration offers the same hyper-parameters with the same defaults', () => {
  const launch = manifest.contributes.debuggers[0].configurationAttributes.launch.properties as Record<string, { default: unknown }>;
  for (const key of Object.keys(DEFAULT_CONFIG) as (keyof TrainConfig)[]) {
    assert.deepEqual(launch[key]?.default, DEFAULT_CONFIG[key], `launch.${key}`);
  }
});

test('commands are in the NLM category and every menu entry names a declared command', () => {
  const ids = new Set((manifest.contributes.commands as { command: string; category: string }[]).map((c) => c.command));
  for (const c of manifest.contributes.commands) assert.equal(c.category, 'NLM', c.command);
  for (const entries of Object.values(manifest.contributes.menus) as { command: string }[][]) {
    for (const e of entries) assert.ok(ids.has(e.command), e.command);
  }
});
