/**
 * LDAP result codes (RFC 4511 §4.1.9 and Appendix A) and ldapts's connection failures, mapped onto
 * the connector error taxonomy. The server's diagnostic message goes into `detail` and the numeric
 * code into `targetCode`, for the provisioning log.
 */
import { ResultCodeError } from 'ldapts';
import { ConnectorError, classifyError, type ConnectorErrorCode } from '../spi/index.js';

/** The result codes the connector looks at by number. */
export const LdapResultCode = {
  timeLimitExceeded: 3,
  noSuchAttribute: 16,
  undefinedAttributeType: 17,
  constraintViolation: 19,
  attributeOrValueExists: 20,
  invalidAttributeSyntax: 21,
  noSuchObject: 32,
  invalidDNSyntax: 34,
  inappropriateAuthentication: 48,
  invalidCredentials: 49,
  insufficientAccessRights: 50,
  busy: 51,
  unavailable: 52,
  unwillingToPerform: 53,
  namingViolation: 64,
  objectClassViolation: 65,
  notAllowedOnNonLeaf: 66,
  notAllowedOnRDN: 67,
  entryAlreadyExists: 68,
  objectClassModsProhibited: 69,
  assertionFailed: 122,
} as const;

const BY_CODE: Record<number, [ConnectorErrorCode, string]> = {
  1: ['unavailable', 'The server reported an operations error'],
  3: ['timeout', 'The server ran out of time for the operation'],
  7: ['schema_violation', 'The server does not support this authentication method'],
  8: ['permission_denied', 'The server requires stronger authentication'],
  11: ['throttled', 'The server refused: an administrative limit was exceeded'],
  13: ['permission_denied', 'The server requires a confidential (TLS) connection'],
  16: ['schema_violation', 'The entry has no such attribute or value'],
  17: ['schema_violation', 'The server does not know the attribute type'],
  18: ['schema_violation', 'The attribute does not support this match'],
  19: ['schema_violation', 'The server refused the values (constraint violation)'],
  20: ['schema_violation', 'The attribute already holds the value'],
  21: ['schema_violation', 'A value has the wrong syntax for its attribute'],
  32: ['not_found', 'The server has no such entry'],
  34: ['schema_violation', 'The DN is not valid'],
  48: ['invalid_credentials', 'The server refused the authentication'],
  49: ['invalid_credentials', 'The server refused the bind DN or password'],
  50: ['permission_denied', 'The bind DN may not do this'],
  51: ['unavailable', 'The server is busy'],
  52: ['unavailable', 'The server is unavailable'],
  53: ['schema_violation', 'The server is unwilling to perform the operation'],
  54: ['unavailable', 'The server detected a loop'],
  64: ['schema_violation', 'The DN breaks the naming rules'],
  65: ['schema_violation', 'The entry breaks its object classes (objectClassViolation)'],
  66: ['schema_violation', 'The entry has children'],
  67: ['schema_violation', 'The change would remove the value that names the entry'],
  68: ['already_exists', 'The server already holds an entry with this DN'],
  69: ['schema_violation', 'The object classes of the entry may not change'],
  71: ['schema_violation', 'The operation would affect several servers'],
  80: ['unavailable', 'The server failed with an unknown error'],
  122: ['not_found', 'The entry at this DN is not the object expected'],
};

/** The LDAP result code of something ldapts threw, if it is a result. */
export function resultCodeOf(error: unknown): number | undefined {
  return error instanceof ResultCodeError ? error.code : undefined;
}

// ldapts reports a lost or unusable connection with plain Errors; these are their messages.
const CONNECTION_LOST =
  /Connection closed before message response|Socket error|Socket connection not established|Connection timeout|ECONNRESET|EPIPE/;
const OPERATION_TIMEOUT = /Operation timed out/;

/** True when the failure says the connection is gone, so a fresh one may succeed. */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof ResultCodeError || error instanceof ConnectorError) return false;
  const classified = classifyError(error);
  if (classified.code === 'unavailable' || classified.code === 'timeout') return true;
  return error instanceof Error && CONNECTION_LOST.test(error.message);
}

/** Turns anything an LDAP call threw into a `ConnectorError`; `what` says which operation on which entry. */
export function ldapError(error: unknown, what: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (error instanceof ResultCodeError) {
    const [code, text] = BY_CODE[error.code] ?? ['schema_violation', 'The server refused the operation'];
    return new ConnectorError(code, `${what}: ${text} (LDAP result ${error.code})`, {
      detail: error.message.replace(/ Code: 0x[0-9a-f]+$/, ''),
      targetCode: error.code,
      cause: error,
    });
  }
  if (error instanceof Error) {
    if (OPERATION_TIMEOUT.test(error.message)) {
      return new ConnectorError('timeout', `${what}: the server did not answer in time`, { cause: error });
    }
    if (CONNECTION_LOST.test(error.message)) {
      return new ConnectorError('unavailable', `${what}: the connection to the server was lost`, {
        detail: error.message,
        cause: error,
      });
    }
    if (
      /certificate|self.signed|TLS|SSL|alert/i.test(error.message) ||
      /^ERR_TLS|CERT|SSL/.test(String((error as { code?: unknown }).code ?? ''))
    ) {
      return new ConnectorError('unavailable', `${what}: the TLS connection could not be established`, {
        detail: error.message,
        cause: error,
      });
    }
  }
  const classified = classifyError(error);
  if (classified.code === 'connector_failure') return classified;
  return new ConnectorError(classified.code, `${what}: ${classified.message}`, {
    cause: error,
    ...(classified.detail !== undefined ? { detail: classified.detail } : {}),
    ...(classified.targetCode !== undefined ? { targetCode: classified.targetCode } : {}),
  });
}
