/**
 * `provisio serve [--port N] [--host H] [--data-dir DIR] [--database URL]`: runs the SCIM server
 * until SIGINT or SIGTERM, then closes it gracefully (in-flight requests finish, the store closes).
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { runServer } from '../../main.js';
import { addStorageOptions, storageOptionsFrom } from './storage-options.js';

interface ServeOptions {
  port: number;
  host: string;
  dataDir?: string;
  database?: string;
  publicUrl?: string;
  bodyLimit?: number;
  logLevel: string;
  requestLog: boolean;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('expected a port number 0-65535');
  return n;
}

function bytes(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a positive number of bytes');
  return n;
}

/** Registers `serve`. */
export function register(program: Command): void {
  const command = program
    .command('serve')
    .description('Start the SCIM 2.0 server (GET /healthz answers once it is ready)')
    .option('--port <n>', 'TCP port', port, 8080)
    .option('--host <address>', 'address to listen on (0.0.0.0 for all interfaces)', '127.0.0.1')
    .option(
      '--public-url <url>',
      'external base URL for Location and meta.location (default: from the Host header)',
    )
    .option('--body-limit <bytes>', 'largest accepted request body (default 1048576)', bytes)
    .option('--log-level <level>', 'fatal, error, warn, info, debug or silent', 'info')
    .option('--no-request-log', 'do not log one line per request received and answered');
  addStorageOptions(command).action(async (options: ServeOptions) => {
    const server = await runServer({
      ...storageOptionsFrom(options),
      port: options.port,
      host: options.host,
      logger: options.logLevel === 'silent' ? false : { level: options.logLevel },
      server: {
        ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl } : {}),
        ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
        requestLogging: options.requestLog,
      },
    });
    process.stderr.write(`provisio: SCIM server listening on ${server.url}/scim/v2\n`);
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals): void => {
        process.stderr.write(`provisio: ${signal} received, shutting down\n`);
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        server.close().then(resolve, (error: unknown) => {
          process.stderr.write(`provisio: shutdown failed: ${String(error)}\n`);
          process.exitCode = 1;
          resolve();
        });
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  });
}
