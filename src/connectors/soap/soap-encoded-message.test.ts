/** The encodingStyle and namespace declarations an rpc/encoded message gets around the soap package. */
import { describe, expect, it } from 'vitest';
import { encodingOf, envelopePrefixes, withEncodingStyle } from './soap-encoded-message.js';
import { SOAP11_ENCODING, SOAP12_ENCODING } from './soap-schema-types.js';

describe('withEncodingStyle', () => {
  it("writes encodingStyle on the operation's element, not on the Body", () => {
    const xml =
      '<soap:Envelope><soap:Header><x/></soap:Header><soap:Body><tns:AddMembers><id>1</id></tns:AddMembers></soap:Body></soap:Envelope>';
    expect(withEncodingStyle(xml, 'soap', SOAP12_ENCODING)).toBe(
      `<soap:Envelope><soap:Header><x/></soap:Header><soap:Body><tns:AddMembers soap:encodingStyle="${SOAP12_ENCODING}"><id>1</id></tns:AddMembers></soap:Body></soap:Envelope>`,
    );
    // A Body with attributes of its own, an unprefixed operation element.
    expect(withEncodingStyle('<env:Body wsu:Id="b"><Op/></env:Body>', 'env', 'a"b')).toBe(
      '<env:Body wsu:Id="b"><Op env:encodingStyle="a&quot;b"/></env:Body>',
    );
  });
});

describe('encodingOf', () => {
  it("picks SOAP 1.2's or 1.1's encoding from the style's URIs, 1.1 by default", () => {
    expect(encodingOf(SOAP12_ENCODING)).toBe(SOAP12_ENCODING);
    expect(encodingOf(`urn:app:own ${SOAP11_ENCODING}`)).toBe(SOAP11_ENCODING);
    expect(encodingOf('urn:app:own')).toBe(SOAP11_ENCODING);
  });
});

describe('envelopePrefixes', () => {
  it('reuses a prefix the envelope binds, else declares one not taken', () => {
    const wsdl = {
      xmlnsInEnvelope: 'xmlns:tns="urn:a" xmlns:types="urn:b"',
      options: { envelopeKey: 'soap' },
    };
    const prefixFor = envelopePrefixes(wsdl);
    expect(prefixFor('urn:a', 'types')).toBe('tns');
    expect(prefixFor('urn:c', 'types')).toBe('types2');
    expect(prefixFor('urn:d', 'soap')).toBe('soap2');
    expect(prefixFor('urn:c', 'other')).toBe('types2');
    expect(wsdl.xmlnsInEnvelope).toBe(
      'xmlns:tns="urn:a" xmlns:types="urn:b" xmlns:types2="urn:c" xmlns:soap2="urn:d"',
    );
  });
});
