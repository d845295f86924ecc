/**
 * Test connection: the configured probe, or the first page (one object) of the first list
 * operation. A failure keeps its code and says what was sent and what the API answered, in the
 * API's own words when its error body has them.
 */
import { ConnectorError, classifyError } from '../spi/index.js';
import type { RestContext } from './rest-context.js';
import { listPage } from './rest-pagination.js';

export async function testRestConnection(context: RestContext, signal: AbortSignal): Promise<void> {
  const { probe } = context;
  try {
    if (probe !== undefined) {
      await context.client.send(probe.request({ context: {}, attributes: {} }, signal));
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
