/**
 * A TCP relay between a client and a server on 127.0.0.1 that a test can cut: `dropAll()` destroys
 * every open connection at once, as a restarted server or a firewall dropping idle connections
 * would, while the server itself keeps running.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** How many client connections were accepted so far. */
  accepted(): number;
  /** Everything clients sent so far, to check what crossed the wire in the clear. */
  sent(): Buffer;
  /** Destroys every open connection (both sides). */
  dropAll(): void;
  /**
   * The next time a client sends bytes containing `text`, its connection is destroyed before
   * they reach the server (a connection lost in the middle of one particular request).
   */
  dropOnceOn(text: string): void;
  close(): Promise<void>;
}

/** Relays 127.0.0.1:<new port> to 127.0.0.1:`targetPort`. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let accepted = 0;
  let dropOn: Buffer | undefined;
  const chunks: Buffer[] = [];
  const server: Server = createServer((client) => {
    accepted++;
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      if (dropOn !== undefined && chunk.includes(dropOn)) {
        dropOn = undefined;
        client.destroy();
        upstream.destroy();
        return;
      }
      chunks.push(chunk);
      upstream.write(chunk);
    });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    accepted: () => accepted,
    sent: () => Buffer.concat(chunks),
    dropOnceOn(text) {
      dropOn = Buffer.from(text, 'utf8');
    },
    dropAll() {
      for (const socket of open) socket.destroy();
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
