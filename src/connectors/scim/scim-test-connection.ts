/**
 * Test connection as Entra does it: a filter for a random value on the matching attribute, which
 * a working SCIM service answers with an empty ListResponse. Each way it can fail is reported in
 * words an administrator can act on: unreachable, TLS, credentials, not SCIM, filter unsupported.
 */
import { randomUUID } from 'node:crypto';
import { ConnectorError, classifyError } from '../spi/index.js';
import { listOf } from './scim-answers.js';
import type { ScimContext } from './scim-context.js';
import { equalityFilter } from './scim-filters.js';

function reword(error: ConnectorError, message: string): ConnectorError {
  return new ConnectorError(error.code, message, {
    cause: error,
    ...(error.detail !== undefined ? { detail: error.detail } : {}),
    ...(error.targetCode !== undefined ? { targetCode: error.targetCode } : {}),
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
  });
}

/** What went wrong, in words, for each way the probe can fail. */
function explain(error: ConnectorError, url: string, attribute: string): ConnectorError {
  const status = typeof error.targetCode === 'number' ? error.targetCode : undefined;
  switch (error.code) {
    case 'unavailable':
      if (/TLS/u.test(error.message)) {
        return reword(
          error,
          `The TLS handshake with ${url} failed (${String(error.targetCode ?? 'TLS error')}): the certificate is not trusted or does not name the host. Set tls.ca to the CA that signed it, or check tls.cert / tls.key.`,
        );
      }
      if (status !== undefined)
        return reword(error, `${url} answered HTTP ${status}: the target is failing or down.`);
      return reword(
        error,
        `Cannot reach the SCIM target at ${url}: ${error.message}. Check baseUrl and that the service is up.`,
      );
    case 'timeout':
      return reword(
        error,
        `The SCIM target at ${url} did not answer in time. Check baseUrl, the network, or raise timeouts.requestMs.`,
      );
    case 'throttled':
      return reword(
        error,
        `The SCIM target at ${url} asks to slow down (HTTP ${status ?? 429}); try again later.`,
      );
    case 'invalid_credentials':
      return reword(
        error,
        `The target refused the credentials (HTTP 401): check the token, the basic password or the OAuth client.`,
      );
    case 'permission_denied':
      return reword(
        error,
        `The credentials were accepted but may not read ${url} (HTTP 403): grant the client read access to users.`,
      );
    case 'not_found':
      return reword(
        error,
        `${url} answered HTTP 404: this is not a SCIM Users endpoint. Check baseUrl and usersPath.`,
      );
    case 'schema_violation':
      return reword(
        error,
        `The target refused a filter on ${attribute} (HTTP ${status ?? 400}): it does not support filtering by ${attribute}. List the attributes it filters on in deviations.filterAttributes.`,
      );
    case 'invalid_response':
      return reword(error, `${url} does not answer like a SCIM service: ${error.message}`);
    default:
      return reword(error, `Test connection to ${url} failed: ${error.message}`);
  }
}

export async function testScimConnection(context: ScimContext, signal: AbortSignal): Promise<void> {
  const type = context.endpoints.User !== '' ? 'User' : 'Group';
  const attribute =
    context.behaviour.filterAttributes[type]?.[0] ?? (type === 'User' ? 'userName' : 'displayName');
  const path = context.endpoints[type];
  const url = context.client.url(path).toString();
  const filter = equalityFilter(attribute, `provisio-test-${randomUUID()}`, context.behaviour);
  let list;
  try {
    const answer = await context.client.send({ method: 'GET', path, query: { filter }, signal });
    list = listOf(`GET ${path}?filter`, answer, context.redact);
  } catch (error) {
    throw explain(classifyError(error), url, attribute);
  }
  if (list.totalResults !== 0 || list.resources.length !== 0) {
    throw new ConnectorError(
      'schema_violation',
      `The target answered ${list.totalResults} resources for a filter on a random ${attribute}: it ignores filters on ${attribute}, so accounts cannot be matched. List the attributes it filters on in deviations.filterAttributes.`,
    );
  }
}
