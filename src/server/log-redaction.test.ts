import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCredentialName, REDACTED, redactUrl } from './log-redaction.js';

const SECRET = 'pvs_0123456789abcdef_SeCrEt';

describe('redactUrl', () => {
  it('hides the value of credential-looking parameters and keeps everything else', () => {
    expect(redactUrl(`/scim/v2/Users?access_token=${SECRET}`)).toBe(
      `/scim/v2/Users?access_token=${REDACTED}`,
    );
    expect(redactUrl(`/scim/v2/Users?filter=userName%20eq%20%22a%22&token=${SECRET}&count=5`)).toBe(
      `/scim/v2/Users?filter=userName%20eq%20%22a%22&token=${REDACTED}&count=5`,
    );
    for (const name of [
      'access_token',
      'token',
      'password',
      'client_secret',
      'api_key',
      'apikey',
      'api-key',
      'accessToken',
      'ACCESS_TOKEN',
      'id_token',
      'refresh_token',
      'passwd',
      'pwd',
      'secret',
      'X-Amz-Signature',
      'sig',
      'code',
      'client_assertion',
      'access%5Ftoken',
      'access+token',
    ]) {
      expect(redactUrl(`/x?${name}=${SECRET}`), name).toBe(`/x?${name}=${REDACTED}`);
    }
  });

  it('leaves the SCIM query parameters and URLs without a query alone', () => {
    const url =
      '/scim/v2/Users?filter=userName+eq+%22x%22&startIndex=1&count=10&sortBy=userName&sortOrder=ascending&attributes=id&excludedAttributes=members';
    expect(redactUrl(url)).toBe(url);
    expect(redactUrl('/scim/v2/Users/abc')).toBe('/scim/v2/Users/abc');
  });

  it('finds credentials after ; and in the fragment, and does not stop a value at ; or ?', () => {
    expect(redactUrl(`/x;token=${SECRET}`)).toBe(`/x;token=${REDACTED}`);
    expect(redactUrl(`/x#access_token=${SECRET}&state=1`)).toBe(`/x#access_token=${REDACTED}&state=1`);
    expect(redactUrl(`/x?a=1;password=${SECRET}`)).toBe(`/x?a=1;password=${REDACTED}`);
    expect(redactUrl(`/x?token=${SECRET};more?than=that`)).toBe(`/x?token=${REDACTED}`);
    expect(redactUrl(`/x?filter=a?token=${SECRET}`)).toBe(`/x?filter=a?token=${REDACTED}`);
    expect(redactUrl(`/x?token=${SECRET}#frag`)).toBe(`/x?token=${REDACTED}#frag`);
  });

  it('a malformed escape in a name does not throw', () => {
    expect(redactUrl(`/x?%E0%A4%A=${SECRET}&token%ZZ=1`)).toContain(SECRET);
    expect(isCredentialName('%ZZtoken')).toBe(true);
  });

  it('property: a credential value never survives, whatever surrounds it', () => {
    const names = fc.constantFrom('access_token', 'token', 'password', 'client_secret', 'api_key', 'Api-Key');
    const junk = fc.stringMatching(/^[A-Za-z0-9=%.;?/_-]{0,12}$/);
    const separator = fc.constantFrom('?', '&', ';', '#');
    fc.assert(
      fc.property(junk, names, separator, junk, (before, name, sep, after) => {
        const url = `/scim/v2/Users?${before}${sep}${name}=${SECRET}&${after}`;
        expect(redactUrl(url)).not.toContain(SECRET);
      }),
    );
  });

  it('property: a URL without credential names is returned unchanged', () => {
    const name = fc.constantFrom('filter', 'count', 'startIndex', 'attributes', 'sortBy', 'x');
    const value = fc.stringMatching(/^[A-Za-z0-9%+.=/?;-]{0,20}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 5 }), (pairs) => {
        const url = `/scim/v2/Users?${pairs.map(([n, v]) => `${n}=${v}`).join('&')}`;
        expect(redactUrl(url)).toBe(url);
      }),
    );
  });
});
