/**
 * The `attributes` / `excludedAttributes` parameters (RFC 7644 §3.4.2.5, §3.9): a comma-separated
 * list of attribute paths, `name`, `name.sub`, or URN-qualified (`urn:...:User:name.givenName`),
 * or a bare schema URN meaning the whole extension.
 *
 * Tolerance: an entry may carry a value filter as a PATCH path does (`emails[type eq "work"]`,
 * `emails[type eq "work"].value`). RFC 7644 §3.9 defines the parameters as attribute names only,
 * but clients send these to ask for one typed value; the projection then keeps (or, in
 * excludedAttributes, drops) only the values the filter matches. Commas inside the brackets or
 * inside quoted literals do not split the list.
 */
import type { Filter } from '../filter/filter-ast.js';
import { parsePatchPath } from '../filter/filter-parser.js';
import { ScimError } from '../scim-error.js';

/** One entry of an attribute list. `text` is the entry as written (trimmed). */
export interface AttributeSelector {
  readonly text: string;
  readonly uri?: string;
  readonly name: string;
  readonly subAttr?: string;
  /** The value filter of `emails[type eq "work"]` (see the header's tolerance). */
  readonly filter?: Filter;
}

/** RFC 7643 §2.1 ATTRNAME, plus `$ref`. */
const NAME = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/;
const MAX_ENTRIES = 1000;

/**
 * Parses one attribute path. A URN-qualified path is split at its last colon, so the dots of
 * `2.0` stay in the URN. Throws ScimError invalidPath naming the entry.
 */
export function parseAttributeSelector(text: string, parameter = 'attributes'): AttributeSelector {
  if (text.includes('[')) return parseFilteredSelector(text, parameter);
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

/** `emails[type eq "work"]` or `emails[type eq "work"].value`, parsed as a PATCH path is. */
function parseFilteredSelector(text: string, parameter: string): AttributeSelector {
  let path;
  try {
    path = parsePatchPath(text);
  } catch (error) {
    const detail = error instanceof ScimError ? error.detail : 'malformed path';
    throw ScimError.invalidPath(`${parameter}: invalid attribute path ${JSON.stringify(text)}: ${detail}`);
  }
  const { attr, valueFilter, subAttr } = path;
  const sub = subAttr ?? attr.subAttr;
  const out: { -readonly [K in keyof AttributeSelector]: AttributeSelector[K] } = { text, name: attr.name };
  if (attr.uri !== undefined) out.uri = attr.uri;
  if (sub !== undefined) out.subAttr = sub;
  if (valueFilter !== undefined) out.filter = valueFilter;
  return out;
}

/** Splits at commas outside brackets and quoted strings (a value filter may contain both). */
function splitEntries(text: string): string[] {
  if (!text.includes('[')) return text.split(',');
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) quoted = false;
    } else if (c === 0x22) quoted = true;
    else if (c === 0x5b /* [ */) depth++;
    else if (c === 0x5d /* ] */ && depth > 0) depth--;
    else if (c === 0x2c /* , */ && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Parses `userName,name.givenName,urn:...:employeeNumber`; empty entries are skipped. */
export function parseAttributeList(text: string, parameter = 'attributes'): AttributeSelector[] {
  const out: AttributeSelector[] = [];
  for (const part of splitEntries(text)) {
    const entry = part.trim();
    if (entry.length === 0) continue;
    if (out.length >= MAX_ENTRIES)
      throw ScimError.invalidValue(`${parameter}: more than ${MAX_ENTRIES} entries`);
    out.push(parseAttributeSelector(entry, parameter));
  }
  return out;
}
