/**
 * Errors in setting a connector up from an app's configuration: the module is missing or exports
 * the wrong shape, the kind is unknown, the settings do not validate, the connector it built breaks
 * the contract. They happen before any call to a target, so they are configuration errors for the
 * person who wrote the app file, not part of the connector taxonomy; each names the file at fault.
 */

/** Stable codes of connector set-up errors. */
export const ConnectorLoadErrorCode = {
  /** The configuration names neither a known kind nor a module, or both. */
  invalidConfig: 'invalid_config',
  /** No connector kind of that name is registered. */
  unknownKind: 'unknown_kind',
  /** The module path does not name an existing file. */
  moduleNotFound: 'module_not_found',
  /** Importing the module threw (a syntax error, a failing import inside it, an unsupported file type). */
  moduleFailed: 'module_failed',
  /** The module loaded but does not export a connector definition. */
  moduleShape: 'module_shape',
  /** The settings or credentials do not satisfy the kind's schema. */
  invalidSettings: 'invalid_settings',
  /** The factory threw, or built a connector that breaks the contract (bad capabilities, flags and methods disagree). */
  invalidConnector: 'invalid_connector',
  /** Registering a kind twice. */
  duplicateKind: 'duplicate_kind',
} as const;
export type ConnectorLoadErrorCode = (typeof ConnectorLoadErrorCode)[keyof typeof ConnectorLoadErrorCode];

/** A connector set-up error: a stable code, the file at fault when there is one, and the issues found. */
export class ConnectorLoadError extends Error {
  readonly code: ConnectorLoadErrorCode;
  /** The module file (or the app file, for settings), absolute. */
  readonly file: string | undefined;
  /** Each problem on its own line, naming the path where it applies. */
  readonly issues: readonly string[];

  constructor(
    code: ConnectorLoadErrorCode,
    message: string,
    options: { file?: string; issues?: readonly string[]; cause?: unknown } = {},
  ) {
    const issues = options.issues ?? [];
    super(issues.length > 0 ? `${message}:\n  - ${issues.join('\n  - ')}` : message, {
      cause: options.cause,
    });
    this.name = 'ConnectorLoadError';
    this.code = code;
    this.file = options.file;
    this.issues = issues;
  }
}
