/**
 * .NET regular expressions (as Entra's Replace takes them) translated to JavaScript RegExps, and
 * .NET replacement strings ("$1", "${name}", "$$") compiled to a replacer. Named groups `(?<n>...)`
 * are common to both; `(?'n'...)`, `\A`, `\z`, `\Z`, a leading `(?i)` and .NET's Unicode meaning
 * of `\d` and `\w` are translated. Constructs JavaScript cannot express (atomic groups, balancing
 * groups, conditionals, `\G`, Unicode blocks, inline options mid-pattern, class subtraction) are
 * rejected with a message naming the construct. Compiled patterns are cached per distinct string.
 */

/** A pattern that cannot be translated or compiled. */
export class RegexTranslationError extends Error {}

/** A compiled .NET pattern. */
export interface CompiledRegex {
  /** Global regex for replace / matchAll. */
  readonly global: RegExp;
  /** Global regex with match indices (flag d), for replacing one named group's span. */
  readonly indexed: RegExp;
  readonly groupNames: readonly string[];
  readonly groupCount: number;
}

const WORD_CLASS = '\\p{L}\\p{Mn}\\p{Nd}\\p{Pc}';
const SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);
const KEPT_LETTER_ESCAPES = new Set(['s', 'S', 'b', 'B', 't', 'n', 'r', 'f', 'v']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function unsupported(what: string, index: number): never {
  throw new RegexTranslationError(`${what} at position ${index + 1} is not supported`);
}

/** Translates a .NET pattern to a JavaScript source and flags (always including "u"). */
export function translateDotNetRegex(pattern: string): {
  source: string;
  flags: string;
  groupNames: string[];
} {
  let flags = 'u';
  let i = 0;
  const leading = /^\(\?([imsx]+)\)/.exec(pattern);
  if (leading) {
    for (const option of leading[1]!) {
      if (option === 'x') unsupported('the x (ignore white space) option', 0);
      if (!flags.includes(option)) flags += option;
    }
    i = leading[0].length;
  }
  let out = '';
  let inClass = false;
  const groupNames: string[] = [];
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined) throw new RegexTranslationError('the pattern ends with a lone backslash');
      i += 2;
      if (n === 'd') out += '\\p{Nd}';
      else if (n === 'D') out += '\\P{Nd}';
      else if (n === 'w') out += inClass ? WORD_CLASS : `[${WORD_CLASS}]`;
      else if (n === 'W') {
        if (inClass) unsupported('\\W inside a character class', i - 2);
        out += `[^${WORD_CLASS}]`;
      } else if (n === 'A') out += '(?<![\\s\\S])';
      else if (n === 'z') out += '(?![\\s\\S])';
      else if (n === 'Z') out += '(?=\\n?(?![\\s\\S]))';
      else if (n === 'G') unsupported('\\G', i - 2);
      else if (n === 'e') out += '\\x1B';
      else if (n === 'a') out += '\\x07';
      else if (n === 'k') {
        const m = /^(?:<([^>]*)>|'([^']*)')/.exec(pattern.slice(i));
        if (!m) unsupported('\\k without a group name', i - 2);
        out += `\\k<${m[1] ?? m[2]}>`;
        i += m[0].length;
      } else if (n === 'p' || n === 'P') {
        const m = /^\{([A-Za-z_]+)\}/.exec(pattern.slice(i));
        if (!m) unsupported(`\\${n} without a {category}`, i - 2);
        if (m[1]!.startsWith('Is')) unsupported(`the Unicode block \\${n}{${m[1]}}`, i - 2);
        out += `\\${n}{${m[1]}}`;
        i += m[0].length;
      } else if (n === 'x' || n === 'u' || n === 'c' || /[0-9]/.test(n) || KEPT_LETTER_ESCAPES.has(n)) {
        out += `\\${n}`;
      } else if (/[A-Za-z]/.test(n)) {
        unsupported(`the escape \\${n}`, i - 2);
      } else if (SYNTAX.has(n) || (inClass && n === '-')) {
        out += `\\${n}`;
      } else {
        out += n; // .NET lets any symbol be escaped; in JavaScript's u mode the plain symbol means the same
      }
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      if (c === '-' && pattern[i + 1] === '[') unsupported('character class subtraction', i);
      out += c;
      i += 1;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += '[';
      i += 1;
      if (pattern[i] === '^') {
        out += '^';
        i += 1;
      }
      if (pattern[i] === ']') {
        out += '\\]'; // a ] first in a .NET class is literal
        i += 1;
      }
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2);
      if (
        rest.startsWith(':') ||
        rest.startsWith('=') ||
        rest.startsWith('!') ||
        rest.startsWith('<=') ||
        rest.startsWith('<!')
      ) {
        out += '(?';
        i += 2;
        continue;
      }
      const named = /^(?:<([^>]*)>|'([^']*)')/.exec(rest);
      if (named) {
        const name = named[1] ?? named[2] ?? '';
        if (name.includes('-')) unsupported(`the balancing group (?<${name}>`, i);
        if (!NAME.test(name)) unsupported(`the group name "${name}"`, i);
        groupNames.push(name);
        out += `(?<${name}>`;
        i += 2 + named[0].length;
        continue;
      }
      if (rest.startsWith('#')) {
        const end = pattern.indexOf(')', i);
        if (end < 0) throw new RegexTranslationError('unterminated (?# comment');
        i = end + 1;
        continue;
      }
      if (rest.startsWith('>')) unsupported('the atomic group (?>', i);
      if (rest.startsWith('(')) unsupported('the conditional (?(', i);
      unsupported('the inline option group (?' + (rest.match(/^[imnsx-]*/)?.[0] ?? ''), i);
    }
    if (c === '{') {
      const m = /^\{\d+(?:,\d*)?\}/.exec(pattern.slice(i));
      if (m) {
        out += m[0];
        i += m[0].length;
      } else {
        out += '\\{'; // .NET reads a { that starts no quantifier as a literal
        i += 1;
      }
      continue;
    }
    if (c === '}' || c === ']') {
      out += `\\${c}`;
      i += 1;
      continue;
    }
    out += c;
    i += 1;
  }
  if (inClass) throw new RegexTranslationError('unterminated character class [');
  return { source: out, flags, groupNames };
}

const cache = new Map<string, CompiledRegex>();

/** Translates and compiles a .NET pattern once per distinct string; throws RegexTranslationError. */
export function compileDotNetRegex(pattern: string): CompiledRegex {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const { source, flags, groupNames } = translateDotNetRegex(pattern);
  let global: RegExp;
  let indexed: RegExp;
  try {
    global = new RegExp(source, `${flags}g`);
    indexed = new RegExp(source, `${flags}gd`);
  } catch (error) {
    throw new RegexTranslationError((error as Error).message.replace(/^Invalid regular expression: /, ''));
  }
  const groupCount = (new RegExp(`${source}|`, flags).exec('')?.length ?? 1) - 1;
  const compiled: CompiledRegex = { global, indexed, groupNames, groupCount };
  if (cache.size >= 256) cache.clear();
  cache.set(pattern, compiled);
  return compiled;
}

/** One piece of a .NET replacement string. */
type ReplacementPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'group'; readonly ref: number | string }
  | { readonly kind: 'before' | 'after' | 'last' | 'input' };

function parseReplacement(replacement: string, regex: CompiledRegex): ReplacementPart[] {
  const parts: ReplacementPart[] = [];
  let text = '';
  const flush = (): void => {
    if (text !== '') parts.push({ kind: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < replacement.length) {
    const c = replacement[i]!;
    const n = replacement[i + 1];
    if (c !== '$' || n === undefined) {
      text += c;
      i += 1;
      continue;
    }
    if (n === '$') {
      text += '$';
      i += 2;
    } else if (n === '&') {
      flush();
      parts.push({ kind: 'group', ref: 0 });
      i += 2;
    } else if (n === '`' || n === "'" || n === '+' || n === '_') {
      flush();
      parts.push({ kind: n === '`' ? 'before' : n === "'" ? 'after' : n === '+' ? 'last' : 'input' });
      i += 2;
    } else if (n === '{') {
      const end = replacement.indexOf('}', i);
      const name = end < 0 ? '' : replacement.slice(i + 2, end);
      const number = /^\d+$/.test(name) ? Number(name) : undefined;
      if (number !== undefined && number <= regex.groupCount) {
        flush();
        parts.push({ kind: 'group', ref: number });
        i = end + 1;
      } else if (regex.groupNames.includes(name)) {
        flush();
        parts.push({ kind: 'group', ref: name });
        i = end + 1;
      } else {
        text += '$';
        i += 1;
      }
    } else if (/[0-9]/.test(n)) {
      // .NET takes the longest run of digits that names an existing group.
      let j = i + 1;
      let ref = -1;
      let end = i + 1;
      let value = 0;
      while (j < replacement.length && /[0-9]/.test(replacement[j]!)) {
        value = value * 10 + Number(replacement[j]);
        j += 1;
        if (value <= regex.groupCount) {
          ref = value;
          end = j;
        }
      }
      if (ref >= 0) {
        flush();
        parts.push({ kind: 'group', ref });
        i = end;
      } else {
        text += '$';
        i += 1;
      }
    } else {
      text += '$';
      i += 1;
    }
  }
  flush();
  return parts;
}

/** Replacer for String.prototype.replace: a native replacement string, or a function. */
export type Replacer = string | ((match: string, ...rest: unknown[]) => string);

/**
 * The same replacement in JavaScript's own syntax, so the engine's native path runs; undefined when a
 * part has no JavaScript equivalent ($+, $_, group numbers above 99).
 */
function nativeReplacement(parts: readonly ReplacementPart[]): string | undefined {
  let out = '';
  for (const part of parts) {
    if (part.kind === 'text') out += part.text.replaceAll('$', '$$$$');
    else if (part.kind === 'before') out += '$`';
    else if (part.kind === 'after') out += "$'";
    else if (part.kind !== 'group') return undefined;
    else if (typeof part.ref === 'string') out += `$<${part.ref}>`;
    else if (part.ref === 0) out += '$&';
    else if (part.ref <= 99) out += `$${String(part.ref).padStart(2, '0')}`;
    else return undefined;
  }
  return out;
}

const replacerCache = new Map<string, Replacer>();

/** Compiles a .NET replacement string for a pattern, once per distinct (pattern, replacement). */
export function compileReplacement(pattern: string, replacement: string, regex: CompiledRegex): Replacer {
  const key = `${pattern}\u0000${replacement}`;
  const hit = replacerCache.get(key);
  if (hit) return hit;
  const parts = parseReplacement(replacement, regex);
  const count = regex.groupCount;
  const native = nativeReplacement(parts);
  const replacer: Replacer =
    native ??
    ((match, ...rest) => {
      const groups = rest.slice(0, count) as (string | undefined)[];
      const offset = rest[count] as number;
      const input = rest[count + 1] as string;
      const named = (rest[count + 2] ?? {}) as Record<string, string | undefined>;
      let out = '';
      for (const part of parts) {
        switch (part.kind) {
          case 'text':
            out += part.text;
            break;
          case 'group':
            out +=
              typeof part.ref === 'string'
                ? (named[part.ref] ?? '')
                : part.ref === 0
                  ? match
                  : (groups[part.ref - 1] ?? '');
            break;
          case 'before':
            out += input.slice(0, offset);
            break;
          case 'after':
            out += input.slice(offset + match.length);
            break;
          case 'last':
            out += count > 0 ? (groups[count - 1] ?? '') : match;
            break;
          case 'input':
            out += input;
            break;
        }
      }
      return out;
    });
  if (replacerCache.size >= 256) replacerCache.clear();
  replacerCache.set(key, replacer);
  return replacer;
}
