/**
 * `provisio serve [--port N] [--host H] [--data-dir DIR] [--database URL] [--workers N|auto]
 * [--feed-retention 7d|off] [--no-engine] [--session-idle-timeout 30m] [--trust-proxy LIST] ...`: runs the SCIM server,
 * the admin API (/admin/v1, docs/admin-api.md) and the provisioning engine
 * (every enabled application, near-real-time; docs/engine/operations.md) until SIGINT or SIGTERM,
 * then closes both gracefully (each app's current operation and the in-flight requests finish,
 * leases are released, the store closes). With more than one worker the process supervises N
 * server processes sharing the port (src/cluster/server-cluster.ts); each runs the engine, and the
 * app leases let exactly one of them provision each application.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import ms from 'ms';
import { runServerCluster } from '../../cluster/server-cluster.js';
import { runServer } from '../../main.js';
import { byteCount, listenHost, portNumber, proxyList, publicBaseUrl } from './option-parsers.js';
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
  workers: number;
  feedRetention: number;
  engine: boolean;
  sessionIdleTimeout: number;
  trustProxy?: string[];
}

/** Shortest and longest idle timeouts a console session may have. */
const MIN_SESSION_IDLE_MS = 60_000;
const MAX_SESSION_IDLE_MS = 24 * 60 * 60_000;

/**
 * The console sessions' idle timeout: a duration with a unit (`30m`, `2h`), from 1 minute to
 * 24 hours. Returned in milliseconds.
 */
export function sessionIdleTimeout(value: string): number {
  const text = value.trim();
  const parsed = /[a-z]\s*$/i.test(text) ? ms(text as ms.StringValue) : undefined;
  if (
    parsed === undefined ||
    !Number.isFinite(parsed) ||
    parsed < MIN_SESSION_IDLE_MS ||
    parsed > MAX_SESSION_IDLE_MS
  ) {
    throw new InvalidArgumentError('Expected a duration from 1m to 24h with a unit (e.g. 30m, 2h).');
  }
  return Math.round(parsed);
}

/** The environment variable read when `--workers` is not given. */
export const WORKERS_ENV = 'PROVISIO_WORKERS';

/** The environment variable read when `--trust-proxy` is not given. */
export const TRUST_PROXY_ENV = 'PROVISIO_TRUST_PROXY';

/** The environment variable read when `--feed-retention` is not given. */
export const FEED_RETENTION_ENV = 'PROVISIO_FEED_RETENTION';

/** Shortest retention window accepted: the feed is what consumers resume from. */
const MIN_FEED_RETENTION_MS = 1000;

/**
 * A retention window: a duration such as `7d`, `36h`, `90m` (vercel's `ms` syntax), or `off` / `0`
 * to keep every change-feed entry. Returned in milliseconds, 0 for off.
 */
export function feedRetention(value: string): number {
  const text = value.trim();
  if (/^(off|0)$/i.test(text)) return 0;
  // ms reads a bare number as milliseconds; a window given without a unit is a mistake here.
  const parsed = /[a-z]\s*$/i.test(text) ? ms(text as ms.StringValue) : undefined;
  if (parsed === undefined || !Number.isFinite(parsed) || parsed < MIN_FEED_RETENTION_MS) {
    throw new InvalidArgumentError(
      "Expected a duration of at least 1s with a unit (e.g. 7d, 36h, 90m) or 'off'.",
    );
  }
  return Math.round(parsed);
}

/** A positive integer, or `auto` for the number of CPUs this process may use. */
export function workerCount(value: string): number {
  if (value.trim().toLowerCase() === 'auto') return availableParallelism();
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError("Expected a positive integer or 'auto' (one worker per CPU).");
  return n;
}

/** pino's levels, most to least severe, and `silent` for no log at all. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Registers `serve`. */
export function register(program: Command): void {
  // Every option is checked as it is parsed (option-parsers.ts), so a bad value stops the command
  // with a usage error before the store is opened or a port is bound.
  const command = program
    .command('serve')
    .description('Start the SCIM 2.0 server (GET /healthz answers once it is ready)')
    .option('--port <n>', 'TCP port, 0-65535 (0 picks a free one)', portNumber, 8080)
    .option(
      '--host <address>',
      'IP address or host name to listen on (0.0.0.0 for all interfaces)',
      listenHost,
      '127.0.0.1',
    )
    .option(
      '--public-url <url>',
      'external http(s) base URL for Location and meta.location (default: from the Host header)',
      publicBaseUrl,
    )
    .option('--body-limit <bytes>', 'largest accepted request body (default 1048576)', byteCount)
    .addOption(
      new Option('--log-level <level>', 'log level of the JSON lines on stdout')
        .choices(LOG_LEVELS)
        .default('info'),
    )
    .option('--no-request-log', 'do not log one line per request received and answered')
    .addOption(
      new Option('--workers <n|auto>', "server processes sharing the port; 'auto' = one per CPU")
        .env(WORKERS_ENV)
        .argParser(workerCount)
        .default(1),
    )
    .addOption(
      new Option(
        '--feed-retention <duration>',
        "how long change-feed entries are kept (e.g. 7d, 36h); 'off' keeps them all",
      )
        .env(FEED_RETENTION_ENV)
        .argParser(feedRetention)
        .default(feedRetention('7d'), '7d'),
    )
    .option('--no-engine', 'serve the APIs only: provision no application')
    .addOption(
      new Option(
        '--session-idle-timeout <duration>',
        'console sessions end after this long without a request (1m to 24h)',
      )
        .argParser(sessionIdleTimeout)
        .default(sessionIdleTimeout('30m'), '30m'),
    )
    .addOption(
      new Option(
        '--trust-proxy <addresses>',
        'reverse proxies (IPs, CIDR ranges, loopback) whose X-Forwarded-Proto/-For/-Host are believed, so cookies are Secure behind a TLS-terminating proxy',
      )
        .env(TRUST_PROXY_ENV)
        .argParser(proxyList),
    );
  addStorageOptions(command).action(async (options: ServeOptions) => {
    const serverOptions = {
      ...storageOptionsFrom(options),
      port: options.port,
      host: options.host,
      logger: options.logLevel === 'silent' ? (false as const) : { level: options.logLevel },
      feedRetentionMs: options.feedRetention,
      engine: options.engine,
      admin: { idleTimeoutMs: options.sessionIdleTimeout },
      server: {
        ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl } : {}),
        ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
        requestLogging: options.requestLog,
        ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
      },
    };
    const server =
      options.workers > 1
        ? await runServerCluster({ ...serverOptions, workers: options.workers })
        : await runServer(serverOptions);
    process.stderr.write(`provisio: SCIM server listening on ${server.url}/scim/v2\n`);
    process.stderr.write(`provisio: admin API listening on ${server.url}/admin/v1\n`);
    if (options.engine && 'engine' in server && server.engine !== undefined) {
      process.stderr.write('provisio: provisioning engine running\n');
    }
    // A cluster also stops by itself when its workers keep dying; a single server only on a signal.
    const givenUp = 'done' in server ? server.done : new Promise<void>(() => undefined);
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
      givenUp.catch((error: unknown) => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        process.stderr.write(`provisio: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
        resolve();
      });
    });
  });
}
