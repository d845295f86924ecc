/**
 * The `attributes` / `excludedAttributes` parameters (RFC 7644 §3.4.2.5, §3.9): a comma-separated
 * list of attribute paths, `name`, `name.sub`, or URN-qualified (`urn:...:User:name.givenName`),
 * or a bare schema URN meaning the whole extension.
 */
import { ScimError } from '../scim-error.js';

/** One entry of an attribute list. `text` is the entry as written (trimmed). */
export interface AttributeSelector {
  readonly text: string;
  readonly uri?: string;
  readonly name: string;
  readonly subAttr?: string;
}

/** RFC 7643 §2.1 ATTRNAME, plus `$ref`. */
const NAME = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/;
const MAX_ENTRIES = 1000;

/**
 * Parses one attribute path. A URN-qualified path is split at its last colon, so the dots of
 * `2.0` stay in the URN. Throws ScimError invalidPath naming the entry.
 */
export function parseAttributeSelector(text: string, parameter = 'attributes'): AttributeSelector {
  let uri: string | undefined;
  let rest = text;
  if (text.length > 4 && text.slice(0, 4).toLowerCase() === 'urn:') {
    const colon = text.lastIndexOf(':');
    uri = text.slice(0, colon);
    rest = text.slice(colon + 1);
  }
  const dot = rest.indexOf('.');
  const name = dot < 0 ? rest : rest.slice(0, dot);
  const subAttr = dot < 0 ? undefined : rest.slice(dot + 1);
  // A bare URN (`urn:...:2.0:User`) ends in a name-like segment, and `2.0` style segments only
  // occur inside URNs; both are accepted here and told apart by the resolver at projection time.
  const nameOk = NAME.test(name) || (uri !== undefined && name.length > 0);
  if (!nameOk || (subAttr !== undefined && !NAME.test(subAttr) && uri === undefined)) {
    throw ScimError.invalidPath(`${parameter}: invalid attribute path ${JSON.stringify(text)}`);
  }
  return {
    text,
    name,
    ...(uri !== undefined ? { uri } : {}),
    ...(subAttr !== undefined ? { subAttr } : {}),
  };
}

/** Parses `userName,name.givenName,urn:...:employeeNumber`; empty entries are skipped. */
export function parseAttributeList(text: string, parameter = 'attributes'): AttributeSelector[] {
  const out: AttributeSelector[] = [];
  for (const part of text.split(',')) {
    const entry = part.trim();
    if (entry.length === 0) continue;
    if (out.length >= MAX_ENTRIES)
      throw ScimError.invalidValue(`${parameter}: more than ${MAX_ENTRIES} entries`);
    out.push(parseAttributeSelector(entry, parameter));
  }
  return out;
}
