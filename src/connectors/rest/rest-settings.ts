/**
 * The settings and credentials of the `rest` kind, as zod schemas: per object type, each operation
 * as a method, a URL template, headers and a JSON body template, and where the answer's id,
 * attributes and next page are. The shared HTTP options (timeouts, tls, concurrency, rate limit,
 * headers) are connectors/http's. Every option is documented in docs/connectors/rest.md; the app
 * file loader turns each issue's path into the file, line and column.
 */
import { z } from 'zod';
import {
  apiKeyCredentialsSchema,
  basicCredentialsSchema,
  bearerCredentialsSchema,
  oauthCredentialsSchema,
} from '../http/http-credentials.js';
import { baseUrlSchema, extraHeadersSchema, httpSettingsShape } from '../http/http-settings.js';
import { CONNECTOR_ERROR_CODES, type ConnectorErrorCode } from '../spi/index.js';
import { bodyTemplateTexts } from './body-template.js';
import { headerValueProblem } from './header-template.js';
import { parseJsonPath } from './json-path.js';
import { templateParts } from './template-values.js';

/** A JSON path (`id`, `data.items`, `links.next`, `$`), checked to parse. */
export const jsonPathSchema = z.string().superRefine((text, ctx) => {
  try {
    parseJsonPath(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `is not a JSON path: ${(error as Error).message}` });
  }
});

function checkTemplate(text: string, ctx: z.core.$RefinementCtx<string>): void {
  try {
    templateParts(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `is not a template: ${(error as Error).message}` });
  }
}

const urlTemplate = z
  .string()
  .regex(
    /^\/[^#]*$/u,
    'must be a path relative to baseUrl, starting with "/" (no fragment), e.g. /users/{id}',
  )
  .superRefine(checkTemplate);

/**
 * Header values are templates too; the text around placeholders is checked here, once, so that a
 * constant header can never carry a line break into the request.
 */
const headerTemplates = extraHeadersSchema.superRefine((headers, ctx) => {
  for (const [name, text] of Object.entries(headers)) {
    let parts;
    try {
      parts = templateParts(text);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `is not a template: ${(error as Error).message}`,
      });
      continue;
    }
    for (const part of parts) {
      const problem = 'text' in part ? headerValueProblem(part.text) : undefined;
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path: [name], message: problem });
    }
  }
});

const bodyTemplate = z.json().superRefine((template, ctx) => {
  for (const text of bodyTemplateTexts(template)) checkTemplate(text, ctx as z.core.$RefinementCtx<string>);
});

const method = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

const operationShape = {
  method,
  url: urlTemplate,
  /** Query parameters (templates); one whose value is absent is left out. */
  query: z.record(z.string().min(1), z.string().superRefine(checkTemplate)).optional(),
  /** Headers of this operation only, as templates; one whose value is absent is left out. */
  headers: headerTemplates.optional(),
  /** The JSON body; without it, the mapped attributes nested at their JSON paths. */
  body: bodyTemplate.optional(),
};

/** An operation whose answer is one object (create, get, update). */
const objectOperation = z.strictObject({
  ...operationShape,
  /** Where the object is in the answer (`data`); default the whole answer. */
  objectPath: jsonPathSchema.optional(),
});

// No objectPath: an update's answer is not read (the engine needs nothing back from it).
const updateOperation = z.strictObject({
  ...operationShape,
  /**
   * `changes`: only the changed attributes (a removed one as null), as a PATCH or merge patch
   * sends them; `object`: the whole object read, changed and written back, as a PUT replaces it.
   * Default: `object` for PUT, `changes` otherwise.
   */
  send: z.enum(['changes', 'object']).optional(),
});

const plainOperation = z.strictObject(operationShape);

/** addMember / removeMember: per member, or per batch when a template names `{memberIds}` / `{memberItems}`. */
const memberOperation = z.strictObject({
  ...operationShape,
  /** Members per request in a batch; default the app's memberBatchSize. */
  batchSize: z.number().int().min(1).max(10_000).optional(),
  /** The JSON of one member in `{memberItems}` (a template naming `{memberId}`); default the id itself. */
  memberItem: bodyTemplate.optional(),
});

const pageSizeParam = z.string().min(1);

/** How a list is paged; absent means one request answers every object. */
export const paginationSchema = z.discriminatedUnion('style', [
  z.strictObject({ style: z.literal('none') }),
  z.strictObject({
    style: z.literal('page'),
    pageParam: z.string().min(1).default('page'),
    sizeParam: pageSizeParam.default('size'),
    /** The number of the first page (1 for most APIs). */
    firstPage: z.number().int().min(0).default(1),
    /** Where the total count is in the body, if anywhere: saves asking for an empty last page. */
    totalPath: jsonPathSchema.optional(),
  }),
  z.strictObject({
    style: z.literal('offset'),
    offsetParam: z.string().min(1).default('offset'),
    sizeParam: pageSizeParam.default('limit'),
    totalPath: jsonPathSchema.optional(),
  }),
  z.strictObject({
    style: z.literal('cursor'),
    cursorParam: z.string().min(1).default('cursor'),
    sizeParam: pageSizeParam.default('limit'),
    /** Where the next cursor is in the body; absent, null or "" on the last page. */
    nextCursorPath: jsonPathSchema,
  }),
  z.strictObject({
    style: z.literal('nextLink'),
    sizeParam: pageSizeParam.default('limit'),
    /** Where the next page's URL is in the body (absolute, or relative to baseUrl). */
    nextLinkPath: jsonPathSchema,
  }),
  z.strictObject({ style: z.literal('linkHeader'), sizeParam: pageSizeParam.default('limit') }),
]);
export type PaginationSettings = z.infer<typeof paginationSchema>;

const listOperation = z.strictObject({
  ...operationShape,
  /** Where the page's objects are (`data`, `items`); default the whole answer, an array. */
  itemsPath: jsonPathSchema.default('$'),
  pagination: paginationSchema.default({ style: 'none' }),
});

const findOperation = z.strictObject({
  ...operationShape,
  itemsPath: jsonPathSchema.default('$'),
  /** How find's answer pages; absent: as the list operation of the same type pages. */
  pagination: paginationSchema.optional(),
  /** The attributes find may look up; absent means any. */
  attributes: z.array(z.string().min(1)).min(1).optional(),
});

const operationsSchema = z.strictObject({
  create: objectOperation,
  get: objectOperation.optional(),
  update: updateOperation.optional(),
  delete: plainOperation.optional(),
  find: findOperation.optional(),
  list: listOperation.optional(),
  /** Add one member (`{memberId}`), or several at once when the templates name `{memberIds}` or `{memberItems}`. */
  addMember: memberOperation.optional(),
  removeMember: memberOperation.optional(),
});

const objectTypeSchema = z.strictObject({
  /** Where an object's id is (`id`, `data.id`). */
  idPath: jsonPathSchema.default('id'),
  /** Target attribute -> JSON path in the API's object, where they differ; others use their own name as path. */
  attributes: z.record(z.string().min(1), jsonPathSchema).optional(),
  /** How the API says an account is enabled; absent means the type cannot be disabled. */
  enabled: z
    .strictObject({
      path: jsonPathSchema,
      enabledValue: z.json().default(true),
      disabledValue: z.json().default(false),
    })
    .optional(),
  /** For groups: where the member list is in a group, and the id within each item (absent: the item is the id). */
  membersPath: jsonPathSchema.optional(),
  memberIdPath: jsonPathSchema.optional(),
  /**
   * For groups, how members are written: `operations` (addMember / removeMember; the default when
   * they are configured) or `array` (the member list at membersPath, written through create and
   * update like any attribute).
   */
  membership: z.enum(['operations', 'array']).optional(),
  operations: operationsSchema,
});
export type RestObjectSettings = z.infer<typeof objectTypeSchema>;

const STATUS = /^[1-5]\d\d$/u;

/** Settings of the `rest` kind. */
export const restSettingsSchema = z
  .strictObject({
    baseUrl: baseUrlSchema,
    ...httpSettingsShape,
    /** Content type of request bodies (e.g. application/merge-patch+json for a merge-patch API). */
    contentType: z
      .string()
      .regex(/^[\w.+-]+\/[\w.+-]+(;.*)?$/u, 'must be a media type')
      .default('application/json'),
    objects: z
      .strictObject({ User: objectTypeSchema.optional(), Group: objectTypeSchema.optional() })
      .refine(
        (objects) => objects.User !== undefined || objects.Group !== undefined,
        'must configure User or Group',
      ),
    /** Status codes this API uses its own way, onto the taxonomy: `{ "400": already_exists }`. */
    statusCodes: z
      .record(z.string(), z.enum(CONNECTOR_ERROR_CODES as [ConnectorErrorCode, ...ConnectorErrorCode[]]))
      // Checked here rather than by the key schema, whose error would not say what a key must be.
      .superRefine((table, ctx) => {
        for (const status of Object.keys(table))
          if (!STATUS.test(status))
            ctx.addIssue({
              code: 'custom',
              path: [status],
              message: 'must be an HTTP status code (100-599)',
            });
      })
      .optional(),
    /** Where the API's own words are in an error body; default: message, error_description, error, detail, title. */
    errorMessagePath: jsonPathSchema.optional(),
    /** The request test connection sends; default the first page (one object) of the list operation. */
    probe: z.strictObject({ method, url: urlTemplate }).optional(),
    /** Headers sent with every request, as templates (an operation's own headers win by name). */
    headers: headerTemplates.optional(),
    /** Largest page asked for. */
    maxPageSize: z.number().int().min(1).max(10_000).default(100),
    /** Members per request when addMember/removeMember take `{memberIds}`. */
    memberBatchSize: z.number().int().min(1).max(10_000).default(100),
  })
  .superRefine((settings, ctx) => checkOperations(settings, ctx));
export type RestSettings = z.infer<typeof restSettingsSchema>;

/** Checks between one type's operations; the types may configure different operations (`byType`). */
function checkOperations(settings: z.infer<typeof restSettingsSchema>, ctx: z.core.$RefinementCtx): void {
  const types = (['User', 'Group'] as const).filter((type) => settings.objects[type] !== undefined);
  for (const type of types) {
    const ops = settings.objects[type]!.operations;
    if ((ops.addMember === undefined) !== (ops.removeMember === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['objects', type, 'operations', ops.addMember === undefined ? 'addMember' : 'removeMember'],
        message: 'addMember and removeMember go together',
      });
    }
    const object = settings.objects[type]!;
    if (object.enabled !== undefined && ops.update === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['objects', type, 'enabled'],
        message: 'is written through update: configure operations.update',
      });
    }
    const sendsObject =
      ops.update?.send === 'object' || (ops.update?.send === undefined && ops.update?.method === 'PUT');
    if (sendsObject && ops.get === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['objects', type, 'operations', 'update'],
        message: 'sends the whole object, which is read first: configure operations.get',
      });
    }
    checkMembership(type, object, ctx);
    if (ops.addMember !== undefined && ops.get !== undefined && object.membersPath === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['objects', type, 'membersPath'],
        message: 'is needed with addMember: reading a group must answer its members',
      });
    }
    if (type === 'User' && ops.addMember !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['objects', 'User', 'operations', 'addMember'],
        message: 'members belong to groups: configure addMember under Group',
      });
    }
  }
  if (
    settings.probe === undefined &&
    types.every((type) => settings.objects[type]!.operations.list === undefined)
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['probe'],
      message: 'is needed when no object type has a list operation (test connection sends it)',
    });
  }
}

/** `membership` against what it needs: array needs membersPath and update, operations needs addMember. */
function checkMembership(
  type: 'User' | 'Group',
  object: RestObjectSettings,
  ctx: z.core.$RefinementCtx,
): void {
  const path = ['objects', type, 'membership'];
  const ops = object.operations;
  if (object.membership !== undefined && type === 'User') {
    ctx.addIssue({ code: 'custom', path, message: 'members belong to groups: set membership under Group' });
    return;
  }
  if (object.membership === 'operations' && ops.addMember === undefined) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: 'is operations: configure operations.addMember and operations.removeMember',
    });
  }
  if (object.membership === 'array') {
    if (object.membersPath === undefined)
      ctx.addIssue({ code: 'custom', path, message: 'is array: membersPath says where the member list is' });
    if (ops.update === undefined)
      ctx.addIssue({
        code: 'custom',
        path,
        message: 'is array: the list is written through operations.update',
      });
    if (ops.addMember !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['objects', type, 'operations', 'addMember'],
        message: 'is not used when membership is array: remove it, or set membership: operations',
      });
  }
}

/** Credentials of the `rest` kind: a bearer token, OAuth 2.0 client credentials, basic, or an API key in a header. */
export const restCredentialsSchema = z.union([
  bearerCredentialsSchema,
  oauthCredentialsSchema,
  basicCredentialsSchema,
  apiKeyCredentialsSchema,
]);
export type RestCredentials = z.infer<typeof restCredentialsSchema>;
