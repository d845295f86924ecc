/**
 * Test connection: the configured probe, or the first page (one object) of the first list
 * operation. A failure keeps its code and says what was sent and what the API answered, in the
 * API's own words when its error body has them.
 */
import { ConnectorError, classifyError } from '../spi/index.js';
import type { RestContext } from './rest-context.js';
import { listPage } from './rest-pagination.js';
import { UrlTemplate } from './url-template.js';

export async function testRestConnection(context: RestContext, signal: AbortSignal): Promise<void> {
  const probe = context.settings.probe;
  try {
    if (probe !== undefined) {
      const expanded = new UrlTemplate(probe.url).expand({ context: {}, attributes: {} });
      if (!expanded.ok)
        throw new ConnectorError(
          'schema_violation',
          `probe.url needs {${expanded.missing}}, which test connection has no value for`,
        );
      await context.client.send({ method: probe.method, target: expanded.text, signal });
      return;
    }
    const [typeName, type] = Object.entries(context.types).find(([, t]) => t.list !== undefined)!;
    await listPage(context, type, { objectType: typeName as 'User' | 'Group', pageSize: 1 }, signal);
  } catch (thrown) {
    const error = classifyError(thrown);
    const said = error.detail === undefined ? '' : `; the API said: ${error.detail}`;
    throw new ConnectorError(error.code, `test connection failed: ${error.message}${said}`, {
      cause: error,
      ...(error.detail !== undefined ? { detail: error.detail } : {}),
      ...(error.targetCode !== undefined ? { targetCode: error.targetCode } : {}),
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    });
  }
}
