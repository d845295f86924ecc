/**
 * The settings and credentials of the `soap` kind as zod schemas. Every option is documented in
 * docs/connectors/soap.md. Each object operation names a WSDL operation, the argument template
 * sent to it and where its answer holds the object(s); the templates' placeholders are checked
 * here, so an app file naming `{{attributes.mail}}` in a delete or `{{cursor}}` in a create is
 * refused when it is loaded, with the path of the template.
 */
import { z } from 'zod';
import { basicCredentialsSchema } from '../http/index.js';
import { CONNECTOR_ERROR_CODES, type ConnectorErrorCode } from '../spi/index.js';
import { placeholderIssues, type TemplateVariables } from './soap-template.js';

const operationName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/u, 'must be the name of a WSDL operation, e.g. CreateUser');

/** A dotted path into an answer (`user.id`, `users.user`); each step is an element name. */
export const answerPath = z
  .string()
  .regex(/^[^.\s]+(\.[^.\s]+)*$/u, 'must be a dotted path of element names, e.g. user.id');

const attributeName = z.string().min(1, 'must be a non-empty attribute name');

/** An argument template: any JSON value; `{{name}}` strings are replaced by the operation's values. */
const template = z.json();

const baseOperation = {
  /** The WSDL operation to call. */
  operation: operationName,
  /** The arguments sent; `{{...}}` placeholders are filled from the request. */
  arguments: template.default({}),
  /** Where the answer holds the object (or the objects): a dotted path; absent means the whole answer. */
  result: answerPath.optional(),
};

const plainOperation = z.strictObject(baseOperation);

const createOperation = z.strictObject({
  ...baseOperation,
  /**
   * For a service that answers a create with the new id alone: its path in the answer. Without
   * it the answer (at `result`) is read as a whole record.
   */
  id: answerPath.optional(),
});

const findOperation = z.strictObject({
  ...baseOperation,
  /** The attributes the service can search by; `any` for all. */
  attributes: z.union([z.literal('any'), z.array(attributeName).min(1)]).default('any'),
});

const listOperation = z.strictObject({
  ...baseOperation,
  /** The path of the next page's cursor in the answer; without it the service does not page. */
  nextCursor: answerPath.optional(),
  /** The page size asked for at most. */
  maxPageSize: z.number().int().min(1).max(10_000).default(100),
});

const updateOperation = z.strictObject({
  ...baseOperation,
  /**
   * `partial`: the arguments carry the changed attributes only (the others' placeholders are left
   * out); `replace`: the connector reads the object (`get`), applies the changes and sends all.
   */
  mode: z.enum(['partial', 'replace']).default('partial'),
  /** What a removed attribute is sent as in partial mode (many services clear a field given empty). */
  clearValue: z.json().default(''),
});

const memberOperation = z.strictObject({
  ...baseOperation,
  /** One call per member (`{{member}}`) instead of one call with all of them (`{{members}}`). */
  eachMember: z.boolean().default(false),
  /** Members per call when sent together. */
  batchSize: z.number().int().min(1).max(10_000).default(100),
});

/** How one object reads in any answer: paths inside the record. */
const recordShape = z.strictObject({
  /** The path of the object's id (the anchor the engine keeps). */
  id: answerPath,
  /** Each target attribute (as the app's mappings name it) with its path in the record. */
  fields: z.record(attributeName, answerPath).default({}),
  /** The path of the enabled flag (true / false, 1 / 0), for accounts that can be disabled. */
  enabled: answerPath.optional(),
  /** For groups: the path of the member ids. */
  members: answerPath.optional(),
});

const objectSettings = z.strictObject({
  record: recordShape,
  create: createOperation,
  get: plainOperation.optional(),
  find: findOperation.optional(),
  list: listOperation.optional(),
  update: updateOperation.optional(),
  delete: plainOperation.optional(),
  setEnabled: plainOperation.optional(),
  addMembers: memberOperation.optional(),
  removeMembers: memberOperation.optional(),
});

const errorCode = z.enum(CONNECTOR_ERROR_CODES as [ConnectorErrorCode, ...ConnectorErrorCode[]]);

/** One rule of the app's fault list: a fault code (with or without its prefix) and its error. */
const faultRule = z.strictObject({
  /** The fault code: `tns:UserExists`, `UserExists`, a SOAP 1.2 Subcode, or `Server` / `Client`. */
  code: z.string().min(1),
  /** Only when the fault string contains this text (case-insensitive). */
  messageContains: z.string().min(1).optional(),
  /** The error of the taxonomy the fault is reported as. */
  error: errorCode,
});

const positiveMs = z.number().int().min(1).max(600_000);

export const soapSettingsSchema = z
  .strictObject({
    /** The WSDL: an http(s) URL (read when the connection is tested and at the first operation). */
    wsdlUrl: z
      .url({ protocol: /^https?$/u, error: 'must be an http:// or https:// URL' })
      .refine(
        (url) => !/^https?:\/\/[^/]*@/u.test(url),
        'must not hold credentials; put them in credentials',
      ),
    /**
     * The SOAP version of the envelope: `auto` reads it from the WSDL (SOAP 1.2 when its bindings
     * are all SOAP 1.2 ones, else 1.1); `1.1` or `1.2` to choose for a WSDL that offers both.
     */
    soapVersion: z.enum(['auto', '1.1', '1.2']).default('auto'),
    /** Where requests are sent, instead of the WSDL's own address. */
    endpoint: z.url({ protocol: /^https?$/u, error: 'must be an http:// or https:// URL' }).optional(),
    objects: z
      .strictObject({ User: objectSettings.optional(), Group: objectSettings.optional() })
      .refine((objects) => objects.User !== undefined || objects.Group !== undefined, {
        message: 'must configure User, Group or both',
      }),
    faults: z.array(faultRule).default([]),
    /** The WS-Security username token's form, when credentials hold `wsSecurity`. */
    wsSecurity: z
      .strictObject({
        passwordType: z.enum(['PasswordText', 'PasswordDigest']).default('PasswordText'),
        /** Add a wsu:Timestamp to the security header. */
        timestamp: z.boolean().default(false),
      })
      .default({ passwordType: 'PasswordText', timestamp: false }),
    timeouts: z
      .strictObject({
        /** Longest wait for one operation's answer. */
        requestMs: positiveMs.default(30_000),
        /** Longest wait for the WSDL (and the schemas it imports). */
        wsdlMs: positiveMs.default(30_000),
      })
      .default({ requestMs: 30_000, wsdlMs: 30_000 }),
    /** Calls in flight at once. */
    concurrency: z.number().int().min(1).max(256).default(4),
    /** Calls started per second, as a token bucket; absent means unlimited. */
    rateLimitPerSecond: z.number().positive().max(100_000).optional(),
  })
  .superRefine((settings, ctx) => {
    for (const type of ['User', 'Group'] as const) {
      const object = settings.objects[type];
      if (object === undefined) continue;
      const at = ['objects', type];
      for (const [name, variables] of Object.entries(OPERATION_VARIABLES)) {
        const operation = (
          object as Record<string, { arguments?: unknown; eachMember?: boolean } | undefined>
        )[name];
        if (operation === undefined) continue;
        const allowed = variablesOf(name, variables, operation.eachMember === true);
        for (const issue of placeholderIssues(operation.arguments, allowed)) {
          ctx.addIssue({
            code: 'custom',
            path: [...at, name, 'arguments', ...issue.path],
            message: issue.message,
          });
        }
      }
      if (type === 'User' && (object.addMembers !== undefined || object.removeMembers !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'addMembers'],
          message: 'member operations belong to Group',
        });
      }
      if ((object.addMembers === undefined) !== (object.removeMembers === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: [...at, object.addMembers === undefined ? 'addMembers' : 'removeMembers'],
          message: 'addMembers and removeMembers go together',
        });
      }
      if (object.addMembers !== undefined && object.record.members === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'record', 'members'],
          message: 'is needed with member operations: the path of the member ids in a group record',
        });
      }
      if (object.update?.mode === 'replace' && object.get === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'update', 'mode'],
          message: "'replace' reads the object first: configure get",
        });
      }
      if (object.setEnabled !== undefined && object.record.enabled === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'record', 'enabled'],
          message: 'is needed with setEnabled: the path of the enabled flag in a record',
        });
      }
    }
  });

/** The placeholders each operation's template may use (`attributes.<name>` for any mapped attribute). */
const OPERATION_VARIABLES: Record<string, TemplateVariables> = {
  create: { names: ['enabled'], attributes: true },
  get: { names: ['id'], attributes: false },
  find: { names: ['attribute', 'value'], attributes: false },
  list: { names: ['pageSize', 'cursor'], attributes: false },
  update: { names: ['id'], attributes: true },
  delete: { names: ['id'], attributes: false },
  setEnabled: { names: ['id', 'enabled'], attributes: false },
  addMembers: { names: ['id', 'members'], attributes: false },
  removeMembers: { names: ['id', 'members'], attributes: false },
};

function variablesOf(
  operation: string,
  variables: TemplateVariables,
  eachMember: boolean,
): TemplateVariables {
  if (operation !== 'addMembers' && operation !== 'removeMembers') return variables;
  return { names: ['id', eachMember ? 'member' : 'members'], attributes: false };
}

export type SoapSettings = z.infer<typeof soapSettingsSchema>;
export type SoapObjectSettings = z.infer<typeof objectSettings>;
export type SoapRecordShape = z.infer<typeof recordShape>;
export type SoapOperation = z.infer<typeof plainOperation>;
export type SoapFaultRule = z.infer<typeof faultRule>;

/**
 * Credentials of the `soap` kind: a WS-Security username token, HTTP basic auth, both, or none
 * (an empty object). Kept in the app's credentials, which are sealed at rest.
 */
export const soapCredentialsSchema = z
  .strictObject({
    wsSecurity: z
      .strictObject({
        username: z.string().min(1),
        password: z.string().min(1, 'must be a non-empty password'),
      })
      .optional(),
    basic: basicCredentialsSchema.shape.basic.optional(),
  })
  .default({});
export type SoapCredentials = z.infer<typeof soapCredentialsSchema>;

/** Every secret text the credentials hold, so messages can be scrubbed of them. */
export function secretsOf(credentials: SoapCredentials): string[] {
  const secrets: string[] = [];
  if (credentials.wsSecurity !== undefined) secrets.push(credentials.wsSecurity.password);
  if (credentials.basic !== undefined && credentials.basic.password !== '') {
    secrets.push(credentials.basic.password);
    secrets.push(
      Buffer.from(`${credentials.basic.username}:${credentials.basic.password}`).toString('base64'),
    );
  }
  return secrets;
}
