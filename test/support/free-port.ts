/**
 * A port nobody listens on right now on 127.0.0.1: the kernel picks it, and the probe lets it go
 * again, for a server the test starts (or expects to find closed) a moment later.
 */
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
