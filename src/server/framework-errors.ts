/**
 * Who answers an error fastify's router raises before any route or hook runs (a malformed
 * %-escape, an over-long path parameter). SCIM's answer is the default; a part mounted beside it
 * under its own prefix (the admin API under /admin/v1) registers its own, so a client there gets
 * that part's error shape. The composition root does the registering: the server knows no part.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export type FrameworkErrorHandler = (
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
) => void;

interface Delegate {
  /** Lower-cased, without a trailing slash. */
  readonly prefix: string;
  readonly handler: FrameworkErrorHandler;
}

const delegatesOf = new WeakMap<FastifyInstance, Delegate[]>();

/** The list buildServer reads from; bound to the app once it exists. */
export function frameworkErrorDelegates(): {
  readonly bind: (app: FastifyInstance) => void;
  readonly find: (url: string) => FrameworkErrorHandler | undefined;
} {
  const delegates: Delegate[] = [];
  return {
    bind: (app) => void delegatesOf.set(app, delegates),
    find: (url) => {
      // The router matches paths case-insensitively (build-server.ts), so the prefix does too.
      const path = (url.split('?')[0] ?? '').toLowerCase();
      return delegates.find((d) => path === d.prefix || path.startsWith(`${d.prefix}/`))?.handler;
    },
  };
}

/** Routes the router errors of paths under `prefix` to `handler`. */
export function delegateFrameworkErrors(
  app: FastifyInstance,
  prefix: string,
  handler: FrameworkErrorHandler,
): void {
  const delegates = delegatesOf.get(app);
  if (delegates === undefined)
    throw new Error('delegateFrameworkErrors: the app was not made by buildServer');
  delegates.push({ prefix: prefix.toLowerCase().replace(/\/+$/, ''), handler });
}
