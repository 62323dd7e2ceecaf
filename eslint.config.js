import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.liptako/', 'bin/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // `interface ErrorCatalogue extends ModuleMessages {}`: how a module adds its codes (core/errors.ts).
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      'no-restricted-properties': [
        'error',
        { object: 'it', property: 'only', message: 'Do not commit focused tests.' },
        { object: 'describe', property: 'only', message: 'Do not commit focused tests.' },
        { object: 'test', property: 'only', message: 'Do not commit focused tests.' },
      ],
    },
  },
  // The one-way arrows (docs/architecture.md); test/architecture.test.ts checks the same on the import graph.
  {
    files: ['src/core/**/*.ts', 'src/shared/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!shared/)',
              message: 'Core imports no module (only src/shared): a module reaches core through the module contract (core/module.ts) and the composition root (src/modules.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/*/**/*routes.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '(^|/)([a-z-]+-)?queries\\.js$', message: 'A routes file parses, authorises and calls its service; SQL stays behind the service.' },
            { regex: '/core/http\\.js$', message: 'Routes take what they need from core/http-kit.js; core/http.ts builds the app.' },
          ],
        },
      ],
    },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // The shared layer runs in the browser too: no Node, no database, no HTTP stack, nothing
    // from the rest of the server (it is what the rest stands on).
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'fs/*', 'path', 'crypto', 'stream', 'os', 'url', 'util', 'zlib', 'buffer', 'child_process'], message: 'src/shared is imported by the web app: no Node built-ins.' },
            { group: ['../*'], message: 'src/shared imports nothing from core, db or the modules: they import it.' },
            { group: ['fastify', '@fastify/*', 'pg', '@electric-sql/*'], message: 'src/shared runs in the browser: no server packages.' },
          ],
        },
      ],
    },
  },
  {
    // The web app takes server code only through the shared layer; type-only imports of the
    // server's view types are erased by the build and stay allowed. Tests may compare with the server.
    files: ['web/src/**/*.{ts,tsx}'],
    ignores: ['web/src/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+src/(?!shared/)',
              allowTypeImports: true,
              message: 'The web app imports server code only from src/shared (type-only imports are fine).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
