import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

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
