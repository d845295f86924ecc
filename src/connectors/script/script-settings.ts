/** Settings and credentials of the `script` kind; every option is documented in docs/connectors/script.md. */
import { z } from 'zod';
import { CONNECTOR_ERROR_CODES, type ConnectorErrorCode } from '../spi/index.js';

import { checkScriptOperations, SCRIPT_OPERATIONS, type ScriptOperations } from './script-operations.js';

export { SCRIPT_OPERATIONS, type ScriptOperation, type ScriptOperations } from './script-operations.js';

// `members` is left out: a script written before member operations is never sent them unasked.
const DEFAULT_OPERATIONS: string[] = SCRIPT_OPERATIONS.filter((operation) => operation !== 'members');

export const scriptSettingsSchema = z
  .strictObject({
    /** The executable; a path with a `/` is relative to the app file's directory, a bare name is looked up in PATH. */
    command: z.string().min(1),
    /** Arguments, each passed as it is (no shell ever reads them). */
    args: z.array(z.string()).default([]),
    objectTypes: z
      .array(z.enum(['User', 'Group']))
      .min(1)
      .refine((types) => new Set(types).size === types.length, 'must not repeat an object type')
      .default(['User']),
    /**
     * The optional operations the script implements (create and test are always sent): a list for
     * every object type, or a map from object type to its list. Checked against objectTypes below.
     */
    operations: z
      .union([z.array(z.string()), z.record(z.string(), z.array(z.string()))], {
        error: 'must be a list of operations, or a map from object type to its list ({ User: [get, find] })',
      })
      .default(DEFAULT_OPERATIONS)
      .transform((value) => value as ScriptOperations),
    timeoutMs: z.number().int().min(100).max(3_600_000).default(30_000),
    /** After the timeout: SIGTERM, then SIGKILL this much later. */
    killGraceMs: z.number().int().min(0).max(60_000).default(2_000),
    /** Names of Provisio's environment variables the script may see; nothing else is passed. */
    envAllow: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'))
      .default(['PATH']),
    /** Fixed environment variables for the script. */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
    /** Working directory; default the app file's directory. */
    cwd: z.string().min(1).optional(),
    /** Where credentials go: fields of the request on stdin, or variables `PROVISIO_CREDENTIAL_<NAME>`. */
    credentialsIn: z.enum(['stdin', 'env']).default('stdin'),
    /** Exit codes (without a JSON error answer) mapped onto the taxonomy; any other non-zero code is `unavailable`. */
    exitCodes: z
      .record(
        z.string().regex(/^\d+$/, 'must be an exit code'),
        z.enum(CONNECTOR_ERROR_CODES as [ConnectorErrorCode, ...ConnectorErrorCode[]]),
      )
      .default({}),
    /** How much of stderr is kept for the provisioning log. */
    maxStderrBytes: z.number().int().min(0).max(1_048_576).default(8_192),
    /** The largest answer read from stdout. */
    maxStdoutBytes: z.number().int().min(1_024).max(268_435_456).default(16_777_216),
  })
  .superRefine((settings, ctx) => checkScriptOperations(settings.operations, settings.objectTypes, ctx));

export const scriptCredentialsSchema = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string())
  .default({});

export type ScriptSettings = z.infer<typeof scriptSettingsSchema>;
export type ScriptCredentials = z.infer<typeof scriptCredentialsSchema>;
