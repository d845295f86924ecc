/**
 * SCIM filter benchmark: parsing and in-memory evaluation, ours against scim2-parse-filter on the
 * same inputs in the same run (`npm run bench:filter`). Prints a markdown table with ops/s and the
 * ratio ours / baseline (above 1 means ours is faster).
 *
 * Each timed call runs a batch of operations so the timer's own cost does not dominate operations
 * that take a few hundred nanoseconds; the reported ops/s are per single operation.
 */
import { Bench } from 'tinybench';
import { filter as baselineCompile, parse as baselineParse } from 'scim2-parse-filter';
import { compileFilter } from '../src/scim/filter/filter-compiler.js';
import { parseFilter } from '../src/scim/filter/filter-parser.js';
import { rfcEnterpriseUser } from '../src/scim/resource/rfc7643-examples.js';
import { SchemaRegistry } from '../src/scim/schema/schema-registry.js';
import type { JsonObject } from '../src/shared/json.js';

const BATCH = 100;
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 1500);

const SIMPLE = 'userName eq "bjensen"';
const COMPLEX =
  'emails[type eq "work" and value co "@example.com"] or (name.familyName sw "J" and not (active eq false))';
const NO_MATCH = 'userType eq "Intern" or emails[type eq "home" and value co "@example.net"] or title sw "Z"';

/** A realistic User (RFC 7643 §8.2 shape, enterprise extension included). */
/** The RFC 7643 §8.3 enterprise user, with the short userName the filters look for. */
const user: JsonObject = { ...rfcEnterpriseUser, userName: 'bjensen' };

const resolver = SchemaRegistry.withCoreSchemas().resolver('User');

interface Pair {
  readonly label: string;
  readonly ours: () => unknown;
  readonly baseline: () => unknown;
}

function parsePair(label: string, text: string): Pair {
  return {
    label,
    ours: () => {
      for (let i = 0; i < BATCH; i++) parseFilter(text);
    },
    baseline: () => {
      for (let i = 0; i < BATCH; i++) baselineParse(text);
    },
  };
}

function evalPair(label: string, text: string): Pair {
  const ours = compileFilter(parseFilter(text), resolver);
  const baseline = baselineCompile(baselineParse(text));
  const expected = ours(user);
  if (baseline(user) !== expected) throw new Error(`results differ for ${text}`);
  return {
    label: `${label} (${expected ? 'match' : 'no match'})`,
    ours: () => {
      for (let i = 0; i < BATCH; i++) ours(user);
    },
    baseline: () => {
      for (let i = 0; i < BATCH; i++) baseline(user);
    },
  };
}

const pairs: Pair[] = [
  parsePair('parse `userName eq "bjensen"`', SIMPLE),
  parsePair('parse complex `emails[...] or (... and not (...))`', COMPLEX),
  evalPair('evaluate `userName eq "bjensen"`, compiled once', SIMPLE),
  evalPair('evaluate complex filter, compiled once', COMPLEX),
  evalPair('evaluate 3-way `or` with a value path, compiled once', NO_MATCH),
];

const bench = new Bench({ time: TIME_MS, warmup: true });
for (const pair of pairs) {
  bench.add(`ours: ${pair.label}`, pair.ours);
  bench.add(`scim2-parse-filter: ${pair.label}`, pair.baseline);
}
await bench.run();

function opsPerSecond(name: string): number {
  const task = bench.getTask(name);
  const result = task?.result;
  if (result === undefined || result.state !== 'completed') throw new Error(`task ${name} did not complete`);
  return (result.throughput.mean * BATCH) as number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const lines = [
  `Command: \`npm run bench:filter\` (tinybench, ${TIME_MS} ms per task, batches of ${BATCH}); Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
  '',
  '| Case | ours ops/s | scim2-parse-filter ops/s | ratio (ours / baseline) |',
  '| --- | ---: | ---: | ---: |',
];
for (const pair of pairs) {
  const ours = opsPerSecond(`ours: ${pair.label}`);
  const baseline = opsPerSecond(`scim2-parse-filter: ${pair.label}`);
  lines.push(`| ${pair.label} | ${fmt(ours)} | ${fmt(baseline)} | ${(ours / baseline).toFixed(2)}x |`);
}
console.log(lines.join('\n'));
