// `npm run lint`: ESLint's and typescript-eslint's recommended rules (no type information needed, so it is quick),
// with the exceptions below, each with its reason; then `prettier --check` (package.json). Prettier lays out the
// code at 160 columns; the one rule here about layout is the part it leaves alone: comments wider than that.
// Messages in strings and template literals stay whole on one line, so a message seen in the editor or a report
// can be searched for in the code.
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
    rules: {
      'max-len': ['error', { code: 160, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }],
    },
  },
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
