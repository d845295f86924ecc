/** The xsi:type, and the array type and size, an rpc/encoded argument gets from the WSDL's declared types. */
import { describe, expect, it } from 'vitest';
import { SchemaReader, SOAP11_ENCODING, SOAP12_ENCODING, XSD_NAMESPACE } from './soap-schema-types.js';
import { withXsiTypes, type TypingContext } from './soap-xsi-types.js';

const TNS = 'urn:example';
// Schema nodes as the soap package parses them: the tag's local name, attributes as `$name`.
const node = (name: string, attributes: Record<string, string>, ...children: unknown[]) => ({
  name,
  ...Object.fromEntries(Object.entries(attributes).map(([k, v]) => [`$${k}`, v])),
  children,
});
const element = (name: string, type: string) => node('element', { name, type });
const status = node(
  'simpleType',
  { name: 'Status' },
  node('restriction', { base: 'xs:string' }, node('enumeration', { value: 'on' })),
);
const arrayOf = (name: string, arrayType: string) =>
  node(
    'complexType',
    { name },
    node(
      'complexContent',
      {},
      node(
        'restriction',
        { base: 'enc:Array' },
        node('attribute', { ref: 'enc:arrayType', 'wsdl:arrayType': arrayType }),
      ),
    ),
  );
const strings = arrayOf('ArrayOfString', 'xs:string[]');
const statuses = arrayOf('ArrayOfStatus', 'tns:Status[]');
const matrix = arrayOf('Matrix', 'xs:int[][]');
// An array whose items are its sequence's one element.
const users = node(
  'complexType',
  { name: 'Users' },
  node(
    'complexContent',
    {},
    node('restriction', { base: 'enc:Array' }, node('sequence', {}, element('user', 'tns:User'))),
  ),
);
const user = node(
  'complexType',
  { name: 'User' },
  node(
    'sequence',
    {},
    element('userName', 'xs:string'),
    element('status', 'tns:Status'),
    element('roles', 'tns:ArrayOfString'),
  ),
);
const schema = new SchemaReader({
  xmlns: { xs: XSD_NAMESPACE, tns: TNS, enc: SOAP11_ENCODING },
  schemas: {
    [TNS]: {
      types: { Status: status },
      complexTypes: {
        ArrayOfString: strings,
        ArrayOfStatus: statuses,
        Matrix: matrix,
        Users: users,
        User: user,
      },
    },
  },
});

/** A context whose envelope binds xsd only: every other prefix it names is declared. */
function context(encoding = SOAP11_ENCODING) {
  const declared = new Map<string, string>([[XSD_NAMESPACE, 'xsd']]);
  const typing: TypingContext = {
    schema,
    encoding,
    prefixFor: (namespace, preferred) => {
      if (!declared.has(namespace)) declared.set(namespace, preferred);
      return declared.get(namespace)!;
    },
  };
  return { typing, declared };
}
const t = (type: string, value: unknown) => ({ attributes: { 'xsi:type': type }, $value: value });
const array11 = (arrayType: string) => ({ 'xsi:type': 'soapenc:Array', 'soapenc:arrayType': arrayType });

describe('withXsiTypes', () => {
  it('types simple parts by the XSD prefix the WSDL binds, whatever its name', () => {
    expect(
      withXsiTypes(
        { id: 'U-1', pageSize: 5, active: false },
        { id: 'xs:string', pageSize: 'xs:int', active: 'xs:boolean' },
        context().typing,
      ),
    ).toEqual({ id: t('xsd:string', 'U-1'), pageSize: t('xsd:int', 5), active: t('xsd:boolean', false) });
  });

  it("types a value of the WSDL's own simple type with its name, declaring its namespace", () => {
    const { typing, declared } = context();
    expect(
      withXsiTypes({ state: 'on', other: 'on' }, { state: status, other: 'tns:Status' }, typing),
    ).toEqual({
      state: t('types:Status', 'on'),
      other: t('types:Status', 'on'),
    });
    expect(declared.get(TNS)).toBe('types');
    // An anonymous simple type is written as the type it restricts.
    const inline = node('simpleType', {}, node('restriction', { base: 'xs:int' }));
    expect(withXsiTypes({ n: 3 }, { n: inline }, typing)).toEqual({ n: t('xsd:int', 3) });
  });

  it('writes an array part with SOAP 1.1 arrayType: its item type and size, each item typed', () => {
    const { typing, declared } = context();
    expect(
      withXsiTypes(
        { ids: { id: ['a', 'b', 'c'] }, bare: ['x'], states: ['on'], none: [] },
        { ids: strings, bare: 'tns:ArrayOfString', states: statuses, none: strings },
        typing,
      ),
    ).toEqual({
      ids: {
        attributes: array11('xsd:string[3]'),
        id: [t('xsd:string', 'a'), t('xsd:string', 'b'), t('xsd:string', 'c')],
      },
      bare: { attributes: array11('xsd:string[1]'), item: [t('xsd:string', 'x')] },
      states: { attributes: array11('types:Status[1]'), item: [t('types:Status', 'on')] },
      none: { attributes: array11('xsd:string[0]'), item: [] },
    });
    expect(declared.get(SOAP11_ENCODING)).toBe('soapenc');
  });

  it('writes an array under SOAP 1.2 encoding with itemType and arraySize', () => {
    const { typing, declared } = context(SOAP12_ENCODING);
    expect(withXsiTypes({ ids: { id: ['a', 'b'] } }, { ids: strings }, typing)).toEqual({
      ids: {
        attributes: { 'enc:itemType': 'xsd:string', 'enc:arraySize': '2' },
        id: [t('xsd:string', 'a'), t('xsd:string', 'b')],
      },
    });
    expect(declared.get(SOAP12_ENCODING)).toBe('enc');
  });

  it('sends a list given for a simple part as an array of that type', () => {
    expect(
      withXsiTypes({ memberId: { memberId: ['a', 'b'] } }, { memberId: 'xs:string' }, context().typing),
    ).toEqual({
      memberId: {
        attributes: array11('xsd:string[2]'),
        memberId: [t('xsd:string', 'a'), t('xsd:string', 'b')],
      },
    });
  });

  it('types the elements of a struct part, its arrays and structs items included', () => {
    const typing = context().typing;
    expect(
      withXsiTypes({ user: { userName: 'ann', status: 'on', roles: ['r1'], extra: 'x' } }, { user }, typing),
    ).toEqual({
      user: {
        userName: t('xsd:string', 'ann'),
        status: t('types:Status', 'on'),
        roles: { attributes: array11('xsd:string[1]'), item: [t('xsd:string', 'r1')] },
        extra: 'x',
      },
    });
    expect(withXsiTypes({ people: { user: [{ userName: 'a' }] } }, { people: users }, typing)).toEqual({
      people: { attributes: array11('types:User[1]'), user: [{ userName: t('xsd:string', 'a') }] },
    });
    expect(withXsiTypes({ m: [[1, 2]] }, { m: matrix }, typing)).toEqual({
      m: {
        attributes: array11('xsd:int[][1]'),
        item: [{ attributes: array11('xsd:int[2]'), item: [t('xsd:int', 1), t('xsd:int', 2)] }],
      },
    });
  });

  it('leaves values of undeclared parts and unknown types untyped', () => {
    expect(withXsiTypes({ other: 'v', custom: 'w' }, { custom: 'tns:Code' }, context().typing)).toEqual({
      other: 'v',
      custom: 'w',
    });
    expect(withXsiTypes({ a: 1 }, undefined, context().typing)).toEqual({ a: 1 });
  });
});
