/**
 * Deviations from RFC 7644 §3.5.2 that real identity providers send, and how PATCH accepts them.
 * Each row is covered by a test in patch-tolerances.test.ts (T11 and T12 in
 * patch-singular-array.test.ts); strict RFC input is never read differently because of them.
 *
 * | #   | Sender          | What arrives                                                        | What Provisio does                                                                  |
 * | --- | --------------- | ------------------------------------------------------------------- | ----------------------------------------------------------------------------------- |
 * | T1  | Microsoft Entra | `"op": "Replace"`, `"Add"`, `"Remove"` (capitalised)                 | op names are compared case-insensitively                                             |
 * | T2  | Microsoft Entra | booleans as strings: `"active": "False"`, `"True"`                   | converted to a boolean when the target attribute or sub-attribute is boolean         |
 * | T3  | Microsoft Entra | path-less add/replace with dotted keys `{"name.givenName": "x"}`     | each such key is applied as if it were the operation's `path`                        |
 * | T4  | Microsoft Entra | path-less keys with a URN prefix: `{"urn:...:User:employeeNumber": "7"}`, `{"urn:...:User:manager": {"value": "id"}}` | applied as the URN-qualified attribute path |
 * | T5  | Microsoft Entra | `{"op":"Remove","path":"members","value":[{"value":"id"}]}`          | removes only the listed values (matched on `value`), not the whole attribute        |
 * | T6  | Microsoft Entra | `{"op":"Add","path":"emails[type eq \"work\"].value","value":"a@b"}` when no work email exists | creates `{"type":"work","value":"a@b"}`; with a match, sets the sub-attribute of the matches |
 * | T7  | Okta            | `{"op":"replace","value":{"active":false}}` (path-less replace)      | RFC-valid; listed because it is Okta's deactivation call                             |
 * | T8  | Okta            | path-less replace echoing read-only `id`: `{"id":"…","displayName":"x"}` | a read-only attribute whose value equals the current one is ignored             |
 * | T9  | several         | add/replace of a multi-valued attribute with one value, not an array | the value is wrapped in a one-element array                                          |
 * | T10 | Microsoft Entra | `{"path":"urn:...:User:manager","value":"id"}`: a bare value for a complex attribute | taken as `{"value": "id"}` when the attribute has a `value` sub-attribute  |
 * | T11 | Microsoft Entra | `{"op":"Add","path":"manager","value":[{"$ref":"…","value":"id"}]}`: a singular complex attribute as a one-element array | the one element is the value; two or more elements (or none) are 400 invalidValue naming the attribute |
 * | T12 | Microsoft Entra | the unqualified path `manager` for `urn:...:enterprise:2.0:User:manager` | an unqualified name the core schema lacks resolves to the one extension that defines it (RFC 7644 §3.10); a name several extensions define does not resolve |
 *
 * Entra documents T1–T5 in "Known issues and resolutions with SCIM 2.0 protocol compliance of the
 * Microsoft Entra user provisioning service" and its SCIM endpoint tutorial; T6 is what Entra sends
 * when a mapped email changes and the endpoint is expected to create the typed value. T7/T8 follow
 * Okta's SCIM 2.0 reference (user deactivation, group rename).
 */
import type { Filter } from '../filter/filter-ast.js';
import type { AttributeDefinition } from '../schema/schema-types.js';
import { ScimError } from '../scim-error.js';
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { PatchOpName } from './patch-types.js';

const opNames: ReadonlyMap<string, PatchOpName> = new Map([
  ['add', PatchOpName.add],
  ['remove', PatchOpName.remove],
  ['replace', PatchOpName.replace],
]);

/** T1: the operation name, case-insensitively; undefined when it is none of the three. */
export function normaliseOpName(raw: string): PatchOpName | undefined {
  return opNames.get(raw.toLowerCase());
}

/** T2: "true"/"false" in any case as a boolean; undefined for any other string. */
export function coerceBooleanString(raw: string): boolean | undefined {
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return undefined;
}

/**
 * T11: the value of a singular complex attribute sent as a one-element array, unwrapped; any other
 * value is returned as it is. Also used for POST and PUT bodies (validate-resource.ts).
 * @throws ScimError invalidValue for an array of any other length.
 */
export function unwrapSingularComplex(def: AttributeDefinition, value: JsonValue, where: string): JsonValue {
  if (def.type !== 'complex' || def.multiValued || !Array.isArray(value)) return value;
  if (value.length === 1) return value[0] as JsonValue;
  throw ScimError.invalidValue(
    `${where}: "${def.name}" is single-valued; expected one value, got an array of ${value.length}`,
  );
}

/** An attribute path written as a JSON key of a path-less operation value (T3, T4). */
export interface ValueKeyPath {
  readonly uri?: string;
  readonly name: string;
  readonly subAttr?: string;
}

/**
 * T3/T4: split a key like `name.givenName` or `urn:...:2.0:User:manager` into its parts.
 * A plain key (`userName`) comes back as `{ name }`. The URN form is split at its last colon,
 * which is where RFC 7644 §3.10 puts the attribute name.
 */
export function splitValueKey(key: string): ValueKeyPath {
  let uri: string | undefined;
  let rest = key;
  if (key.slice(0, 4).toLowerCase() === 'urn:') {
    const colon = key.lastIndexOf(':');
    uri = key.slice(0, colon);
    rest = key.slice(colon + 1);
  }
  const dot = rest.indexOf('.');
  const name = dot < 0 ? rest : rest.slice(0, dot);
  const subAttr = dot < 0 ? undefined : rest.slice(dot + 1);
  return {
    ...(uri !== undefined ? { uri } : {}),
    name,
    ...(subAttr !== undefined ? { subAttr } : {}),
  };
}

/**
 * T6: the value an `add` through a value filter creates when nothing matches. Only a filter made
 * of `eq` comparisons joined by `and` (`type eq "work"`) says unambiguously what the new value
 * holds; anything else gives undefined and the caller reports noTarget.
 */
export function valueFromEqualityFilter(filter: Filter): JsonObject | undefined {
  const out: JsonObject = {};
  const collect = (node: Filter): boolean => {
    if (node.kind === 'and') return collect(node.left) && collect(node.right);
    if (node.kind !== 'compare' || node.op !== 'eq') return false;
    if (node.path.uri !== undefined || node.path.subAttr !== undefined || node.value === null) return false;
    if (Object.hasOwn(out, node.path.name)) return false;
    // defineProperty: a name such as `__proto__` becomes a key, never the object's prototype.
    Object.defineProperty(out, node.path.name, {
      value: node.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    return true;
  };
  return collect(filter) ? out : undefined;
}
