import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CommanderError } from 'commander';
import { compileExpression } from '../../expressions/compile-expression.js';
import type { CompiledExpression } from '../../expressions/compile-expression.js';
import { createEvaluationContext } from '../../expressions/create-context.js';
import { formatDiagnostic } from '../../expressions/expression-diagnostic.js';
import type { EvaluationContext, ExprValue } from '../../expressions/value.js';
import { FlowSignal } from '../../expressions/value.js';

/** Exit code for anything wrong with what the user gave: the expression, the JSON, the file. */
const usageError = 2;

interface ExprOptions {
  attrs?: string;
  input?: string;
  now?: string;
  seed?: string;
  taken?: string;
}

/** Stops the command with exit code 2 after its messages are on stderr. */
class ExprFailure extends CommanderError {
  constructor(message: string) {
    super(usageError, 'provisio.expr.failed', message);
  }
}

/**
 * `provisio expr '<expression>' [--attrs '<json>' | --input users.jsonl] [--now <ISO>] [--seed N]
 * [--taken '<json array>']`: evaluates a mapping expression and prints each result as JSON.
 */
export function register(program: Command): void {
  program
    .command('expr')
    .description('Evaluate an attribute-mapping expression and print the result as JSON')
    .argument('<expression>', 'the expression, e.g. \'Join(" ", [givenName], [surname])\'')
    .option('--attrs <json>', 'source attributes as a JSON object (default {})')
    .option('--input <file>', 'evaluate against each line of a JSON Lines file, one result per line')
    .option('--now <time>', 'fix the clock (ISO 8601, e.g. 2024-01-31T12:00:00Z); default: the real time')
    .option('--seed <n>', 'fix the randomness of Guid and RandomString (an integer)')
    .option(
      '--taken <json>',
      'values already present in the target, as a JSON array of strings (SelectUniqueValue)',
    )
    .addHelpText(
      'after',
      '\nPrints null when no value flows (IgnoreAttributeFlow / IgnoreObjectFlow also say which on stderr).\n' +
        'Exit codes: 0 ok; 2 a diagnostic, bad JSON, an unreadable file or an evaluation error.',
    )
    .action(async (source: string, options: ExprOptions) => {
      await runExpr(source, options);
    });
}

async function runExpr(source: string, options: ExprOptions): Promise<void> {
  const compiled = compileExpression(source);
  if (!compiled.ok) {
    for (const diagnostic of compiled.diagnostics) writeErr(formatDiagnostic(diagnostic));
    throw new ExprFailure('expression has diagnostics');
  }
  if (options.attrs !== undefined && options.input !== undefined) {
    fail('--attrs and --input cannot be used together');
  }
  const context = buildContext(options);
  if (options.input !== undefined) {
    await evaluateLines(compiled.expression, options.input, context);
    return;
  }
  const attributes = options.attrs === undefined ? {} : parseObject(options.attrs, '--attrs');
  const result = await evaluate(compiled.expression, attributes, context, '');
  if (result === undefined) throw new ExprFailure('evaluation failed');
  writeOut(result);
}

function buildContext(options: ExprOptions): EvaluationContext {
  let now = new Date();
  if (options.now !== undefined) {
    now = new Date(options.now);
    if (!/^\d{4}-\d{2}-\d{2}/.test(options.now) || Number.isNaN(now.getTime())) {
      fail(`--now must be an ISO 8601 time such as 2024-01-31T12:00:00Z, got ${JSON.stringify(options.now)}`);
    }
  }
  let seed = Math.floor(Math.random() * 2 ** 32);
  if (options.seed !== undefined) {
    seed = Number(options.seed);
    if (!/^-?\d+$/.test(options.seed.trim()) || !Number.isSafeInteger(seed)) {
      fail(`--seed must be an integer, got ${JSON.stringify(options.seed)}`);
    }
  }
  let taken: string[] = [];
  if (options.taken !== undefined) {
    const parsed = parseJson(options.taken, '--taken');
    if (!Array.isArray(parsed) || !parsed.every((value) => typeof value === 'string')) {
      fail('--taken must be a JSON array of strings, e.g. \'["jdoe@contoso.com"]\'');
    }
    taken = parsed as string[];
  }
  return createEvaluationContext({ now, seed, taken });
}

/** Evaluates each non-blank line; a bad line is reported with its number and the rest still run. */
async function evaluateLines(
  expression: CompiledExpression,
  file: string,
  context: EvaluationContext,
): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    fail(`cannot read --input ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let failures = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const where = `line ${i + 1}: `;
    let attributes: Record<string, unknown>;
    try {
      attributes = parseObject(line, 'the line', where);
    } catch (error) {
      if (!(error instanceof ExprFailure)) throw error;
      failures++;
      continue;
    }
    const result = await evaluate(expression, attributes, context, where);
    if (result === undefined) failures++;
    else writeOut(result);
  }
  if (failures > 0) throw new ExprFailure(`${failures} line(s) failed`);
}

/** The result as JSON, or undefined after reporting an evaluation error on stderr. */
async function evaluate(
  expression: CompiledExpression,
  attributes: Record<string, unknown>,
  context: EvaluationContext,
  where: string,
): Promise<ExprValue | undefined> {
  try {
    const value = await expression.evaluateAsync(attributes, context);
    if (value === FlowSignal.ignoreAttribute)
      writeErr(`${where}IgnoreAttributeFlow: the target attribute would not be written`);
    if (value === FlowSignal.ignoreObject)
      writeErr(`${where}IgnoreObjectFlow: the object would not be provisioned`);
    return value;
  } catch (error) {
    writeErr(`${where}error: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

function parseObject(text: string, what: string, where = ''): Record<string, unknown> {
  const value = parseJson(text, what, where);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`${where}${what} must be a JSON object, e.g. '{"givenName":"Ada"}'`);
  }
  return value as Record<string, unknown>;
}

function parseJson(text: string, what: string, where = ''): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    fail(`${where}${what} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function fail(message: string): never {
  writeErr(message);
  throw new ExprFailure(message);
}

function writeOut(value: ExprValue): void {
  process.stdout.write(`${JSON.stringify(value instanceof FlowSignal ? null : value)}\n`);
}

function writeErr(message: string): void {
  process.stderr.write(`${message}\n`);
}
