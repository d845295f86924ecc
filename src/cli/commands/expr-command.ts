import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CommanderError, Option } from 'commander';
import { compileExpression } from '../../expressions/compile-expression.js';
import type { CompiledExpression } from '../../expressions/compile-expression.js';
import { formatDiagnostic } from '../../expressions/expression-diagnostic.js';
import type { EvaluationContext } from '../../expressions/value.js';
import { evaluateCompiled, evaluationContext } from '../../engine/cycle/expression-evaluation.js';
import type { JsonValue } from '../../shared/json.js';
import { ExitCode } from '../exit-code.js';
import { existingFile, isoTime, jsonObject, jsonStringArray, safeInteger } from './option-parsers.js';

interface ExprOptions {
  attrs?: Record<string, unknown>;
  input?: string;
  now?: Date;
  seed?: number;
  taken?: string[];
}

/** Stops the command with `exitCode` after its messages are on stderr. */
class ExprFailure extends CommanderError {
  constructor(exitCode: number, message: string) {
    super(exitCode, 'provisio.expr.failed', message);
  }
}

/**
 * `provisio expr '<expression>' [--attrs '<json>' | --input users.jsonl] [--now <ISO>] [--seed N]
 * [--taken '<json array>']`: evaluates a mapping expression and prints each result as JSON.
 * Option values are checked as they are parsed; an expression with diagnostics is a usage error
 * too (2), while an expression that compiles and then fails on its input exits 1.
 */
export function register(program: Command): void {
  program
    .command('expr')
    .description('Evaluate an attribute-mapping expression and print the result as JSON')
    .argument('<expression>', 'the expression, e.g. \'Join(" ", [givenName], [surname])\'')
    .addOption(
      new Option('--attrs <json>', 'source attributes as a JSON object (default {})')
        .argParser(jsonObject)
        .conflicts('input'),
    )
    .option(
      '--input <file>',
      'evaluate against each line of a JSON Lines file, one result per line',
      existingFile,
    )
    .option(
      '--now <time>',
      'fix the clock (ISO 8601, e.g. 2024-01-31T12:00:00Z); default: the real time',
      isoTime,
    )
    .option('--seed <n>', 'fix the randomness of Guid and RandomString (an integer)', safeInteger)
    .option(
      '--taken <json>',
      'values already present in the target, as a JSON array of strings (SelectUniqueValue)',
      jsonStringArray,
    )
    .addHelpText(
      'after',
      '\nPrints null when no value flows (IgnoreAttributeFlow / IgnoreObjectFlow also say which on stderr).\n' +
        'Exit codes:\n' +
        '  0  every result printed\n' +
        '  1  the evaluation failed: a function raised an error, or an --input line was not a JSON\n' +
        '     object or failed (the other lines are still evaluated)\n' +
        '  2  usage error: the expression has diagnostics, an option is missing or invalid, or the\n' +
        '     --input file cannot be read',
    )
    .action(async (source: string, options: ExprOptions) => {
      await runExpr(source, options);
    });
}

async function runExpr(source: string, options: ExprOptions): Promise<void> {
  const compiled = compileExpression(source);
  if (!compiled.ok) {
    for (const diagnostic of compiled.diagnostics) writeErr(formatDiagnostic(diagnostic));
    throw new ExprFailure(ExitCode.usage, 'expression has diagnostics');
  }
  const context = evaluationContext({
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.taken !== undefined ? { taken: options.taken } : {}),
  });
  if (options.input !== undefined) {
    await evaluateLines(compiled.expression, options.input, context);
    return;
  }
  const result = await evaluate(compiled.expression, options.attrs ?? {}, context, '');
  if (result === undefined) throw new ExprFailure(ExitCode.failed, 'evaluation failed');
  writeOut(result);
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
    // Checked when the option was parsed; this is a file that went away or cannot be read.
    const message = `cannot read --input ${file}: ${error instanceof Error ? error.message : String(error)}`;
    writeErr(message);
    throw new ExprFailure(ExitCode.usage, message);
  }
  let failures = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const where = `line ${i + 1}: `;
    const attributes = parseLine(line);
    if (typeof attributes === 'string') {
      writeErr(`${where}${attributes}`);
      failures++;
      continue;
    }
    const result = await evaluate(expression, attributes, context, where);
    if (result === undefined) failures++;
    else writeOut(result);
  }
  if (failures > 0) throw new ExprFailure(ExitCode.failed, `${failures} line(s) failed`);
}

/** What a flow signal means for the target, said on stderr beside the null printed. */
const FLOW_MEANING = {
  IgnoreAttributeFlow: 'the target attribute would not be written',
  IgnoreObjectFlow: 'the object would not be provisioned',
} as const;

/** The result to print, or undefined after reporting an evaluation error on stderr. */
async function evaluate(
  expression: CompiledExpression,
  attributes: Record<string, unknown>,
  context: EvaluationContext,
  where: string,
): Promise<JsonValue | undefined> {
  const result = await evaluateCompiled(expression, attributes, context);
  if (!result.ok) {
    writeErr(`${where}error: ${result.error}`);
    return undefined;
  }
  if (result.flow !== undefined) writeErr(`${where}${result.flow}: ${FLOW_MEANING[result.flow]}`);
  return result.value;
}

/** One JSON Lines record, or what is wrong with it. */
function parseLine(line: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(line) as unknown;
  } catch (error) {
    return `the line is not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `the line must be a JSON object, e.g. '{"givenName":"Ada"}'`;
  }
  return value as Record<string, unknown>;
}

function writeOut(value: JsonValue): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function writeErr(message: string): void {
  process.stderr.write(`${message}\n`);
}
