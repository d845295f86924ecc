/**
 * The types a WSDL declares for rpc/encoded arguments, as the typing of their values needs them
 * (soap-xsi-types.ts). The `soap` package's `describe()` answers a part of an XML Schema built-in
 * type as its `prefix:type` text and a part of a type the WSDL defines as that type's schema node;
 * this reads either into one of three shapes: a simple type (a built-in, or a WSDL `simpleType`
 * restricting one, such as an enumeration), a SOAP-encoded array (a `complexType` restricting
 * `soapenc:Array`, its items' type from `wsdl:arrayType` or from its one repeated element), or a
 * struct (any other `complexType`, its elements' declared types by name).
 */

/** The XML Schema namespace: its types are the built-in ones. */
export const XSD_NAMESPACE = 'http://www.w3.org/2001/XMLSchema';
/** SOAP 1.1 §5 encoding. */
export const SOAP11_ENCODING = 'http://schemas.xmlsoap.org/soap/encoding/';
/** SOAP 1.2 part 2 §3 encoding. */
export const SOAP12_ENCODING = 'http://www.w3.org/2003/05/soap-encoding';

/** A qualified name: a namespace and a local name. */
export interface QName {
  readonly namespace: string;
  readonly local: string;
}

/** A declared type as the values of it are written. */
export type DeclaredType =
  | { readonly kind: 'simple'; readonly name: QName }
  /** `item` undefined when the WSDL does not say what the array holds. */
  | { readonly kind: 'array'; readonly item: DeclaredType | undefined }
  | {
      readonly kind: 'struct';
      readonly name: QName | undefined;
      readonly children: ReadonlyMap<string, unknown>;
    };

/** What the WSDL's definitions hold that the reading needs. */
export interface SchemaDefinitions {
  /** Prefix -> namespace, as the WSDL's definitions bind them. */
  readonly xmlns: Readonly<Record<string, string>>;
  /** Target namespace -> the schema's named types. */
  readonly schemas: Readonly<Record<string, SchemaTypes | undefined>>;
}

interface SchemaTypes {
  readonly xmlns?: Readonly<Record<string, string>>;
  readonly types?: Readonly<Record<string, unknown>>;
  readonly complexTypes?: Readonly<Record<string, unknown>>;
}

/** A schema node as the package parses it: its tag's local name, attributes as `$name`, children. */
interface SchemaNode {
  readonly name?: unknown;
  readonly nsName?: unknown;
  readonly $name?: unknown;
  readonly $type?: unknown;
  readonly $base?: unknown;
  readonly children?: unknown;
  readonly [attribute: string]: unknown;
}

const QUALIFIED = /^(?:([\w.-]+):)?([\w.-]+)((?:\[[^\]]*\])*)$/u;

function isNode(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tagOf(node: SchemaNode): string {
  if (typeof node.name === 'string') return node.name;
  return typeof node.nsName === 'string' ? node.nsName.slice(node.nsName.indexOf(':') + 1) : '';
}

function childrenOf(node: SchemaNode): SchemaNode[] {
  return Array.isArray(node.children) ? (node.children as unknown[]).filter(isNode) : [];
}

/** Reads declared types against one WSDL's schemas. */
export class SchemaReader {
  readonly #definitions: SchemaDefinitions;
  /** Every named schema type node -> its name, for the nodes `describe()` answers. */
  readonly #names = new Map<unknown, QName>();

  constructor(definitions: SchemaDefinitions) {
    this.#definitions = definitions;
    for (const [namespace, schema] of Object.entries(definitions.schemas)) {
      for (const named of [schema?.types, schema?.complexTypes])
        for (const [local, node] of Object.entries(named ?? {})) this.#names.set(node, { namespace, local });
    }
  }

  /** The declared type of a part or element: `prefix:type` text or a schema node. */
  read(declared: unknown, depth = 0): DeclaredType | undefined {
    // A schema that names itself (an array of itself) ends here rather than overflowing.
    if (depth > 32) return undefined;
    if (typeof declared === 'string') return this.#readName(declared, depth);
    if (!isNode(declared)) return undefined;
    const tag = tagOf(declared);
    if (tag === 'element') {
      if (typeof declared.$type === 'string') return this.#readName(declared.$type, depth);
      const inline = childrenOf(declared).find((c) => ['simpleType', 'complexType'].includes(tagOf(c)));
      return inline === undefined ? undefined : this.read(inline, depth + 1);
    }
    if (tag === 'simpleType') {
      const name = this.#names.get(declared);
      if (name !== undefined) return { kind: 'simple', name };
      // An anonymous simple type is written as the type it restricts.
      const restriction = childrenOf(declared).find((c) => tagOf(c) === 'restriction');
      return typeof restriction?.$base === 'string' ? this.#readName(restriction.$base, depth) : undefined;
    }
    if (tag === 'complexType') return this.#readComplex(declared, depth);
    return undefined;
  }

  #readName(text: string, depth: number): DeclaredType | undefined {
    const match = QUALIFIED.exec(text);
    if (match === null) return undefined;
    const [, prefix, local, ranks] = match;
    if (ranks !== '') {
      // `xsd:string[][]`: an array whose items are `xsd:string[]`.
      const inner = text.slice(0, text.lastIndexOf('['));
      return { kind: 'array', item: this.#readName(inner, depth + 1) };
    }
    const namespace = this.#namespaceOf(prefix);
    if (namespace === undefined) return undefined;
    if (namespace === XSD_NAMESPACE) return { kind: 'simple', name: { namespace, local: local! } };
    const schema = this.#definitions.schemas[namespace];
    const node = schema?.types?.[local!] ?? schema?.complexTypes?.[local!];
    return node === undefined ? undefined : this.read(node, depth + 1);
  }

  #readComplex(node: SchemaNode, depth: number): DeclaredType {
    const name = this.#names.get(node);
    const content = childrenOf(node).find((c) => tagOf(c) === 'complexContent');
    const derivation =
      content && childrenOf(content).find((c) => ['restriction', 'extension'].includes(tagOf(c)));
    if (
      derivation !== undefined &&
      typeof derivation.$base === 'string' &&
      this.#isEncodedArray(derivation.$base)
    )
      return { kind: 'array', item: this.#arrayItem(derivation, depth) };
    const children = new Map<string, unknown>();
    const walk = (at: SchemaNode) => {
      for (const child of childrenOf(at)) {
        if (tagOf(child) === 'element' && typeof child.$name === 'string')
          children.set(child.$name, typeof child.$type === 'string' ? child.$type : child);
        else walk(child);
      }
    };
    walk(node);
    return { kind: 'struct', name, children };
  }

  /** `soapenc:Array` of either SOAP version's encoding. */
  #isEncodedArray(base: string): boolean {
    const match = QUALIFIED.exec(base);
    if (match === null || match[2] !== 'Array') return false;
    const namespace = this.#namespaceOf(match[1]);
    return namespace === SOAP11_ENCODING || namespace === SOAP12_ENCODING;
  }

  /**
   * The items' type of an array restriction: `<attribute ref="soapenc:arrayType"
   * wsdl:arrayType="xsd:string[]"/>` (WSDL 1.1 §5, the usual form), or the one element of its
   * sequence (`<element name="item" type="xsd:string" maxOccurs="unbounded"/>`).
   */
  #arrayItem(restriction: SchemaNode, depth: number): DeclaredType | undefined {
    let element: SchemaNode | undefined;
    const walk = (at: SchemaNode): string | undefined => {
      for (const child of childrenOf(at)) {
        if (tagOf(child) === 'attribute') {
          const key = Object.keys(child).find(
            (k) => k.startsWith('$') && /(?:^\$|:)arrayType$/u.test(k) && k !== '$ref',
          );
          if (key !== undefined && typeof child[key] === 'string') return child[key];
        } else if (tagOf(child) === 'element') element ??= child;
        else {
          const found = walk(child);
          if (found !== undefined) return found;
        }
      }
      return undefined;
    };
    const arrayType = walk(restriction);
    if (arrayType !== undefined) {
      // `xsd:string[]` holds `xsd:string`; `xsd:string[][]` holds `xsd:string[]`.
      const inner = arrayType.slice(0, arrayType.lastIndexOf('['));
      return this.#readName(inner, depth + 1);
    }
    return element === undefined ? undefined : this.read(element, depth + 1);
  }

  #namespaceOf(prefix: string | undefined): string | undefined {
    if (prefix === undefined) return undefined;
    const bound = this.#definitions.xmlns[prefix];
    if (bound !== undefined) return bound;
    for (const schema of Object.values(this.#definitions.schemas)) {
      const found = schema?.xmlns?.[prefix];
      if (found !== undefined) return found;
    }
    return undefined;
  }
}
