/**
 * Connections to the server: a small pool of bound ldapts clients, each opened as the settings say
 * (ldaps://, or ldap:// upgraded with StartTLS before the bind, trusting a custom CA) and reused
 * for many operations (LDAP multiplexes requests on one connection). A connection the server
 * dropped is noticed before the next request and replaced by a fresh one, encrypted and bound
 * again: ldapts would reconnect by itself, but without StartTLS and without binding, which would
 * send the next request unencrypted or anonymously.
 */
import { readFile } from 'node:fs/promises';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';
import { ConnectorError } from '../spi/index.js';
import { isConnectionFailure, ldapError } from './ldap-errors.js';
import type { LdapConfig } from './ldap-settings.js';

/** Options of one call through the pool. */
export interface RunOptions {
  /** Try once more on a fresh connection when the first one turns out to be gone (reads only). */
  retryOnDrop?: boolean;
}

/** The pool of connections of one connector. */
export class LdapSessionPool {
  readonly #config: LdapConfig;
  readonly #baseDirectory: string;
  readonly #slots: (Promise<Client> | undefined)[];
  readonly #dedicated = new Set<Client>();
  /** Whether each client's socket is still open, as seen on the sockets themselves. */
  readonly #alive = new WeakMap<Client, () => boolean>();
  #next = 0;
  #closed = false;
  #tlsOptions: Promise<ConnectionOptions> | undefined;

  constructor(config: LdapConfig, baseDirectory: string) {
    this.#config = config;
    this.#baseDirectory = baseDirectory;
    this.#slots = new Array<Promise<Client> | undefined>(config.poolSize).fill(undefined);
  }

  /** Runs `operation` on a pooled connection; failures come out as `ConnectorError`s naming `what`. */
  async run<T>(
    what: string,
    signal: AbortSignal,
    operation: (client: Client) => Promise<T>,
    options: RunOptions = {},
  ): Promise<T> {
    throwIfAborted(signal, what);
    for (let attempt = 0; ; attempt++) {
      const slot = this.#next++ % this.#slots.length;
      const client = await this.#client(slot, what);
      try {
        return await untilAborted(operation(client), signal, what);
      } catch (error) {
        if (!isConnectionFailure(error)) throw ldapError(error, what);
        this.#drop(slot, client);
        if (!options.retryOnDrop || attempt > 0 || signal.aborted) throw ldapError(error, what);
      }
    }
  }

  /** A connection of its own (a paged search holds its server-side state on the connection). */
  async dedicated(what: string): Promise<Client> {
    const client = await this.#open(what);
    this.#dedicated.add(client);
    return client;
  }

  /** Closes a dedicated connection. */
  async release(client: Client): Promise<void> {
    this.#dedicated.delete(client);
    await quietClose(client);
  }

  /** Closes every connection; later calls fail with `unavailable`. */
  async close(): Promise<void> {
    this.#closed = true;
    const open = [...this.#slots];
    this.#slots.fill(undefined);
    for (const pending of open) {
      const client = await pending?.catch(() => undefined);
      if (client !== undefined) await quietClose(client);
    }
    for (const client of [...this.#dedicated]) await this.release(client);
  }

  async #client(slot: number, what: string): Promise<Client> {
    const pending = this.#slots[slot];
    if (pending !== undefined) {
      const client = await pending.catch(() => undefined);
      if (client !== undefined && this.#usable(client)) return client;
      if (this.#slots[slot] === pending) this.#slots[slot] = undefined;
      if (client !== undefined) void quietClose(client);
    }
    if (this.#slots[slot] === undefined) {
      const opening = this.#open(what);
      this.#slots[slot] = opening;
      opening.catch(() => {
        if (this.#slots[slot] === opening) this.#slots[slot] = undefined;
      });
    }
    return this.#slots[slot]!;
  }

  /** Connected, and still bound when the settings bind (a reconnect by ldapts would not be). */
  #usable(client: Client): boolean {
    const alive = this.#alive.get(client)?.() ?? false;
    return alive && client.isConnected && (this.#config.bindDn === undefined || client.isBound);
  }

  #drop(slot: number, client: Client) {
    void this.#slots[slot]?.then((held) => {
      if (held === client) this.#slots[slot] = undefined;
    });
    void quietClose(client);
  }

  async #open(what: string): Promise<Client> {
    if (this.#closed) throw new ConnectorError('unavailable', `${what}: the connector is closed`);
    const config = this.#config;
    const tlsOptions = await this.#tls(what);
    // ldapts does not notice when the TCP socket under a StartTLS session closes (it listens on
    // the socket it had before the upgrade), so the pool watches every socket it creates.
    let open = true;
    const watch = <S extends Socket>(socket: S): S => {
      socket.once('close', () => (open = false));
      return coalesceWrites(socket);
    };
    const client = new Client({
      url: config.url,
      timeout: config.operationTimeoutMs,
      connectTimeout: config.connectTimeoutMs,
      ...(config.secure ? { tlsOptions } : {}),
      createConnection: ((port: number, host: string) => watch(netConnect(port, host))) as typeof netConnect,
      createSecureConnection: ((...args: Parameters<typeof tlsConnect>) =>
        watch(tlsConnect(...(args as unknown as [ConnectionOptions])))) as typeof tlsConnect,
    });
    this.#alive.set(client, () => open);
    try {
      if (config.startTls) await client.startTLS(tlsOptions);
      if (config.bindDn !== undefined) await client.bind(config.bindDn, config.bindPassword ?? '');
      else await client.search('', { scope: 'base', attributes: ['1.1'] });
      return client;
    } catch (error) {
      await quietClose(client);
      // Never name the password; the bind DN is a setting and helps find the mistake.
      throw ldapError(
        error,
        `${what}: connecting to ${config.url}${config.bindDn ? ` as ${config.bindDn}` : ''}`,
      );
    }
  }

  #tls(what: string): Promise<ConnectionOptions> {
    this.#tlsOptions ??= (async () => {
      const { tls, url } = this.#config;
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      const options: ConnectionOptions = { rejectUnauthorized: tls.rejectUnauthorized, host };
      const serverName = tls.serverName ?? (isIP(host) === 0 ? host : undefined);
      if (serverName !== undefined) options.servername = serverName;
      if (tls.serverName !== undefined) {
        // The certificate names serverName, not the host the URL connects to.
        const { checkServerIdentity } = await import('node:tls');
        options.checkServerIdentity = (_host, cert) => checkServerIdentity(tls.serverName!, cert);
      }
      if (tls.ca !== undefined) options.ca = tls.ca;
      if (tls.caFile !== undefined) {
        const file = resolve(this.#baseDirectory, tls.caFile);
        options.ca = await readFile(file, 'utf8').catch((error: unknown) => {
          this.#tlsOptions = undefined;
          throw new ConnectorError('unavailable', `${what}: cannot read tls.caFile ${file}`, {
            cause: error,
          });
        });
      }
      return options;
    })();
    return this.#tlsOptions;
  }
}

/**
 * ldapts writes every request to the socket on its own, and on this kind of host each write is a
 * system call that costs more than encoding the request. Requests issued in the same turn of the
 * event loop (the engine's concurrent calls, woken by one batch of answers) leave as one write:
 * the socket is corked at the first and uncorked once the turn is over. Over ldaps:// the TLS
 * socket is the one wrapped; after StartTLS the TLS layer writes below the plain socket, so those
 * writes go out one by one as before.
 */
function coalesceWrites<S extends Socket>(socket: S): S {
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: S, ...args: unknown[]) {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as S['write'];
  return socket;
}

/**
 * Unbinds, but waits at most a moment: on a socket that died under a StartTLS session ldapts's
 * unbind never settles.
 */
async function quietClose(client: Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.unbind().catch(() => undefined),
    new Promise<void>((resolveTimer) => {
      timer = setTimeout(resolveTimer, 1000);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}

function throwIfAborted(signal: AbortSignal, what: string) {
  if (signal.aborted) {
    throw new ConnectorError('timeout', `${what}: aborted before it was sent`, { cause: signal.reason });
  }
}

/**
 * The reject functions of the calls waiting on each signal. A cycle hands one signal to thousands
 * of calls: one listener per signal and a set entry per call cost far less than a listener each.
 */
const waiting = new WeakMap<AbortSignal, Set<(reason: unknown) => void>>();

function onAbortOf(signal: AbortSignal): Set<(reason: unknown) => void> {
  let rejects = waiting.get(signal);
  if (rejects === undefined) {
    const set = new Set<(reason: unknown) => void>();
    signal.addEventListener(
      'abort',
      () => {
        for (const reject of [...set]) reject(signal.reason);
        set.clear();
      },
      { once: true },
    );
    waiting.set(signal, set);
    rejects = set;
  }
  return rejects;
}

/** The operation's outcome, or a `timeout` as soon as the signal aborts (the request may still run). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  const rejects = onAbortOf(signal);
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = (reason: unknown) =>
      reject(
        new ConnectorError('timeout', `${what}: aborted while waiting for the server`, { cause: reason }),
      );
    rejects.add(onAbort);
    promise.then(
      (value) => {
        rejects.delete(onAbort);
        resolvePromise(value);
      },
      (error: unknown) => {
        rejects.delete(onAbort);
        reject(error);
      },
    );
  });
}
