// `npm run lint`: ESLint's and typescript-eslint's recommended rules (no type information needed, so it is quick),
// with the exceptions below, each with its reason. Line length and formatting are not checked yet.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'dist/**',
      'out/**',
      '.cache/**',
      '.vscode-test/**',
      'test-results/**',
      'bench/results/**',
      // Stand-ins for user code, some of it broken or hostile on purpose.
      'test/fixtures/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: { globals: globals.node },
  },
  {
    // bin/gradlens.js is plain CommonJS. Elsewhere a require() says why on the line before (a user bundle loaded
    // and evicted from require.cache, a module loaded lazily).
    files: ['bin/**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
