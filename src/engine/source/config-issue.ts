/**
 * A problem in a mapping or scoping configuration, named by where it is
 * (`mappings[5].expression`, `scope.filters[1].clauses[0].operator`), so an administrator can find
 * it in the file they wrote.
 */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** `path: message`, the form the CLI and the admin API print. */
export function formatConfigIssue(issue: ConfigIssue): string {
  return `${issue.path}: ${issue.message}`;
}

/** Thrown by compile helpers that find a problem; callers turn it into a ConfigIssue at their path. */
export class SourceNameError extends Error {}
