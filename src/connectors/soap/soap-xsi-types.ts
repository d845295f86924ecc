/**
 * rpc/encoded bodies say the type of every value (SOAP 1.1 §5: `xsi:type` on each accessor whose
 * type the message does not fix by itself), and services built on SOAP encoding (Axis 1, older
 * .NET and PHP SoapServer) read an untyped value as a string or refuse it. The `soap` package
 * writes rpc arguments untyped, so the connector types them as the WSDL declares each part and
 * each element of a complex part: `xsd:string`, `xsd:int`, `xsd:boolean` and every other XML
 * Schema built-in type. Values of other declared types (a complex type, an array) stay as they
 * are, their own leaves typed.
 */

/** The XML Schema namespace, whose prefix the typed values name (`xsd:` in the envelope). */
export const XSD_NAMESPACE = 'http://www.w3.org/2001/XMLSchema';

/**
 * What the package's `describe()` answers for an operation's input: part name -> `prefix:type`
 * text for a simple part, or the schema node of a complex one (its element children under
 * `children`, each with `$name` and `$type`).
 */
export type DeclaredParts = Record<string, unknown>;

/** How a declared `prefix:type` is written in the body, or undefined when it is no XSD built-in. */
export type XsdTypeName = (declared: string) => string | undefined;

/** `prefix:name` -> `xsd:name` when the prefix is bound to the XML Schema namespace. */
export function xsdTypeNamer(namespaces: Readonly<Record<string, string>>): XsdTypeName {
  return (declared) => {
    const match = /^(?:([\w.-]+):)?([\w.-]+)$/u.exec(declared);
    if (match === null) return undefined;
    const [, prefix, name] = match;
    return prefix !== undefined && namespaces[prefix] === XSD_NAMESPACE ? `xsd:${name!}` : undefined;
  };
}

/** The element children a complex part's schema node declares: name -> declared type text. */
function childTypes(node: unknown): Map<string, unknown> {
  const found = new Map<string, unknown>();
  const walk = (value: unknown) => {
    if (typeof value !== 'object' || value === null) return;
    const record = value as { children?: unknown };
    for (const child of Array.isArray(record.children) ? (record.children as unknown[]) : []) {
      const element = child as { name?: unknown; $name?: unknown; $type?: unknown };
      if (typeof element.$name === 'string' && element.name === 'element') {
        found.set(element.$name, typeof element.$type === 'string' ? element.$type : element);
      } else walk(child);
    }
  };
  walk(node);
  return found;
}

/** The value written with its declared XSD type, recursively through objects and lists. */
function typed(value: unknown, declared: unknown, typeName: XsdTypeName): unknown {
  if (Array.isArray(value)) return value.map((item) => typed(item, declared, typeName));
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    const type = typeof declared === 'string' ? typeName(declared) : undefined;
    return type === undefined ? value : { attributes: { 'xsi:type': type }, $value: value };
  }
  if (typeof value !== 'object' || value === null) return value;
  // An accessor holding the items of a simple part (a list argument written `{ memberId: [...] }`):
  // the items are of the part's type.
  if (typeof declared === 'string')
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [key, typed(child, declared, typeName)]),
    );
  if (typeof declared === 'object' && declared !== null) {
    const children = childTypes(declared);
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [key, typed(child, children.get(key), typeName)]),
    );
  }
  return value;
}

/** An operation's arguments with `xsi:type` on every value the WSDL types as an XSD built-in. */
export function withXsiTypes(
  args: unknown,
  parts: DeclaredParts | undefined,
  typeName: XsdTypeName,
): unknown {
  if (parts === undefined || typeof args !== 'object' || args === null || Array.isArray(args)) return args;
  return Object.fromEntries(
    Object.entries(args).map(([key, value]) => [key, typed(value, parts[key], typeName)]),
  );
}
