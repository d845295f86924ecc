/**
 * The settings every HTTP connector shares, as zod schemas with their defaults: timeouts, TLS,
 * concurrency (also the keep-alive pool size), the rate limit, and extra headers. A kind spreads
 * `httpSettingsShape` into its own strict object, so the options read the same in every app file.
 */
import { z } from 'zod';
import { headerName } from './http-credentials.js';

const positiveMs = z.number().int().positive().max(600_000);

/** A PEM text, or a path to a PEM file (relative to the app file's directory). */
const pemOrFile = z.string().min(1, 'must be PEM text or a path to a PEM file');

/** An http:// or https:// base URL without credentials, query or fragment. */
export const baseUrlSchema = z
  .url({ protocol: /^https?$/u, error: 'must be an http:// or https:// URL' })
  .refine((url) => !/^https?:\/\/[^/]*@/u.test(url), 'must not hold credentials; put them in credentials')
  .refine((url) => !/[?#]/u.test(url), 'must not hold a query or fragment');

export const timeoutsSchema = z
  .strictObject({
    /** Longest wait for a TCP (and TLS) connection. */
    connectMs: positiveMs.default(10_000),
    /** Longest wait for a whole request, from sending to the last byte of the answer. */
    requestMs: positiveMs.default(30_000),
  })
  .default({ connectMs: 10_000, requestMs: 30_000 });

export const tlsSchema = z
  .strictObject({
    ca: pemOrFile.optional(),
    cert: pemOrFile.optional(),
    key: pemOrFile.optional(),
    rejectUnauthorized: z.boolean().default(true),
  })
  .refine((tls) => (tls.cert === undefined) === (tls.key === undefined), 'cert and key go together')
  .default({ rejectUnauthorized: true });

/** Extra headers sent with every request (not for credentials). */
export const extraHeadersSchema = z
  .record(headerName, z.string())
  .refine(
    (headers) => !Object.keys(headers).some((name) => name.toLowerCase() === 'authorization'),
    'must not set authorization; use credentials',
  );

/** The shared options, to spread into a kind's settings object. */
export const httpSettingsShape = {
  timeouts: timeoutsSchema,
  tls: tlsSchema,
  /** Requests in flight at once (also the size of the keep-alive pool). */
  concurrency: z.number().int().min(1).max(256).default(8),
  /** Requests started per second, as a token bucket; absent means unlimited. */
  rateLimitPerSecond: z.number().positive().max(100_000).optional(),
  headers: extraHeadersSchema.optional(),
};

/** The shared options once parsed. */
export interface HttpSettings {
  timeouts: { connectMs: number; requestMs: number };
  tls: {
    ca?: string | undefined;
    cert?: string | undefined;
    key?: string | undefined;
    rejectUnauthorized: boolean;
  };
  concurrency: number;
  rateLimitPerSecond?: number | undefined;
  headers?: Record<string, string> | undefined;
}
