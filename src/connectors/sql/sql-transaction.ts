/**
 * Running work against the database: every error leaves as a `ConnectorError`, each object's
 * change runs in one transaction, and a transaction that failed on a deadlock or serialisation
 * failure runs again (it was rolled back whole, so running it again is safe) after a short,
 * jittered, growing pause.
 */
import type { ControlledTransaction } from 'kysely';
import { classifyError, ConnectorError } from '../spi/index.js';
import type { SqlEngine } from './sql-engine.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Trx = ControlledTransaction<any>;

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
}

/** Whatever the driver or our code threw, in the taxonomy. */
export function toConnectorError(engine: SqlEngine, error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  return engine.classify(error) ?? classifyError(error);
}

/** Runs a read (or a single statement) and maps its errors. */
export async function runQuery<T>(
  engine: SqlEngine,
  signal: AbortSignal,
  work: () => Promise<T>,
): Promise<T> {
  signal.throwIfAborted();
  try {
    return await work();
  } catch (error) {
    throw toConnectorError(engine, error);
  }
}

/** Runs `work` in a transaction, committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(
  engine: SqlEngine,
  retry: RetryPolicy,
  signal: AbortSignal,
  work: (trx: Trx) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted();
    let trx: Trx | undefined;
    try {
      trx = await engine.db.startTransaction().execute();
      const result = await work(trx);
      // An abort while the work ran rolls it back rather than committing what the caller gave up on.
      signal.throwIfAborted();
      await trx.commit().execute();
      return result;
    } catch (error) {
      if (trx !== undefined && !trx.isCommitted && !trx.isRolledBack) {
        await trx
          .rollback()
          .execute()
          .catch(() => undefined);
      }
      if (attempt < retry.attempts && !signal.aborted && engine.isTransient(error)) {
        await pause(retry.baseDelayMs * 2 ** (attempt - 1));
        continue;
      }
      throw toConnectorError(engine, error);
    }
  }
}

/**
 * Runs one writing statement on its own: a single statement is atomic without BEGIN and COMMIT
 * around it, which would triple its round trips. Retried like a transaction.
 */
export async function inStatement<T>(
  engine: SqlEngine,
  retry: RetryPolicy,
  signal: AbortSignal,
  work: (db: SqlEngine['db']) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted();
    try {
      return await work(engine.db);
    } catch (error) {
      if (attempt < retry.attempts && !signal.aborted && engine.isTransient(error)) {
        await pause(retry.baseDelayMs * 2 ** (attempt - 1));
        continue;
      }
      throw toConnectorError(engine, error);
    }
  }
}

/** Runs `work` inside a savepoint, so that its failure does not abort the transaction (PostgreSQL). */
export async function inSavepoint<T>(trx: Trx, name: string, work: () => Promise<T>): Promise<T> {
  const point = await trx.savepoint(name).execute();
  try {
    const result = await work();
    await point.releaseSavepoint(name).execute();
    return result;
  } catch (error) {
    await point.rollbackToSavepoint(name).execute();
    throw error;
  }
}

function pause(ms: number): Promise<void> {
  const jittered = ms * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, jittered));
}
