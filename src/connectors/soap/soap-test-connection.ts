/**
 * Test connection: the WSDL is read again (not taken from a cache), every operation the settings
 * bind must be in it, and a missing one is reported by name with the setting that names it and the
 * closest operation the WSDL has. When a `get` is configured, one is then sent for an id no object
 * has, so that a refused WS-Security token shows here rather than at the first cycle: any answer
 * but a refusal, an outage or a broken answer means the service took the request.
 */
import { randomUUID } from 'node:crypto';
import { didYouMean } from '../../shared/did-you-mean.js';
import { ConnectorError } from '../spi/index.js';
import type { SoapOperations } from './soap-operations.js';

const OPERATION_KEYS = [
  'create',
  'get',
  'find',
  'list',
  'update',
  'delete',
  'setEnabled',
  'addMembers',
  'removeMembers',
] as const;

const PROBE_FAILURES = new Set([
  'invalid_credentials',
  'permission_denied',
  'unavailable',
  'timeout',
  'invalid_response',
]);

export async function testSoapConnection(operations: SoapOperations, signal: AbortSignal): Promise<void> {
  const { settings, service } = operations;
  const offered = await service.operations(signal, true);
  const missing: string[] = [];
  for (const type of ['User', 'Group'] as const) {
    const object = settings.objects[type];
    if (object === undefined) continue;
    for (const key of OPERATION_KEYS) {
      const name = object[key]?.operation;
      if (name === undefined || offered.has(name)) continue;
      const near = didYouMean(name, offered);
      missing.push(
        `${name} (settings.objects.${type}.${key}.operation)${near === undefined ? '' : `; did you mean ${near}?`}`,
      );
    }
  }
  if (missing.length > 0) {
    throw new ConnectorError(
      'invalid_response',
      `The WSDL at ${settings.wsdlUrl} has no operation ${missing.join(', no operation ')}. It has: ${[...offered].sort().join(', ')}`,
    );
  }
  const probeType = (['User', 'Group'] as const).find((type) => settings.objects[type]?.get !== undefined);
  if (probeType === undefined) return;
  try {
    await operations.get({ objectType: probeType, ref: { id: `provisio-test-${randomUUID()}` } }, signal);
  } catch (error) {
    if (error instanceof ConnectorError && PROBE_FAILURES.has(error.code)) {
      throw new ConnectorError(error.code, `The test call to the service failed: ${error.message}`, {
        ...(error.detail === undefined ? {} : { detail: error.detail }),
        ...(error.targetCode === undefined ? {} : { targetCode: error.targetCode }),
      });
    }
  }
}
