/**
 * `${NAME}` in an app file's strings is replaced by the environment variable NAME when the file is
 * applied; `$${` writes a literal `${`. An unset variable is an error (never an empty string: a
 * missing token must not become an empty password), and so is a `${` that does not close on a
 * valid name. The caller keeps the text as written wherever a substitution happened, so export can
 * print the template back instead of the value it resolved to.
 */

/** Variable names as shells accept them. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type SubstitutionResult =
  | {
      readonly ok: true;
      readonly value: string;
      /** The variables read, in order of appearance. */
      readonly variables: readonly string[];
      /** Whether the text held `${...}` or `$${` at all (so its template must be kept). */
      readonly templated: boolean;
    }
  | { readonly ok: false; readonly message: string };

/** Replaces every `${NAME}` in `text`; reports the first problem. */
export function substituteEnv(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): SubstitutionResult {
  if (!text.includes('${')) return { ok: true, value: text, variables: [], templated: false };
  let value = '';
  const variables: string[] = [];
  const missing: string[] = [];
  let index = 0;
  while (index < text.length) {
    const start = text.indexOf('$', index);
    if (start < 0) {
      value += text.slice(index);
      break;
    }
    value += text.slice(index, start);
    if (text.startsWith('$${', start)) {
      value += '${';
      index = start + 3;
      continue;
    }
    if (!text.startsWith('${', start)) {
      value += '$';
      index = start + 1;
      continue;
    }
    const end = text.indexOf('}', start + 2);
    const name = end < 0 ? '' : text.slice(start + 2, end);
    if (end < 0 || !NAME.test(name)) {
      return {
        ok: false,
        message:
          `'${text.slice(start, end < 0 ? undefined : end + 1)}' is not a variable reference:` +
          ' write ${NAME} with a name of letters, digits and _, or $${ for a literal ${',
      };
    }
    variables.push(name);
    const resolved = env[name];
    if (resolved === undefined) missing.push(name);
    else value += resolved;
    index = end + 1;
  }
  if (missing.length > 0) {
    const names = [...new Set(missing)];
    return {
      ok: false,
      message: `environment variable${names.length > 1 ? 's' : ''} ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} not set`,
    };
  }
  return { ok: true, value, variables, templated: true };
}

/** Whether `text` is exactly one reference, `${NAME}`; returns the name. */
export function soleVariable(text: string): string | undefined {
  const match = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(text);
  return match?.[1];
}

/**
 * Escapes a literal so substitution gives it back: every `${` becomes `$${`. (A `$` written right
 * before a reference, `$${NAME}`, reads as the escape: such a `$` belongs in the variable's value.)
 */
export function escapeTemplate(text: string): string {
  return text.replace(/\$\{/g, () => '$${');
}
