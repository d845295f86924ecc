/**
 * The one error type of the SCIM core (RFC 7644 §3.12). Nothing in src/scim throws anything else.
 *
 * Only valid status / scimType pairs can be built: every scimType is a 400 detail, except that
 * `uniqueness` also goes with 409 (§3.3) and `tooMany` with 413 for oversized bulk requests (§3.7.4).
 */

/** RFC 7644 §3.12, Table 9. */
export const ScimType = {
  invalidFilter: 'invalidFilter',
  tooMany: 'tooMany',
  uniqueness: 'uniqueness',
  mutability: 'mutability',
  invalidSyntax: 'invalidSyntax',
  invalidPath: 'invalidPath',
  noTarget: 'noTarget',
  invalidValue: 'invalidValue',
  invalidVers: 'invalidVers',
  sensitive: 'sensitive',
} as const;
export type ScimType = (typeof ScimType)[keyof typeof ScimType];

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** Statuses that carry no scimType. */
export type PlainErrorStatus = 304 | 400 | 401 | 403 | 404 | 405 | 406 | 412 | 413 | 415 | 500 | 501 | 503;

/** The allowed combinations; the constructor takes nothing else. */
export type ScimErrorShape =
  | { status: PlainErrorStatus; scimType?: undefined }
  | { status: 400; scimType: ScimType }
  | { status: 409; scimType: 'uniqueness' }
  | { status: 409; scimType?: undefined }
  | { status: 413; scimType: 'tooMany' };

/** Body of an error response, RFC 7644 §3.12. `status` is a string there. */
export interface ScimErrorBody {
  schemas: [typeof SCIM_ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail?: string;
}

export class ScimError extends Error {
  readonly status: ScimErrorShape['status'];
  readonly scimType: ScimType | undefined;
  readonly detail: string;

  constructor(shape: ScimErrorShape, detail: string) {
    super(detail);
    this.name = 'ScimError';
    this.status = shape.status;
    this.scimType = shape.scimType;
    this.detail = detail;
  }

  /** 400 with a scimType: the common case for bad requests. */
  static badRequest(scimType: ScimType, detail: string): ScimError {
    return new ScimError({ status: 400, scimType }, detail);
  }
  static invalidFilter(detail: string): ScimError {
    return ScimError.badRequest('invalidFilter', detail);
  }
  static invalidSyntax(detail: string): ScimError {
    return ScimError.badRequest('invalidSyntax', detail);
  }
  static invalidPath(detail: string): ScimError {
    return ScimError.badRequest('invalidPath', detail);
  }
  static invalidValue(detail: string): ScimError {
    return ScimError.badRequest('invalidValue', detail);
  }
  static noTarget(detail: string): ScimError {
    return ScimError.badRequest('noTarget', detail);
  }
  static mutability(detail: string): ScimError {
    return ScimError.badRequest('mutability', detail);
  }
  static notFound(detail: string): ScimError {
    return new ScimError({ status: 404 }, detail);
  }
  /** 409 uniqueness (RFC 7644 §3.3). */
  static uniqueness(detail: string): ScimError {
    return new ScimError({ status: 409, scimType: 'uniqueness' }, detail);
  }
  /** 409 without scimType: a version conflict the client can retry. */
  static conflict(detail: string): ScimError {
    return new ScimError({ status: 409 }, detail);
  }
  /** 413 tooMany (RFC 7644 §3.7.4): bulk operations or payload over the advertised limits. */
  static tooMany(detail: string): ScimError {
    return new ScimError({ status: 413, scimType: 'tooMany' }, detail);
  }
  static preconditionFailed(detail: string): ScimError {
    return new ScimError({ status: 412 }, detail);
  }
  static unauthorized(detail: string): ScimError {
    return new ScimError({ status: 401 }, detail);
  }
  static forbidden(detail: string): ScimError {
    return new ScimError({ status: 403 }, detail);
  }
  static notImplemented(detail: string): ScimError {
    return new ScimError({ status: 501 }, detail);
  }
  static internal(detail: string): ScimError {
    return new ScimError({ status: 500 }, detail);
  }

  /** The RFC 7644 §3.12 JSON body. */
  toBody(): ScimErrorBody {
    return buildErrorBody(this.status, this.detail, this.scimType);
  }
}

/**
 * The RFC 7644 §3.12 body for any HTTP status, `status` written as a string. For errors outside the
 * SCIM catalogue (a server's 405 or 415, a bulk operation's 424); a ScimError uses toBody().
 */
export function buildErrorBody(status: number, detail: string, scimType?: ScimType): ScimErrorBody {
  const body: ScimErrorBody = { schemas: [SCIM_ERROR_SCHEMA], status: String(status) };
  if (scimType !== undefined) body.scimType = scimType;
  body.detail = detail;
  return body;
}

/** Narrowing helper for catch blocks. */
export function isScimError(error: unknown): error is ScimError {
  return error instanceof ScimError;
}
