/**
 * rpc/encoded bodies say the type of every value (SOAP 1.1 §5: `xsi:type` on each accessor whose
 * type the message does not fix by itself), and services built on SOAP encoding (Axis 1, older
 * .NET and PHP SoapServer) read an untyped value as a string or refuse it. The `soap` package
 * writes rpc arguments untyped, so the connector types them as the WSDL declares each part and
 * each element of a struct part (soap-schema-types.ts):
 *
 * - a value of a simple type gets its `xsi:type`: an XML Schema built-in (`xsd:int`) or the
 *   WSDL's own simple type (`tns:Status`, an enumeration), its prefix declared in the envelope;
 * - an array (a part of a SOAP-encoded array type, or a list given for a part of a simple type)
 *   says what it holds and how many: SOAP 1.1 §5.4.2 `xsi:type="soapenc:Array"
 *   soapenc:arrayType="xsd:string[3]"`, or under SOAP 1.2 encoding (part 2 §3.1.4)
 *   `enc:itemType="xsd:string" enc:arraySize="3"`, each item typed in turn;
 * - a struct is written as it is, its elements typed by their declared types.
 *
 * Values of types the WSDL does not declare stay as they are.
 */
import {
  SOAP12_ENCODING,
  XSD_NAMESPACE,
  type DeclaredType,
  type QName,
  type SchemaReader,
} from './soap-schema-types.js';

/**
 * What the package's `describe()` answers for an operation's input: part name -> `prefix:type`
 * text for a part of a built-in type, or the schema node of a type the WSDL defines.
 */
export type DeclaredParts = Record<string, unknown>;

/** What typing an operation's arguments needs. */
export interface TypingContext {
  readonly schema: SchemaReader;
  /** The operation's SOAP encoding (its body's `encodingStyle`): SOAP 1.1's or SOAP 1.2's. */
  readonly encoding: string;
  /** The prefix the message names a namespace with, declared in the envelope if it was not. */
  readonly prefixFor: (namespace: string, preferred: string) => string;
}

/** A list given for an array: the items, and the accessor name holding them when given as one. */
interface GivenList {
  readonly items: readonly unknown[];
  readonly key: string | undefined;
}

class Typer {
  readonly #context: TypingContext;

  constructor(context: TypingContext) {
    this.#context = context;
  }

  /** The value written with its declared type; `part` when it is a whole rpc part. */
  typed(value: unknown, declared: DeclaredType | undefined, part: boolean): unknown {
    if (declared?.kind === 'array') {
      const list = listOf(value);
      return list === undefined ? value : this.#array(list, declared.item);
    }
    if (declared?.kind === 'simple') {
      if (isScalar(value)) return { attributes: { 'xsi:type': this.#written(declared.name) }, $value: value };
      // rpc has one accessor per part, so a list for a simple part is an array of that type.
      const list = part ? listOf(value) : undefined;
      if (list !== undefined) return this.#array(list, declared);
      // Repeated elements of a struct, each of the element's type.
      if (Array.isArray(value)) return value.map((item) => this.typed(item, declared, false));
      if (isRecord(value)) return mapEntries(value, (child) => this.typed(child, declared, false));
      return value;
    }
    if (declared?.kind === 'struct') {
      if (Array.isArray(value)) return value.map((item) => this.typed(item, declared, false));
      if (isRecord(value))
        return mapEntries(value, (child, key) =>
          this.typed(child, this.#context.schema.read(declared.children.get(key)), false),
        );
    }
    return value;
  }

  #array(list: GivenList, item: DeclaredType | undefined): unknown {
    const { encoding, prefixFor } = this.#context;
    const enc = prefixFor(encoding, encoding === SOAP12_ENCODING ? 'enc' : 'soapenc');
    const itemType = this.#itemTypeName(item);
    const size = list.items.length;
    const attributes =
      encoding === SOAP12_ENCODING
        ? { [`${enc}:itemType`]: itemType, [`${enc}:arraySize`]: String(size) }
        : { 'xsi:type': `${enc}:Array`, [`${enc}:arrayType`]: `${itemType}[${size}]` };
    // SOAP 1.1 §5.4.2: the items' element names are not significant; `item` when none was given.
    return { attributes, [list.key ?? 'item']: list.items.map((value) => this.typed(value, item, false)) };
  }

  /** How the array's item type is named in its `arrayType` / `itemType`. */
  #itemTypeName(item: DeclaredType | undefined): string {
    const anyType = this.#written({ namespace: XSD_NAMESPACE, local: 'anyType' });
    if (item === undefined) return anyType;
    if (item.kind === 'simple') return this.#written(item.name);
    if (item.kind === 'struct') return item.name === undefined ? anyType : this.#written(item.name);
    // SOAP 1.1 names an array of arrays `xsd:string[][2]`; SOAP 1.2 has no such name.
    return this.#context.encoding === SOAP12_ENCODING ? anyType : `${this.#itemTypeName(item.item)}[]`;
  }

  #written(name: QName): string {
    const preferred = name.namespace === XSD_NAMESPACE ? 'xsd' : 'types';
    return `${this.#context.prefixFor(name.namespace, preferred)}:${name.local}`;
  }
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapEntries(
  value: Record<string, unknown>,
  map: (child: unknown, key: string) => unknown,
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, map(child, key)]));
}

/**
 * A list as given: an array, or an accessor holding one (`{ memberId: [...] }`, the form an rpc
 * list argument takes in the arguments template).
 */
function listOf(value: unknown): GivenList | undefined {
  if (Array.isArray(value)) return { items: value, key: undefined };
  if (!isRecord(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length !== 1 || !Array.isArray(entries[0]![1])) return undefined;
  return { items: entries[0]![1] as unknown[], key: entries[0]![0] };
}

/** An operation's arguments typed as the WSDL declares its parts. */
export function withXsiTypes(
  args: unknown,
  parts: DeclaredParts | undefined,
  context: TypingContext,
): unknown {
  if (parts === undefined || !isRecord(args)) return args;
  const typer = new Typer(context);
  return mapEntries(args, (value, key) => typer.typed(value, context.schema.read(parts[key]), true));
}
