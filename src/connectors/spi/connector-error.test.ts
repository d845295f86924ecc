import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../scim/scim-error.js';
import {
  CONNECTOR_ERROR_CODES,
  CONNECTOR_ERROR_RETRYABLE,
  ConnectorError,
  classifyError,
  classifyHttpStatus,
  parseRetryAfter,
} from './connector-error.js';

describe('ConnectorError', () => {
  it('says whether a retry can help, by code', () => {
    const retryable = CONNECTOR_ERROR_CODES.filter((code) => new ConnectorError(code, 'x').retryable);
    expect(retryable).toEqual(['throttled', 'unavailable', 'timeout']);
  });

  it('keeps retryAfterMs only for throttled, rounded up, and never negative', () => {
    expect(new ConnectorError('throttled', 'x', { retryAfterMs: 1500.2 }).retryAfterMs).toBe(1501);
    expect(new ConnectorError('throttled', 'x', { retryAfterMs: -5 }).retryAfterMs).toBeUndefined();
    expect(new ConnectorError('unavailable', 'x', { retryAfterMs: 100 }).retryAfterMs).toBeUndefined();
  });

  it('refuses a code outside the taxonomy', () => {
    expect(() => new ConnectorError('teapot' as never, 'x')).toThrow(/Unknown connector error code 'teapot'/);
  });

  it('serialises to data with the target detail', () => {
    const error = new ConnectorError('throttled', 'Slow down', {
      retryAfterMs: 2000,
      detail: 'quota',
      targetCode: 429,
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'throttled',
      message: 'Slow down',
      retryable: true,
      retryAfterMs: 2000,
      detail: 'quota',
      targetCode: 429,
    });
  });
});

describe('classifyError', () => {
  it('returns a ConnectorError as it is', () => {
    const error = new ConnectorError('not_found', 'gone');
    expect(classifyError(error)).toBe(error);
  });

  it('accepts an error-like object with a taxonomy code (a module built against another copy)', () => {
    const thrown = Object.assign(new Error('busy'), { code: 'throttled', retryAfterMs: 300, detail: 'd' });
    const error = classifyError(thrown);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({
      code: 'throttled',
      message: 'busy',
      retryAfterMs: 300,
      detail: 'd',
      retryable: true,
    });
    expect(error.cause).toBe(thrown);
  });

  it('maps a ScimError by its status', () => {
    expect(classifyError(ScimError.notFound('no user')).code).toBe('not_found');
    expect(classifyError(ScimError.invalidValue('bad')).code).toBe('schema_violation');
    expect(classifyError(new ScimError({ status: 409, scimType: 'uniqueness' }, 'dup')).code).toBe(
      'already_exists',
    );
    expect(classifyError(new ScimError({ status: 503 }, 'down')).code).toBe('unavailable');
  });

  it('turns aborts and socket errors into timeout and unavailable', () => {
    expect(classifyError(new DOMException('x', 'AbortError')).code).toBe('timeout');
    expect(classifyError(new DOMException('x', 'TimeoutError')).code).toBe('timeout');
    expect(classifyError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toMatchObject({
      code: 'unavailable',
      targetCode: 'ECONNREFUSED',
    });
    expect(classifyError(Object.assign(new Error('slow'), { code: 'ETIMEDOUT' })).code).toBe('timeout');
  });

  it("turns a connector's own bug into connector_failure, naming it", () => {
    const error = classifyError(new TypeError("Cannot read properties of undefined (reading 'id')"));
    expect(error.code).toBe('connector_failure');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/TypeError: Cannot read properties/);
    expect(classifyError('oops').message).toMatch(/non-error: "oops"/);
    expect(classifyError(undefined).message).toMatch(/non-error: undefined/);
  });

  it('never throws, whatever was thrown, and always answers a code of the taxonomy', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(classifyError(circular).code).toBe('connector_failure');
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true }), (thrown) => {
        const error = classifyError(thrown);
        expect(error).toBeInstanceOf(ConnectorError);
        expect(error.retryable).toBe(CONNECTOR_ERROR_RETRYABLE[error.code]);
      }),
    );
  });
});

describe('classifyHttpStatus', () => {
  it.each([
    [400, 'schema_violation'],
    [401, 'invalid_credentials'],
    [403, 'permission_denied'],
    [404, 'not_found'],
    [408, 'timeout'],
    [409, 'already_exists'],
    [410, 'not_found'],
    [422, 'schema_violation'],
    [429, 'throttled'],
    [500, 'unavailable'],
    [502, 'unavailable'],
    [503, 'unavailable'],
    [504, 'timeout'],
    [418, 'invalid_response'],
  ] as const)('HTTP %i is %s', (status, code) => {
    const error = classifyHttpStatus(status, { detail: 'body' });
    expect(error.code).toBe(code);
    expect(error.targetCode).toBe(status);
    expect(error.detail).toBe('body');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(classifyHttpStatus(429, { retryAfter: '7' }).retryAfterMs).toBe(7000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(classifyHttpStatus(429, { retryAfter: 'Thu, 01 Jan 2026 00:00:30 GMT', now }).retryAfterMs).toBe(
      30_000,
    );
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
  });
});
