import pg from 'pg';

/**
 * A dedicated PostgreSQL connection that LISTENs on the change channel and reports each NOTIFY's
 * seq, so every store process wakes when any process commits a change. Reconnects after a drop;
 * consumers lose nothing meanwhile, because the feed itself is the source of truth and they read
 * it from their watermark.
 */
export interface PgChangeListener {
  close(): Promise<void>;
}

/** Starts listening; resolves once LISTEN is in effect. */
export async function startPgChangeListener(
  connectionString: string,
  channel: string,
  onSeq: (seq: number) => void,
): Promise<PgChangeListener> {
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString });
    next.on('notification', (message) => {
      const seq = Number(message.payload);
      if (message.channel === channel && Number.isFinite(seq)) onSeq(seq);
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
      // Keep trying while the server is away; the feed catches consumers up once it is back.
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
