/** The xsi:type an rpc/encoded argument gets from the WSDL's declared part types. */
import { describe, expect, it } from 'vitest';
import { withXsiTypes, XSD_NAMESPACE, xsdTypeNamer } from './soap-xsi-types.js';

const namer = xsdTypeNamer({ xs: XSD_NAMESPACE, tns: 'urn:example' });
const t = (type: string, value: unknown) => ({ attributes: { 'xsi:type': type }, $value: value });
const element = (name: string, type: string) => ({ name: 'element', $name: name, $type: type });
const complex = (...children: unknown[]) => ({
  name: 'complexType',
  children: [{ name: 'sequence', children }],
});

describe('withXsiTypes', () => {
  it('types simple parts by the XSD prefix the WSDL binds, whatever its name', () => {
    expect(
      withXsiTypes(
        { id: 'U-1', pageSize: 5, active: false },
        { id: 'xs:string', pageSize: 'xs:int', active: 'xs:boolean' },
        namer,
      ),
    ).toEqual({ id: t('xsd:string', 'U-1'), pageSize: t('xsd:int', 5), active: t('xsd:boolean', false) });
  });

  it('types the elements of a complex part and the items of a list', () => {
    const user = complex(
      element('userName', 'xs:string'),
      element('active', 'xs:boolean'),
      element('roles', 'tns:Roles'),
    );
    expect(
      withXsiTypes(
        { user: { userName: 'ann', active: true, roles: 'x' }, memberId: { memberId: ['a', 'b'] } },
        { user, memberId: 'xs:string' },
        namer,
      ),
    ).toEqual({
      user: { userName: t('xsd:string', 'ann'), active: t('xsd:boolean', true), roles: 'x' },
      memberId: { memberId: [t('xsd:string', 'a'), t('xsd:string', 'b')] },
    });
  });

  it('leaves values of undeclared parts and non-XSD types untyped', () => {
    expect(withXsiTypes({ other: 'v', custom: 'w' }, { custom: 'tns:Code' }, namer)).toEqual({
      other: 'v',
      custom: 'w',
    });
    expect(withXsiTypes({ a: 1 }, undefined, namer)).toEqual({ a: 1 });
  });
});
