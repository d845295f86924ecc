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
        group: ['**/server/**', '**/cli/**', '**/engine/**', '**/connectors/**', '**/admin/**'],
        message: 'directory/ sits below server, cli, engine and admin.',
      },
    ]),
  },
  {
    files: ['src/connectors/**/*.ts', 'src/connectors/**/*.js'],
    ignores: ['**/*.test.ts'],
    rules: restrict([
      {
        group: [
          '**/directory/**',
          '**/server/**',
          '**/cli/**',
          '**/cluster/**',
          '**/engine/**',
          '**/expressions/**',
          '**/main.js',
        ],
        message: 'connectors/ import only connectors/spi, shared/, scim/ and their driver library.',
      },
      {
        // A sibling folder other than spi/ and http/ is another connector: kinds never import each other.
        regex: '^\\.\\./(?!spi/|http/|\\.\\./)[^/]+/',
        message: 'A connector imports no other connector, only connectors/spi and connectors/http.',
      },
    ]),
  },
  {
    // The shared HTTP layer knows no protocol and no kind: it sits on connectors/spi and shared/.
    files: ['src/connectors/http/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict([
      {
        group: [
          '**/directory/**',
          '**/server/**',
          '**/cli/**',
          '**/cluster/**',
          '**/engine/**',
          '**/expressions/**',
          '**/scim/**',
          '**/main.js',
        ],
        message: 'connectors/http imports only connectors/spi and shared/.',
      },
      { regex: '^\\.\\./(?!spi/|\\.\\./)[^/]+/', message: 'connectors/http imports no concrete connector.' },
    ]),
  },
  {
    files: ['src/connectors/spi/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/connectors/spi/fixtures/**'],
    rules: restrict([
      {
        group: [
          '**/directory/**',
          '**/server/**',
          '**/cli/**',
          '**/cluster/**',
          '**/engine/**',
          '**/expressions/**',
          '**/main.js',
        ],
        message: 'connectors/spi imports only shared/ and scim/.',
      },
      { regex: '^\\.\\./(?!\\.\\./)[^/]+/', message: 'connectors/spi imports no concrete connector.' },
    ]),
  },
  {
    files: ['src/engine/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict([
      {
        group: [
          '**/server/**',
          '**/cli/**',
          '**/cluster/**',
          '**/main.js',
          '**/admin/**',
          '**/connectors/*',
          '!**/connectors/spi',
        ],
        message: 'engine/ imports shared, scim, expressions, directory and connectors/spi only.',
      },
    ]),
  },
  {
    files: ['src/admin/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict([
      {
        group: [
          '**/server/**',
          '!**/server/api-token.js',
          '**/cli/**',
          '**/cluster/**',
          '**/main.js',
          '**/connectors/*',
          '!**/connectors/spi',
        ],
        message:
          'admin/ imports shared, scim, expressions, directory, engine, connectors/spi and the token format (server/api-token.ts) only.',
      },
    ]),
  },
  {
    // The web console runs in the browser and reaches the server over HTTP only (src/console).
    files: ['src/console/**/*.ts', 'src/console/**/*.tsx'],
    ignores: ['src/console/vite.config.ts'],
    rules: restrict([
      {
        // A climb out of src/console into a server-side part (examples/ YAML is data, allowed).
        regex:
          '^(\\.\\./)+(admin|server|engine|directory|connectors|cli|cluster|scim|expressions|shared|main\\.js)(/|$)',
        message: 'The console talks to the admin API over HTTP; it imports no server code.',
      },
    ]),
  },
  {
    files: ['src/server/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict([{ group: ['**/admin/**'], message: 'only main, cli and cluster import admin/.' }]),
  },
  {
    // One way for a command to open the database (docs/engine/commands.md): with-database.ts.
    files: ['src/cli/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/cli/commands/with-database.ts'],
    rules: restrict([
      {
        group: ['**/main.js'],
        importNames: ['openProvisio', 'openDirectory'],
        message: 'Commands open the database through withDatabase (cli/commands/with-database.ts).',
      },
      {
        group: ['**/engine/state/open-engine-state.js', '**/directory/open-store.js'],
        importNames: ['openProvisioDatabase', 'openStore'],
        message: 'Commands open the database through withDatabase (cli/commands/with-database.ts).',
      },
    ]),
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.mjs', 'examples/**/*.mjs', 'stryker.config.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
