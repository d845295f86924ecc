/**
 * The filters the connector sends (RFC 7644 §3.4.2.2): `attr eq "value"` with the value as a JSON
 * literal, so quotes and backslashes are escaped. A value path is written as Entra writes it
 * (`emails[type eq "work"].value eq "x"`) or as the RFC does (`emails[type eq "work" and value eq "x"]`).
 */
import { printLiteral } from '../../scim/filter/index.js';
import type { JsonValue } from '../../shared/json.js';
import { ConnectorError } from '../spi/index.js';
import { compileScimPath, readPath } from './scim-paths.js';
import type { ScimBehaviour } from './scim-profiles.js';
import type { JsonObject } from '../../shared/json.js';

function literal(value: JsonValue, behaviour: ScimBehaviour): string {
  if (typeof value === 'boolean' && behaviour.booleansAsStrings) return JSON.stringify(String(value));
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return printLiteral(value);
  }
  throw new ConnectorError('schema_violation', 'find() needs a string, number or boolean value to filter on');
}

/** The filter matching resources whose attribute at `text` equals `value`. */
export function equalityFilter(text: string, value: JsonValue, behaviour: ScimBehaviour): string {
  const path = compileScimPath(text);
  const operand = literal(value, behaviour);
  const attribute = path.urn === undefined ? path.attribute : `${path.urn}:${path.attribute}`;
  if (path.isManager) return `${attribute}.value eq ${operand}`;
  if (path.entry !== undefined) {
    if (behaviour.entraStyle) return `${text} eq ${operand}`;
    const fields = path.entry.map(([name, v]) => `${name} eq ${printLiteral(v)}`);
    return `${attribute}[${[...fields, `${path.sub} eq ${operand}`].join(' and ')}]`;
  }
  return `${text} eq ${operand}`;
}

/**
 * Whether a resource the target answered may have the value: some targets ignore filters they do
 * not support and answer every resource, and adopting one of those would link the wrong account.
 * A resource that does not return the attribute at all is given the benefit of the doubt.
 */
export function holdsValue(resource: JsonObject, text: string, value: JsonValue): boolean {
  const held = readPath(resource, compileScimPath(text));
  if (held === undefined || held === null) return true;
  const matches = (candidate: JsonValue | undefined): boolean => {
    if (Array.isArray(candidate)) return candidate.some(matches);
    if (typeof candidate === 'string' && typeof value === 'string')
      return candidate.toLowerCase() === value.toLowerCase();
    if (typeof candidate === 'string' && typeof value === 'boolean')
      return candidate.toLowerCase() === String(value);
    return candidate === value;
  };
  return matches(held);
}
