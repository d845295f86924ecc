import {
  AlreadyExistsError,
  BusyError,
  ConstraintViolationError,
  InsufficientAccessError,
  InvalidCredentialsError,
  NoSuchObjectError,
  ObjectClassViolationError,
  UnavailableError,
} from 'ldapts';
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../spi/index.js';
import { isConnectionFailure, ldapError } from './ldap-errors.js';

describe('LDAP errors onto the taxonomy', () => {
  it.each([
    [new NoSuchObjectError('gone'), 'not_found', 32],
    [new AlreadyExistsError('taken'), 'already_exists', 68],
    [new InvalidCredentialsError('no'), 'invalid_credentials', 49],
    [new InsufficientAccessError('denied'), 'permission_denied', 50],
    [new ObjectClassViolationError('needs sn'), 'schema_violation', 65],
    [new ConstraintViolationError('too long'), 'schema_violation', 19],
    [new BusyError('busy'), 'unavailable', 51],
    [new UnavailableError('down'), 'unavailable', 52],
  ])('%s -> %s', (thrown, code, resultCode) => {
    const error = ldapError(thrown, 'update uid=a,dc=x');
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.code).toBe(code);
    expect(error.targetCode).toBe(resultCode);
    expect(error.message).toContain('update uid=a,dc=x');
    expect(error.message).toContain(`LDAP result ${resultCode}`);
    expect(error.retryable).toBe(code === 'unavailable');
  });

  it('keeps the server diagnostic as detail', () => {
    expect(
      ldapError(new ObjectClassViolationError('object class inetOrgPerson requires attribute sn'), 'x')
        .detail,
    ).toBe('object class inetOrgPerson requires attribute sn');
  });

  it('a dropped connection or a refused one is unavailable, a slow answer a timeout', () => {
    const closed = new Error(
      'Connection closed before message response was received. Message type: SearchRequest (0x63)',
    );
    expect(ldapError(closed, 'get').code).toBe('unavailable');
    expect(isConnectionFailure(closed)).toBe(true);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(ldapError(refused, 'get').code).toBe('unavailable');
    expect(ldapError(new Error('SearchRequest: Operation timed out'), 'get').code).toBe('timeout');
    expect(isConnectionFailure(new NoSuchObjectError('x'))).toBe(false);
  });

  it('a bug stays a connector_failure', () => {
    expect(ldapError(new TypeError('x is undefined'), 'get').code).toBe('connector_failure');
  });
});
