/** The SOAP version and encoding the service reads from a WSDL's text. */
import { describe, expect, it } from 'vitest';
import { encodedBodies, soapVersionOf } from './soap-service.js';

const soap11 = 'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"';
const soap12 = 'xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/"';

describe('soapVersionOf', () => {
  it('auto: 1.2 only for a WSDL binding SOAP 1.2 alone; a setting wins', () => {
    expect(soapVersionOf('auto', `<definitions ${soap12}>`)).toBe('1.2');
    expect(soapVersionOf('auto', `<definitions ${soap11}>`)).toBe('1.1');
    expect(soapVersionOf('auto', `<definitions ${soap11} ${soap12}>`)).toBe('1.1');
    expect(soapVersionOf('1.2', `<definitions ${soap11} ${soap12}>`)).toBe('1.2');
    expect(soapVersionOf('1.1', `<definitions ${soap12}>`)).toBe('1.1');
  });
});

describe('encodedBodies', () => {
  it('is true when every body is encoded, false with any literal one', () => {
    expect(encodedBodies('<soap:body use="encoded" namespace="urn:x"/>')).toBe(true);
    expect(encodedBodies("<soap:body use='encoded'/><soap:body use='encoded'/>")).toBe(true);
    expect(encodedBodies('<soap:body use="literal"/>')).toBe(false);
    expect(encodedBodies('<soap:body use="encoded"/><soap:body use="literal"/>')).toBe(false);
  });
});
