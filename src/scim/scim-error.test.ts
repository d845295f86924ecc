import { describe, expect, it } from 'vitest';
import { buildErrorBody, isScimError, SCIM_ERROR_SCHEMA, ScimError, ScimType } from './scim-error.js';

describe('ScimError factories', () => {
  it.each<[string, () => ScimError, number, string | undefined]>([
    ['invalidFilter', () => ScimError.invalidFilter('d'), 400, 'invalidFilter'],
    ['invalidSyntax', () => ScimError.invalidSyntax('d'), 400, 'invalidSyntax'],
    ['invalidPath', () => ScimError.invalidPath('d'), 400, 'invalidPath'],
    ['invalidValue', () => ScimError.invalidValue('d'), 400, 'invalidValue'],
    ['noTarget', () => ScimError.noTarget('d'), 400, 'noTarget'],
    ['mutability', () => ScimError.mutability('d'), 400, 'mutability'],
    ['badRequest(invalidVers)', () => ScimError.badRequest('invalidVers', 'd'), 400, 'invalidVers'],
    ['badRequest(sensitive)', () => ScimError.badRequest('sensitive', 'd'), 400, 'sensitive'],
    ['notFound', () => ScimError.notFound('d'), 404, undefined],
    ['uniqueness', () => ScimError.uniqueness('d'), 409, 'uniqueness'],
    ['conflict', () => ScimError.conflict('d'), 409, undefined],
    ['tooMany', () => ScimError.tooMany('d'), 413, 'tooMany'],
    ['preconditionFailed', () => ScimError.preconditionFailed('d'), 412, undefined],
    ['unauthorized', () => ScimError.unauthorized('d'), 401, undefined],
    ['forbidden', () => ScimError.forbidden('d'), 403, undefined],
    ['notImplemented', () => ScimError.notImplemented('d'), 501, undefined],
    ['internal', () => ScimError.internal('d'), 500, undefined],
  ])('%s has the right status and scimType', (_name, make, status, scimType) => {
    const error = make();
    expect(error).toBeInstanceOf(ScimError);
    expect(error).toBeInstanceOf(Error);
    expect([error.status, error.scimType, error.detail, error.message, error.name]).toEqual([
      status,
      scimType,
      'd',
      'd',
      'ScimError',
    ]);
    expect(isScimError(error)).toBe(true);
  });

  it('covers every scimType of RFC 7644 §3.12 Table 9', () => {
    expect(Object.values(ScimType).sort()).toEqual(
      [
        'invalidFilter',
        'tooMany',
        'uniqueness',
        'mutability',
        'invalidSyntax',
        'invalidPath',
        'noTarget',
        'invalidValue',
        'invalidVers',
        'sensitive',
      ].sort(),
    );
  });

  it('isScimError rejects other errors and values', () => {
    for (const value of [new Error('x'), { status: 400 }, null, 'ScimError'])
      expect(isScimError(value)).toBe(false);
  });
});

describe('buildErrorBody', () => {
  it('builds the §3.12 body for statuses outside the ScimError catalogue', () => {
    expect(buildErrorBody(405, 'method not allowed')).toStrictEqual({
      schemas: [SCIM_ERROR_SCHEMA],
      status: '405',
      detail: 'method not allowed',
    });
    expect(buildErrorBody(400, 'bad', 'invalidPath')).toStrictEqual(ScimError.invalidPath('bad').toBody());
  });
});

describe('ScimError.toBody (RFC 7644 §3.12)', () => {
  it('serialises a 400 with scimType exactly like the RFC example', () => {
    const body = ScimError.mutability("Attribute 'id' is readOnly").toBody();
    expect(body).toStrictEqual({
      schemas: [SCIM_ERROR_SCHEMA],
      status: '400',
      scimType: 'mutability',
      detail: "Attribute 'id' is readOnly",
    });
    expect(JSON.parse(JSON.stringify(body))).toStrictEqual(body);
  });

  it('omits scimType when there is none, and the status is a string', () => {
    const body = ScimError.notFound('Resource 2819c223-7f76-453a-919d-413861904646 not found').toBody();
    expect(body).toStrictEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
      detail: 'Resource 2819c223-7f76-453a-919d-413861904646 not found',
    });
    expect(Object.keys(body)).not.toContain('scimType');
    expect(typeof body.status).toBe('string');
  });

  it('413 tooMany and 409 uniqueness carry their scimType', () => {
    expect(ScimError.tooMany('x').toBody()).toMatchObject({ status: '413', scimType: 'tooMany' });
    expect(ScimError.uniqueness('x').toBody()).toMatchObject({ status: '409', scimType: 'uniqueness' });
  });

  it('only valid status/scimType pairs compile', () => {
    // @ts-expect-error a 404 carries no scimType
    void new ScimError({ status: 404, scimType: 'invalidValue' }, 'x');
    // @ts-expect-error 409 only goes with uniqueness
    void new ScimError({ status: 409, scimType: 'mutability' }, 'x');
    // @ts-expect-error 413 only goes with tooMany
    void new ScimError({ status: 413, scimType: 'invalidFilter' }, 'x');
    expect(new ScimError({ status: 400, scimType: 'noTarget' }, 'x').toBody().scimType).toBe('noTarget');
  });
});
