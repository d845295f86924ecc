import { describe, expect, it } from 'vitest';
import { createRedactor } from '../http/index.js';
import { classifyFault, classifySoapError, faultOf } from './soap-faults.js';

const envelope = (fault: unknown) => ({ root: { Envelope: { Body: { Fault: fault } } } });
const redact = createRedactor(['s3cret-pass']);
const context = { operation: 'GetUser', rules: [], redact, timedOut: false };

describe('SOAP faults', () => {
  it('reads SOAP 1.2 codes innermost first and maps the standard ones', () => {
    const fault = faultOf(
      envelope({
        Code: {
          Value: 'soap:Sender',
          Subcode: { Value: 'app:Validation', Subcode: { Value: 'app:TooLong' } },
        },
        Reason: { Text: { $value: 'name too long', attributes: { 'xml:lang': 'en' } } },
      }),
    )!;
    expect(fault.codes).toEqual(['app:TooLong', 'app:Validation', 'soap:Sender']);
    expect(fault.message).toBe('name too long');
    expect(classifyFault(fault, [])).toBe('schema_violation');
    expect(classifyFault(fault, [{ code: 'Validation', error: 'already_exists' }])).toBe('already_exists');
    expect(classifyFault({ codes: ['env:Receiver'], message: '' }, [])).toBe('unavailable');
    expect(classifyFault({ codes: ['wsse:InvalidSecurityToken'], message: '' }, [])).toBe(
      'invalid_credentials',
    );
    expect(classifyFault({ codes: ['soap:VersionMismatch'], message: '' }, [])).toBe('invalid_response');
  });

  it('turns the package’s errors into the taxonomy without the secrets or the request', () => {
    const error = classifySoapError(
      {
        ...envelope({ faultcode: 'soap:Server', faultstring: 'bad s3cret-pass' }),
        config: { data: 's3cret-pass' },
      },
      context,
    );
    expect(error).toMatchObject({ code: 'unavailable', targetCode: 'soap:Server' });
    expect(error.cause).toBeUndefined();
    expect(error.message).not.toContain('s3cret-pass');
    expect(
      classifySoapError({ name: 'CanceledError', code: 'ERR_CANCELED' }, { ...context, timedOut: true })
        .message,
    ).toContain('timeouts.requestMs');
    expect(
      classifySoapError({ response: { status: 429, headers: { 'retry-after': '3' } }, body: '' }, context),
    ).toMatchObject({ code: 'throttled', retryAfterMs: 3000 });
    expect(
      classifySoapError(
        { Fault: { faultcode: 500, faultstring: 'Invalid XML' }, response: { status: 200 } },
        context,
      ).code,
    ).toBe('invalid_response');
    expect(
      classifySoapError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), context)
        .code,
    ).toBe('unavailable');
    expect(classifySoapError(new TypeError('x is undefined'), context).code).toBe('connector_failure');
  });
});
