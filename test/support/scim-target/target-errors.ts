/** SCIM error answers of the test target (RFC 7644 §3.12). */
export class TargetError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: string | undefined,
    detail: string,
  ) {
    super(detail);
  }

  body() {
    return {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: String(this.status),
      ...(this.scimType !== undefined ? { scimType: this.scimType } : {}),
      detail: this.message,
    };
  }
}

export const invalidValue = (detail: string) => new TargetError(400, 'invalidValue', detail);
export const invalidSyntax = (detail: string) => new TargetError(400, 'invalidSyntax', detail);
export const invalidFilter = (detail: string) => new TargetError(400, 'invalidFilter', detail);
export const noTarget = (detail: string) => new TargetError(400, 'noTarget', detail);
export const uniqueness = (detail: string) => new TargetError(409, 'uniqueness', detail);
export const notFound = (detail: string) => new TargetError(404, undefined, detail);
