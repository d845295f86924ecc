import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Layer boundaries from ARCHITECTURE.md, enforced so the shape holds as the code grows. */
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict([{ group: ['../*', '!../shared/*'], message: 'shared/ imports nothing of ours.' }]),
  },
  {
    files: ['src/scim/**/*.ts', 'src/expressions/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict([
      {
        group: ['**/directory/**', '**/server/**', '**/cli/**', '**/engine/**', '**/connectors/**'],
        message: 'scim/ and expressions/ are pure libraries: they import only shared/.',
      },
    ]),
  },
  {
    files: ['src/directory/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict([
      {
        group: ['**/server/**', '**/cli/**', '**/engine/**', '**/connectors/**'],
        message: 'directory/ sits below server, cli and engine.',
      },
    ]),
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.mjs', 'stryker.config.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
