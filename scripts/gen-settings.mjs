// Writes package.json's `contributes.configuration` (the nlm.* settings) from the engine's
// DEFAULT_CONFIG, NUMBER_RULES and choice lists, and its CORPUS_SETTINGS, so defaults and bounds
// have one source.
// test/unit/manifest.test.ts fails when the two drift apart; then run: node scripts/gen-settings.mjs
import { build } from 'esbuild';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** The settings that are a choice, not a number: their list in the engine and what they mean. */
const CHOICES = {
  activation: { list: 'ACTIVATIONS', description: 'Hidden layer activation f in H = f(Z1).' },
  init: { list: 'INITS', description: 'Weight initialisation: N(0, initStd²), Xavier or He.' },
  optimizer: { list: 'OPTIMIZERS', description: 'Optimizer of the update phase.' },
  model: { list: 'MODEL_KINDS', description: 'The model: the next-word MLP, or a recurrent model (rnn, lstm) reading the context words in order.' },
  schedule: { list: 'SCHEDULES', description: 'Learning-rate schedule: exponential (×lrDecay after each epoch), step (×lrDecay every lrStep epochs), cosine (from lr to lrMin over the epochs), plateau (×lrDecay when validation cross-entropy stops falling for lrPatience epochs); all floored at lrMin, with an optional warm-up.' },
};

/** nlm.runsDir: the CLI's --runs-dir default, read from the workspace folder. */
const RUNS_DIR = {
  default: '.nlm/runs',
  description: 'Folder where every run trained in VS Code is recorded (configuration, metrics, model, summary), as `nlm train` records it; relative to the workspace folder. With no folder open, runs are not recorded unless this is an absolute path.',
};

async function engineConfig() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nlm-gen-settings-'));
  const out = path.join(tmp, 'config.cjs');
  try {
    await build({
      stdin: {
        contents: "export * from './src/engine/config'; export { ACTIVATIONS } from './src/engine/activations'; export { SCHEDULES } from './src/engine/schedules'; export { CORPUS_SETTINGS } from './src/engine/data/text'; export { TIME_TRAVEL_SETTINGS } from './src/engine/timeTravel/settings';",
        resolveDir: root,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: out,
      logLevel: 'warning',
    });
    return createRequire(import.meta.url)(out);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function settingsFrom(engine) {
  const properties = {};
  Object.keys(engine.DEFAULT_CONFIG).forEach((key, order) => {
    const value = engine.DEFAULT_CONFIG[key];
    const rule = engine.NUMBER_RULES[key];
    const choice = CHOICES[key];
    if (rule) {
      properties[`nlm.${key}`] = { type: rule.integer ? 'integer' : 'number', default: value, minimum: rule.min, maximum: rule.max, description: rule.description, order };
    } else if (choice) {
      properties[`nlm.${key}`] = { type: 'string', enum: [...engine[choice.list]], default: value, description: choice.description, order };
    } else throw new Error(`no rule for the setting "${key}": add it to NUMBER_RULES or CHOICES`);
  });
  // How a .txt corpus becomes a dataset, after the training settings.
  Object.entries(engine.CORPUS_SETTINGS).forEach(([key, rule], i) => {
    const order = Object.keys(engine.DEFAULT_CONFIG).length + i;
    properties[`nlm.${key}`] =
      'choices' in rule
        ? { type: 'string', enum: [...rule.choices], default: rule.default, description: rule.description, order }
        : typeof rule.default === 'boolean'
          ? { type: 'boolean', default: rule.default, description: rule.description, order }
          : { type: 'integer', default: rule.default, minimum: rule.min, maximum: rule.max, description: rule.description, order };
  });
  // Time travel's, then where runs are recorded: the extension's own, last.
  Object.entries(engine.TIME_TRAVEL_SETTINGS).forEach(([key, rule]) => {
    properties[`nlm.${key}`] = { type: 'integer', default: rule.default, minimum: rule.min, maximum: rule.max, description: rule.description, order: Object.keys(properties).length };
  });
  properties['nlm.runsDir'] = { type: 'string', default: RUNS_DIR.default, description: RUNS_DIR.description, order: Object.keys(properties).length };
  return { title: 'NLM Lab', properties };
}

const configuration = settingsFrom(await engineConfig());
// Re-read just before writing: other keys of the manifest may have changed meanwhile.
const file = path.join(root, 'package.json');
const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
manifest.contributes.configuration = configuration;
fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
console.log(`wrote ${Object.keys(configuration.properties).length} nlm.* settings into package.json`);
