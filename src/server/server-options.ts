/**
 * Options of the SCIM server, parsed once into a frozen, defaulted form. Nothing here reads the
 * environment: main.ts and the CLI decide where values come from.
 */
import { isIP } from 'node:net';
import type { FastifyServerOptions } from 'fastify';
import { DEFAULT_MAX_JSON_DEPTH } from './scim-media.js';

/** What a caller may set; every field has a default. */
export interface ServerOptionsInput {
  /**
   * External base URL of the deployment (`https://idp.example.com`), used for `Location` and
   * `meta.location`. Default: taken from each request's Host header and protocol.
   */
  readonly publicUrl?: string;
  /** Largest accepted request body in bytes (all routes but /Bulk). Default 1 MiB. */
  readonly bodyLimit?: number;
  /**
   * Deepest nesting of arrays and objects in a JSON request body; deeper bodies get 400
   * invalidSyntax before they are parsed. Default 64.
   */
  readonly maxJsonDepth?: number;
  /** `count` when a list request gives none (RFC 7644 §3.4.2.4). Default 100. */
  readonly defaultCount?: number;
  /** Largest `count` honoured; larger requests get this many (advertised as filter.maxResults). Default 1000. */
  readonly maxCount?: number;
  /** Advertised and enforced Bulk limits (RFC 7644 §3.7.4). */
  readonly bulk?: { readonly maxOperations?: number; readonly maxPayloadSize?: number };
  /** Require bearer tokens on /scim/v2 (default true). Only tests and benchmarks turn it off. */
  readonly authenticate?: boolean;
  /** How long a token record is cached, in ms (default 1000; 0 reads the store on every request). */
  readonly tokenCacheMs?: number;
  /** fastify / pino logger options; default: no logging. */
  readonly logger?: FastifyServerOptions['logger'];
  /**
   * With a logger: write fastify's two access lines per request ("incoming request", "request
   * completed", at info). Default true, an access log of what identity providers send is worth its
   * few microseconds; false keeps only warnings, errors and rejected requests.
   */
  readonly requestLogging?: boolean;
  /**
   * The reverse proxies whose X-Forwarded-Proto, -Host and -For are believed (fastify's
   * `trustProxy`): addresses, CIDR ranges or proxy-addr's names (`loopback`, `linklocal`,
   * `uniquelocal`). A request from anywhere else is taken as it arrived. Default: none, so a
   * client cannot claim https or another address by sending the headers itself.
   */
  readonly trustProxy?: readonly string[];
}

/** The defaulted, frozen options the server runs with. */
export interface ServerOptions {
  readonly publicUrl: string | undefined;
  readonly bodyLimit: number;
  readonly maxJsonDepth: number;
  readonly defaultCount: number;
  readonly maxCount: number;
  readonly bulk: { readonly maxOperations: number; readonly maxPayloadSize: number };
  readonly authenticate: boolean;
  readonly tokenCacheMs: number;
  readonly logger: FastifyServerOptions['logger'];
  readonly requestLogging: boolean;
  /** undefined when no proxy is trusted. */
  readonly trustProxy: readonly string[] | undefined;
}

/** The SCIM base path (RFC 7644 §3.13 versioned root). */
export const SCIM_BASE_PATH = '/scim/v2';

export const SERVER_DEFAULTS = {
  bodyLimit: 1024 * 1024,
  maxJsonDepth: DEFAULT_MAX_JSON_DEPTH,
  defaultCount: 100,
  maxCount: 1000,
  bulkMaxOperations: 1000,
  bulkMaxPayloadSize: 4 * 1024 * 1024,
} as const;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`server option ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** Fills defaults and checks ranges; throws RangeError naming the bad option. */
export function resolveServerOptions(input: ServerOptionsInput = {}): ServerOptions {
  const defaultCount = positiveInteger('defaultCount', input.defaultCount, SERVER_DEFAULTS.defaultCount);
  const maxCount = positiveInteger('maxCount', input.maxCount, SERVER_DEFAULTS.maxCount);
  if (defaultCount > maxCount) throw new RangeError('server option defaultCount must not exceed maxCount');
  let publicUrl = input.publicUrl;
  if (publicUrl !== undefined) {
    const url = new URL(publicUrl);
    publicUrl = url.href.replace(/\/+$/, '');
  }
  return Object.freeze({
    publicUrl,
    bodyLimit: positiveInteger('bodyLimit', input.bodyLimit, SERVER_DEFAULTS.bodyLimit),
    maxJsonDepth: positiveInteger('maxJsonDepth', input.maxJsonDepth, SERVER_DEFAULTS.maxJsonDepth),
    defaultCount,
    maxCount,
    bulk: Object.freeze({
      maxOperations: positiveInteger(
        'bulk.maxOperations',
        input.bulk?.maxOperations,
        SERVER_DEFAULTS.bulkMaxOperations,
      ),
      maxPayloadSize: positiveInteger(
        'bulk.maxPayloadSize',
        input.bulk?.maxPayloadSize,
        SERVER_DEFAULTS.bulkMaxPayloadSize,
      ),
    }),
    authenticate: input.authenticate ?? true,
    tokenCacheMs: input.tokenCacheMs === undefined ? 1000 : Math.max(0, Math.floor(input.tokenCacheMs)),
    logger: input.logger ?? false,
    requestLogging: input.requestLogging ?? true,
    trustProxy: trustedProxies(input.trustProxy),
  });
}

/** proxy-addr's names for address ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Whether `entry` is an address, a CIDR range of one, or a range name proxy-addr knows. */
export function isProxyEntry(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || address === undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

function trustedProxies(entries: readonly string[] | undefined): readonly string[] | undefined {
  if (entries === undefined || entries.length === 0) return undefined;
  for (const entry of entries) {
    if (!isProxyEntry(entry)) {
      throw new RangeError(
        `server option trustProxy: ${JSON.stringify(entry)} is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal`,
      );
    }
  }
  return Object.freeze([...entries]);
}
