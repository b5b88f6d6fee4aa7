// ESLint flat config. Type-aware rules are off on purpose: `npm test` runs `tsc --noEmit`
// for types, and linting stays fast enough to run on every save.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const unusedVars = {
  argsIgnorePattern: '^_',
  varsIgnorePattern: '^_',
  caughtErrorsIgnorePattern: '^_',
};

export default defineConfig([
  globalIgnores(['dist/', 'node_modules/', 'coverage/', '.tmp/', '.stryker-tmp*/', 'reports/']),

  // The action and its tests.
  {
    files: ['src/**/*.ts', '__tests__/**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', unusedVars],
      // The action rejects control characters in header values and log text on purpose.
      'no-control-regex': 'off',
    },
  },

  // Node scripts: dev/ (simulator, demo, build, benchmarks) and root config files.
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node, sourceType: 'module' },
    rules: {
      'no-unused-vars': ['error', unusedVars],
    },
  },
  {
    files: ['**/*.cjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node, sourceType: 'commonjs' },
  },
]);
