/**
 * The connector's `testConnection` before a cycle, as Entra tests an app's connection before it
 * provisions: a target that cannot be reached or refuses the credentials fails the cycle at once,
 * in the connector's own words, and counts towards quarantine, instead of failing (and escrowing)
 * every object in turn.
 *
 * When: before the first cycle this process runs with an opened connector (a `provisio sync`, the
 * first cycle of `serve` for an app, the first after its definition or credentials changed, since
 * those open a new connector), and before every cycle of a quarantined app (the retry that may lift
 * the quarantine). A passed test is not repeated for each cycle: near-real-time cycles come within
 * a second of each other, and a target that fails meanwhile shows in the cycle's own calls.
 */
import type { Connector } from '../../connectors/spi/connector.js';
import type { ConnectorError } from '../../connectors/spi/connector-error.js';
import { CallFailure, CallStats, type TargetCalls } from './executor.js';

/** The connectors that passed their test in this process. */
export class ConnectionChecks {
  // Weak: a connector closed and dropped with its app's old version takes its entry with it.
  readonly #passed = new WeakSet<Connector>();

  /** Whether a cycle with this connector tests the connection first. */
  due(connector: Connector, quarantined: boolean): boolean {
    return quarantined || !this.#passed.has(connector);
  }

  passed(connector: Connector): void {
    this.#passed.add(connector);
  }

  /** After a quarantine: the next cycle tests again, whatever lifted the quarantine meanwhile. */
  forget(connector: Connector): void {
    this.#passed.delete(connector);
  }
}

/**
 * Runs `testConnection` through the cycle's calls (the app's scheduler and retry policy: a
 * throttled or briefly unavailable target is retried like any call). It is not counted in the
 * cycle's statistics: those judge the cycle's own work, and one passed test must not outweigh
 * every object failing (nor lift a quarantine by itself when objects fail). Undefined when it
 * passed, else the classified error.
 */
export async function testTargetConnection(calls: TargetCalls): Promise<ConnectorError | undefined> {
  const own = calls.withStats(new CallStats());
  try {
    await own.call(() => own.connector.testConnection(own.abortSignal));
    return undefined;
  } catch (failure) {
    if (failure instanceof CallFailure) return failure.error;
    throw failure;
  }
}

/** The quarantine reason for a failed test: the connector's message and the target's words. */
export function connectionFailureReason(error: ConnectorError): string {
  const detail = error.detail === undefined || error.detail === '' ? '' : ` (target: ${error.detail})`;
  return `test connection failed: ${error.code}: ${error.message}${detail}`;
}
