import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'src/engine/wasm/assembly/**', '.vscode-test-out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The layers' direction holds by construction: the engine imports nothing above it, the webview
  // only the message contract and its history series (and pure engine modules), never VS Code or Node.
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['vscode', '**/extension/**', '**/cli/**', '**/webview/**'], message: 'src/engine is pure: it imports nothing above it.' }] }],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['vscode', 'fs', 'path', 'os', 'worker_threads', 'child_process', 'node:*'], message: 'The webview runs in a browser: no VS Code or Node modules.' },
            // The message contract, and the pure modules that read the history it carries.
            {
              group: ['**/extension/**', '!**/extension/protocol', '!**/extension/bucketSeries', '!**/extension/runHistory'],
              message: 'The webview talks to the extension only through src/extension/protocol.ts (and the history series it carries).',
            },
          ],
        },
      ],
    },
  },
  // Plain-JS scripts: test runners and the harness run in node, UI scripts also reach into the page.
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
);
