/**
 * Where a request under an app's base URL goes, without parsing a URL per request. The base is
 * parsed once; a relative target (`/Users/42?filter=...`) made only of characters the URL parser
 * keeps as they are, with no dot segment to resolve, is appended as text. Anything else goes
 * through `new URL`, so the request line is the same either way: the parser's, byte for byte.
 */
import type { RequestTarget } from './http-transport.js';

/** Characters the WHATWG URL parser leaves alone in an http(s) path and query. */
const PLAIN = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@/%]*(?:\?[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*)?$/u;
/** A path segment starting with a dot (or its escape) may be a dot segment the parser resolves. */
const DOT_SEGMENT = /\/(?:\.|%2e)/iu;

export class BaseUrl {
  /** The base as configured, without trailing slashes. */
  readonly text: string;
  readonly origin: string;
  /** The base's path as the parser prints it, without the trailing slash. */
  readonly #path: string;
  /** The base prints as it is written, so text appended to it stays as written. */
  readonly #canonical: boolean;

  constructor(baseUrl: string) {
    this.text = baseUrl.replace(/\/+$/u, '');
    const probe = new URL(`${this.text}/x`);
    this.origin = probe.origin;
    this.#path = probe.pathname.slice(0, -'/x'.length);
    this.#canonical = probe.href === `${this.text}/x`;
  }

  /** The target of `relative` (a path from `/`, with its query if any) under the base. */
  target(relative: string): RequestTarget {
    if (this.#canonical && PLAIN.test(relative)) {
      const query = relative.indexOf('?');
      const path = query < 0 ? relative : relative.slice(0, query);
      if (!DOT_SEGMENT.test(path)) {
        // The parser prints an empty query as none.
        const kept = query === relative.length - 1 ? path : relative;
        return { origin: this.origin, path: `${this.#path}${kept}` };
      }
    }
    const url = new URL(`${this.text}${relative}`);
    return { origin: url.origin, path: `${url.pathname}${url.search}` };
  }
}
