// Lint rules. The layering rule (ui -> state -> lib) is enforced here so a stray import fails CI.
import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

export default ts.config(
  { ignores: ['dist/', 'node_modules/', '.wasmlens/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
        svelteConfig,
      },
    },
  },
  {
    // src/lib is pure TypeScript: it must run in Node, in a worker and in the page alike.
    files: ['src/lib/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['svelte', 'svelte/*'], message: 'src/lib must not depend on Svelte.' },
            { group: ['**/state/**', '**/state', '$state/*'], message: 'src/lib must not import src/state.' },
            {
              group: ['**/ui/**', '**/ui', '**/*.svelte'],
              message: 'src/lib must not import src/ui or components.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/state/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/ui/**', '**/ui'], message: 'src/state must not import src/ui.' }],
        },
      ],
    },
  },
  {
    // One client per registry, made in one place: otherwise Forget and per-registry settings miss some views.
    files: ['src/**/*.ts', 'src/**/*.svelte'],
    ignores: ['src/lib/oci/**', 'src/state/connections.svelte.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportSpecifier[imported.name='createRegistryClient']",
          message: 'Registry clients come from src/state/connections.svelte.ts (connections.clientFor).',
        },
      ],
    },
  },
  {
    files: ['src/sw/**'],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  {
    files: ['scripts/**', 'tests/**', '*.config.*'],
    rules: { 'no-console': 'off' },
  },
);
