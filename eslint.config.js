import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

/**
 * The parts of ARCHITECTURE.md ("Who may import whom") as one table: where each part's files are,
 * how an import path names it (gitignore-style patterns), and which parts it may import. Every
 * import-boundary rule below is built from it, so the rules and that page change together.
 * `cli`, `main` and `cluster` are the composition level and may import anything; the console
 * (`console` below) imports nothing of ours.
 */
const PARTS = {
  shared: { files: ['src/shared'], named: ['**/shared/**'], imports: [] },
  scim: { files: ['src/scim'], named: ['**/scim/**'], imports: ['shared'] },
  expressions: { files: ['src/expressions'], named: ['**/expressions/**'], imports: ['shared'] },
  engine: {
    files: ['src/engine'],
    named: ['**/engine/**'],
    imports: ['shared', 'scim', 'expressions', 'directory', 'connectors/spi'],
  },
  directory: { files: ['src/directory'], named: ['**/directory/**'], imports: ['shared', 'scim'] },
  // Inside connectors/, spi and http are folders of the kinds' folder pattern, carved out of it
  // where they are allowed.
  'connectors/spi': {
    files: ['src/connectors/spi'],
    ignores: ['src/connectors/spi/fixtures/**'],
    named: ['**/connectors/spi/**'],
    carveOut: '!**/connectors/spi',
    sibling: 'spi',
    imports: ['shared', 'scim'],
  },
  'connectors/http': {
    files: ['src/connectors/http'],
    named: ['**/connectors/http/**'],
    carveOut: '!**/connectors/http',
    sibling: 'http',
    imports: ['connectors/spi', 'shared'],
  },
  'connectors/<kind>': {
    files: ['src/connectors/*/'],
    ignores: ['src/connectors/spi/**', 'src/connectors/http/**'],
    named: ['**/connectors/*'],
    // From builtin-kinds.ts a kind is `./<kind>/...`, which `**/scim/**` would name too.
    carveOut: '!./*/**',
    imports: ['connectors/spi', 'connectors/http', 'shared', 'scim'],
  },
  'connectors/builtin-kinds.ts': {
    files: ['src/connectors/builtin-kinds.ts'],
    named: ['**/builtin-kinds.js'],
    imports: ['connectors/<kind>', 'connectors/spi'],
  },
  server: { files: ['src/server'], named: ['**/server/**'], imports: ['shared', 'scim', 'directory'] },
  'server/api-token.ts': { named: [], carveOut: '!**/server/api-token.js', imports: [] },
  admin: {
    files: ['src/admin'],
    named: ['**/admin/**'],
    imports: [
      'shared',
      'scim',
      'expressions',
      'directory',
      'engine',
      'connectors/spi',
      'server/api-token.ts',
    ],
  },
  cli: { named: ['**/cli/**'] },
  cluster: { named: ['**/cluster/**'] },
  main: { named: ['**/main.js'] },
};

/** Where a part's files are: a folder's TypeScript (and, for connectors, plain JavaScript), or one file. */
function filesOf(part, name) {
  return part.files.flatMap((where) => {
    if (where.endsWith('.ts')) return [where];
    const folder = where.replace(/\/$/, '');
    return name.startsWith('connectors/')
      ? [`${folder}/**/*.ts`, `${folder}/**/*.js`]
      : [`${folder}/**/*.ts`];
  });
}

/** The no-restricted-imports rule of one part: every part it may not import, by name and as a sibling. */
function boundaryRule(name, part) {
  const allowed = new Set(part.imports);
  const forbidden = Object.entries(PARTS).filter(([other]) => other !== name && !allowed.has(other));
  // Patterns first, then the carve-outs of allowed parts that live inside a forbidden one's folder.
  const group = [
    ...forbidden.flatMap(([, other]) => other.named),
    ...[...allowed].map((other) => PARTS[other].carveOut).filter((carveOut) => carveOut !== undefined),
  ];
  const patterns = [
    {
      group,
      message: `${name} imports ${part.imports.length > 0 ? `only ${part.imports.join(', ')}` : 'nothing of ours'} (ARCHITECTURE.md).`,
    },
  ];
  if (name.startsWith('connectors/') && !name.endsWith('.ts')) {
    // A relative climb to a sibling folder of connectors/ names another connector part.
    const siblings = [...allowed].map((other) => PARTS[other].sibling).filter((s) => s !== undefined);
    patterns.push({
      regex: `^\\.\\./(?!${[...siblings.map((s) => `${s}/`), '\\.\\./'].join('|')})[^/]+/`,
      message: `${name} imports no other connector${siblings.length > 0 ? `, only connectors/${siblings.join(' and connectors/')}` : ''}.`,
    });
  }
  return restrict(patterns);
}

const boundaries = Object.entries(PARTS)
  .filter(([, part]) => part.files !== undefined)
  .map(([name, part]) => ({
    files: filesOf(part, name),
    ignores: ['**/*.test.ts', ...(part.ignores ?? [])],
    rules: boundaryRule(name, part),
  }));

/** The folders of the server-side code, none of which the console may climb into. */
const serverSide = [
  ...new Set(
    Object.values(PARTS)
      .flatMap((part) => part.named)
      .map((pattern) => /^\*\*\/([^/*]+)/.exec(pattern)?.[1])
      .filter((folder) => folder !== undefined),
  ),
].map((folder) => folder.replaceAll('.', '\\.'));

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
  ...boundaries,
  {
    // The web console runs in the browser and reaches the server over HTTP only (src/console).
    files: ['src/console/**/*.ts', 'src/console/**/*.tsx'],
    ignores: ['src/console/vite.config.ts'],
    rules: restrict([
      {
        // A climb out of src/console into a server-side part (examples/ YAML is data, allowed).
        regex: `^(\\.\\./)+(${serverSide.join('|')})(/|$)`,
        message: 'The console talks to the admin API over HTTP; it imports no server code.',
      },
    ]),
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
