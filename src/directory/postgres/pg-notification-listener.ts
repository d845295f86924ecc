import pg from 'pg';

/**
 * A dedicated PostgreSQL connection that LISTENs on one channel and hands each NOTIFY's payload
 * to `onPayload`, reconnecting a second after a drop for as long as it is open. NOTIFYs sent while
 * it is away are lost: a consumer must have another way to catch up (the change feed for the
 * directory's listener; a fresh status read for the admin API's event streams).
 */
export interface PgNotificationListener {
  close(): Promise<void>;
}

/** Resolves once LISTEN is in effect. */
export async function listenForNotifications(
  connectionString: string,
  channel: string,
  onPayload: (payload: string) => void,
): Promise<PgNotificationListener> {
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString });
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) onPayload(message.payload);
    });
    next.on('error', () => {
      // The 'end' handler reconnects; an unhandled 'error' event would crash the process.
    });
    next.on('end', () => {
      if (closed || client !== next) return;
      client = undefined;
      scheduleReconnect();
    });
    await next.connect();
    await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    client = next;
  };

  const scheduleReconnect = (): void => {
    retry = setTimeout(() => {
      if (closed) return;
      // Keep trying while the server is away.
      connect().catch(scheduleReconnect);
    }, 1000);
  };

  await connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const current = client;
      client = undefined;
      await current?.end();
    },
  };
}
