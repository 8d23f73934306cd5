import path from 'node:path';
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/ and what each may import (docs/architecture.md). A layer is the first folder under src/;
 * the files directly in src/ (config, errors, logger, retry, deadline) are `shared`; src/index.ts is the library
 * entry and may re-export any layer but the CLI and the composition root.
 */
const SRC = path.join(import.meta.dirname, 'src');
const mayImport = {
  core: ['core'],
  shared: ['core', 'shared'],
  adapters: ['core', 'adapters', 'shared'],
  stages: ['core', 'adapters', 'stages', 'shared'],
  report: ['core', 'report', 'shared'],
  replay: ['core', 'adapters', 'stages', 'report', 'replay', 'shared'],
  eval: ['core', 'adapters', 'stages', 'report', 'replay', 'eval', 'shared'],
  app: ['core', 'adapters', 'stages', 'report', 'replay', 'eval', 'app', 'shared'],
  cli: ['core', 'report', 'app', 'cli', 'shared'],
  entry: ['core', 'adapters', 'stages', 'report', 'replay', 'eval', 'shared'],
};
const why = {
  core: 'the core is pure and imports nothing of the rest',
  adapters: 'adapters implement core ports and never import stages, replay, eval, app or the CLI',
  stages: 'stages never import replay, eval, the composition root (src/app) or the CLI',
  replay: 'replay never imports eval, the composition root (src/app) or the CLI',
  eval: 'eval never imports the composition root (src/app) or the CLI',
  report: 'reports render core data only',
  shared: 'shared modules sit under every layer',
  app: 'only the CLI calls the composition root',
  cli: 'the CLI parses arguments, prints, and calls src/app; wiring adapters and stages is the app\'s job',
  entry: 'the library entry exports no CLI or composition root',
};

function layerOf(file) {
  const relative = path.relative(SRC, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  const parts = relative.split(path.sep);
  if (parts.length === 1) return parts[0] === 'index.ts' ? 'entry' : 'shared';
  return parts[0];
}

const layersPlugin = {
  rules: {
    boundaries: {
      meta: { type: 'problem', schema: [], messages: { forbidden: 'src/{{from}} may not import src/{{to}} ({{spec}}): {{why}}.' } },
      create(context) {
        const from = layerOf(context.filename);
        if (from === undefined || mayImport[from] === undefined) return {};
        const check = (node) => {
          const spec = node.source?.value;
          if (typeof spec !== 'string' || !spec.startsWith('.')) return;
          const resolved = path.resolve(path.dirname(context.filename), spec);
          const to = layerOf(path.extname(resolved) === '' ? `${resolved}.ts` : resolved);
          if (to === undefined || mayImport[from].includes(to)) return;
          // errors.ts is plain data and classes, no I/O: the core's typed errors come from there.
          if (from === 'core' && to === 'shared' && path.basename(resolved, '.ts') === 'errors') return;
          context.report({ node, messageId: 'forbidden', data: { from, to: to === 'shared' ? path.basename(resolved) : to, spec, why: why[from] } });
        };
        return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
      },
    },
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'out/**', '*.js', '*.mjs', 'scripts/**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      // Unused names prefixed with _ are deliberate (positional parameters of a port).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Every layer keeps to its room (docs/architecture.md); enforced here rather than by review.
    files: ['src/**/*.ts'],
    plugins: { layers: layersPlugin },
    rules: { 'layers/boundaries': 'error' },
  },
  {
    // The core is pure: no I/O, no SDKs, no environment. Enforced here rather than by review.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'fs/*', 'path', 'os', 'net', 'http', 'https', 'child_process', 'crypto', 'stream', 'events', 'worker_threads', 'url', 'util', 'zlib'], message: 'src/core is pure: no Node I/O modules.' },
          { group: ['kafkajs', 'ollama', 'ollama/*', '@elastic/*', '@opensearch-project/*', 'node-llama-cpp', '@node-llama-cpp/*'], message: 'src/core is pure: SDKs belong in src/adapters.' },
          { group: ['**/adapters/**', '**/config', '**/cli/**', '**/logger'], message: 'src/core must not depend on adapters, config, CLI or logging.' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'process', message: 'src/core is pure: configuration comes in as arguments.' },
        { name: 'fetch', message: 'src/core is pure: I/O goes through a port.' },
        { name: 'setTimeout', message: 'src/core is pure: time comes from an injected clock.' },
      ],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Inject a clock.' },
        { object: 'Math', property: 'random', message: 'Inject a random source.' },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Tests and benches read JSON fixtures whose shape the test itself asserts.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
);
