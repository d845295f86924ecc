/**
 * Serves the built web console (dist/console, from `vite build`) at `/`: hashed assets under
 * /assets/ with immutable caching, and index.html for every client route the single-page app
 * knows (history fallback), so a reload or a shared link opens the same page.
 *
 * The fallback is a list of the app's routes, not a catch-all not-found handler: /scim/v2 and
 * /admin/v1 keep their own 404 answers, and nothing here can shadow an API path. Every route is
 * public (the page itself holds nothing; the API decides who may read what) and answers with a
 * strict Content-Security-Policy: scripts, styles and connections from this origin only.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** dist/console beside src/ and dist/: this file is two levels below the package root either way. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url));

/** The client routes of the single-page app (src/console/app/pages.ts), answered with index.html. */
export const CONSOLE_ROUTES = [
  '/',
  '/sign-in',
  '/apps',
  '/apps/:name',
  '/apps/:name/:page',
  '/directory',
  '/audit',
];

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** A built asset's file name: Vite's `name-hash.ext`, never a path. */
const ASSET_NAME = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.(?:js|css|svg|png|woff2)$/;

const PUBLIC = { access: 'public' } as const;

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('Content-Security-Policy', CONSOLE_CSP)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .header('X-Frame-Options', 'DENY');
}

/**
 * Registers the console's routes when `dir` holds a build (index.html); returns whether it did.
 * Without a build (running from a checkout that was never built) `/` is simply not served.
 */
export function registerConsole(app: FastifyInstance, dir: string = DEFAULT_CONSOLE_DIR): boolean {
  if (!existsSync(join(dir, 'index.html'))) {
    app.log.info({ dir }, 'web console not built (npm run build); / is not served');
    return false;
  }
  const assets = join(dir, 'assets');
  void app.register(async (scope) => {
    // Only reply.sendFile: the routes are ours, so each declares its access and headers.
    await scope.register(fastifyStatic, { root: dir, serve: false });
    scope.get<{ Params: { file: string } }>('/assets/:file', { config: PUBLIC }, (request, reply) => {
      const { file } = request.params;
      if (!ASSET_NAME.test(file)) return reply.code(404).send({ status: 404, detail: 'no such asset' });
      // The name carries the content's hash: a new build is a new name, so this never goes stale.
      return secure(reply).sendFile(file, assets, { immutable: true, maxAge: '365d' });
    });
    for (const url of CONSOLE_ROUTES) {
      scope.get(url, { config: PUBLIC }, (_request, reply) =>
        // index.html names the current hashed assets: always revalidated.
        secure(reply)
          .header('Cache-Control', 'no-cache')
          .sendFile('index.html', dir, { cacheControl: false }),
      );
    }
  });
  return true;
}
