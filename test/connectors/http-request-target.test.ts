/**
 * A request target under a base URL is the one `new URL` makes, byte for byte, whether it is
 * appended as text (the common case) or parsed: escapes kept, dot segments resolved, characters
 * outside the URL's sets escaped, an empty query dropped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BaseUrl } from '../../src/connectors/http/request-target.js';

function parsed(base: string, relative: string) {
  const url = new URL(`${base.replace(/\/+$/u, '')}${relative}`);
  return { origin: url.origin, path: `${url.pathname}${url.search}` };
}

const bases = [
  'http://127.0.0.1:8080',
  'http://127.0.0.1:8080/',
  'https://scim.example.com/scim/v2',
  'https://scim.example.com/scim/v2//',
  'https://SCIM.Example.com:443/Api/%7Euser',
  'http://example.com/a b/',
  'http://example.com/x/../y',
];

// Characters the parser keeps, escapes it adds or reads as dots, and text it resolves.
const piece = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._~-]{1,6}$/u),
  fc.constantFrom('/', '//', '?', '&', '=', '%20', '%2e', '%2E', '.', '..', '/./', '/../', "'", '"'),
  fc.constantFrom(' ', '#', '<', '>', '`', '{', '}', '|', '^', '\\', 'é', '✓', '%', '%zz', '+', ':', '@'),
);
const relative = fc.array(piece, { maxLength: 12 }).map((parts) => `/${parts.join('')}`);

describe('BaseUrl.target', () => {
  it('is what new URL makes of the base and the relative target, for any text', () => {
    fc.assert(
      fc.property(fc.constantFrom(...bases), relative, (base, rel) => {
        expect(new BaseUrl(base).target(rel)).toEqual(parsed(base, rel));
      }),
      { numRuns: 2000 },
    );
  });

  it('appends the common targets as they are', () => {
    const base = new BaseUrl('https://scim.example.com/scim/v2/');
    expect(base.target('/Users/2819c223?filter=userName%20eq%20%22a%40b%22')).toEqual({
      origin: 'https://scim.example.com',
      path: '/scim/v2/Users/2819c223?filter=userName%20eq%20%22a%40b%22',
    });
    expect(base.target('/Users/..')).toEqual({ origin: 'https://scim.example.com', path: '/scim/v2/' });
    expect(base.target("/Users?filter=x%20eq%20%22O'Brien%22").path).toBe(
      '/scim/v2/Users?filter=x%20eq%20%22O%27Brien%22',
    );
  });
});
