import type { ExprValue } from '../value.js';
import type { FunctionSpec, LiteralProblem } from './function-spec.js';
import { ExpressionRuntimeError } from './function-spec.js';
import { defineEager, p } from './define-function.js';
import { isNullOrEmpty, mapStrings, toStr } from './coerce.js';
import type { CompiledRegex } from './dotnet-regex.js';
import { RegexTranslationError, compileDotNetRegex, compileReplacement } from './dotnet-regex.js';

/**
 * Replace(source, oldValue, regexPattern, regexGroupName, replacementValue, replacementAttributeName,
 * template). Which of Entra's five modes runs depends on which arguments are present (not omitted),
 * checked in this order:
 *  1. oldValue + template: every oldValue in template becomes source;
 *  2. oldValue (+ replacementValue, "" when omitted): every oldValue in source becomes replacementValue;
 *  3. regexPattern + regexGroupName + replacementAttributeName: source when it has a value, else the
 *     named group of regexPattern's first match in replacementAttributeName;
 *  4. regexPattern + regexGroupName + replacementValue: within each match, the named group's text
 *     becomes replacementValue (literally);
 *  5. regexPattern + replacementValue: each match becomes replacementValue, with .NET substitutions.
 * All comparisons are case-sensitive, as Entra documents.
 */

const FN = 'Replace';

// The last pattern used, so a mapping's constant pattern skips even the cache lookup per call.
let lastPattern: string | undefined;
let lastRegex: CompiledRegex | undefined;

function regexFor(pattern: string): CompiledRegex {
  if (pattern === lastPattern && lastRegex) return lastRegex;
  try {
    lastRegex = compileDotNetRegex(pattern);
    lastPattern = pattern;
    return lastRegex;
  } catch (error) {
    if (error instanceof RegexTranslationError) {
      throw new ExpressionRuntimeError(FN, `regexPattern ${JSON.stringify(pattern)}: ${error.message}`);
    }
    throw error;
  }
}

function groupName(regex: CompiledRegex, value: ExprValue | undefined, pattern: string): string {
  const name = toStr(value) ?? '';
  if (!regex.groupNames.includes(name)) {
    throw new ExpressionRuntimeError(
      FN,
      `regexGroupName "${name}" is not a named group of ${JSON.stringify(pattern)}`,
    );
  }
  return name;
}

/** Replaces the span of one named group inside every match. */
function replaceGroup(text: string, regex: CompiledRegex, name: string, replacement: string): string {
  const re = regex.indexed;
  re.lastIndex = 0;
  let out = '';
  let copied = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const span = m.indices?.groups?.[name];
    if (span) {
      out += text.slice(copied, span[0]) + replacement;
      copied = span[1];
    }
    if (m[0] === '') re.lastIndex += (text.codePointAt(re.lastIndex) ?? 0) > 0xffff ? 2 : 1;
    if (re.lastIndex > text.length) break;
  }
  re.lastIndex = 0;
  return out + text.slice(copied);
}

function extractGroup(text: string, regex: CompiledRegex, name: string): string | null {
  const re = regex.indexed;
  re.lastIndex = 0;
  const m = re.exec(text);
  re.lastIndex = 0;
  return m?.groups?.[name] ?? null;
}

/** The Replace function. */
export const replace: FunctionSpec = defineEager(
  {
    name: 'Replace',
    summary: 'Replaces text by value, by regular expression, by named group, or fills a template.',
    params: [
      p('source', 'string'),
      p('oldValue', 'string', { optional: true }),
      p('regexPattern', 'string', { optional: true }),
      p('regexGroupName', 'string', { optional: true }),
      p('replacementValue', 'string', { optional: true }),
      p('replacementAttributeName', 'any', { optional: true }),
      p('template', 'string', { optional: true }),
    ],
    checkLiterals: (literals) => {
      const problems: LiteralProblem[] = [];
      const pattern = toStr(literals[2]);
      if (pattern === null) return problems;
      try {
        const regex = compileDotNetRegex(pattern);
        const name = toStr(literals[3]);
        if (name !== null && !regex.groupNames.includes(name)) {
          problems.push({ argumentIndex: 3, message: `"${name}" is not a named group of the pattern` });
        }
      } catch (error) {
        if (!(error instanceof RegexTranslationError)) throw error;
        problems.push({ argumentIndex: 2, message: `invalid regexPattern: ${error.message}` });
      }
      return problems;
    },
  },
  ([source, oldValue, regexPattern, regexGroupName, replacementValue, replacementAttribute, template]) => {
    if (oldValue !== undefined) {
      const old = toStr(oldValue) ?? '';
      if (template !== undefined) {
        const s = toStr(source);
        const t = toStr(template);
        if (s === null || t === null) return null;
        return old === '' ? t : t.replaceAll(old, s);
      }
      const replacement = toStr(replacementValue) ?? '';
      if (old === '') return mapStrings(source, (text) => text);
      if (typeof source === 'string') return source.replaceAll(old, replacement);
      return mapStrings(source, (text) => text.replaceAll(old, replacement));
    }
    if (regexPattern === undefined) {
      throw new ExpressionRuntimeError(FN, 'needs oldValue or regexPattern to know what to replace');
    }
    const pattern = toStr(regexPattern) ?? '';
    const regex = regexFor(pattern);
    if (regexGroupName !== undefined && replacementAttribute !== undefined) {
      if (!isNullOrEmpty(source)) return source ?? null;
      const from = toStr(replacementAttribute);
      if (from === null) return null;
      return extractGroup(from, regex, groupName(regex, regexGroupName, pattern));
    }
    if (replacementValue === undefined) {
      throw new ExpressionRuntimeError(FN, 'regexPattern needs replacementValue or replacementAttributeName');
    }
    const replacement = toStr(replacementValue) ?? '';
    if (regexGroupName !== undefined) {
      const name = groupName(regex, regexGroupName, pattern);
      return mapStrings(source, (text) => replaceGroup(text, regex, name, replacement));
    }
    if (!replacement.includes('$')) {
      // No substitutions: a plain string replacement means the same in .NET and JavaScript, and is faster.
      if (typeof source === 'string') return source.replace(regex.global, replacement);
      return mapStrings(source, (text) => text.replace(regex.global, replacement));
    }
    const replacer = compileReplacement(pattern, replacement, regex);
    if (typeof replacer === 'string')
      return mapStrings(source, (text) => text.replace(regex.global, replacer));
    return mapStrings(source, (text) => text.replace(regex.global, replacer));
  },
);
