/**
 * Comparing what a mapping produced with what was exported before: per-attribute changes, and a
 * stable hash so an unchanged object sends nothing.
 *
 * Both objects are flattened to leaf paths written the way mappings name targets: `userName`,
 * `name.givenName`, `urn:...:User:department`, `emails[type eq "work"].value` (entries of a
 * multi-valued attribute that carry a `type` are told apart by it). Only paths present in the new
 * object are compared: a mapping that did not flow (apply on create only, IgnoreFlowIfNullOrEmpty)
 * leaves its attribute alone. A `null` leaf means "clear"; an absent old value counts as null.
 * Attribute names and `type` values compare case-insensitively (RFC 7643 §2.1); values compare
 * exactly, with multi-valued lists as unordered (RFC 7643 §2.4).
 */
import { hash } from 'node:crypto';
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import { isSourceReference } from '../source/source-object.js';

/** One attribute whose value changes. */
export interface AttributeChange {
  /** The leaf path, spelled as in the new object. */
  readonly path: string;
  readonly old: JsonValue;
  readonly new: JsonValue;
  /** True when the path is among `redactedPaths`: logs show "[Redact]" for both values. */
  readonly redacted: boolean;
}

/** Options of diffTargetObjects. */
export interface DiffOptions {
  /** The MappedObject's redactedPaths, to flag those changes. */
  readonly redactedPaths?: readonly string[];
}

interface Leaf {
  readonly path: string;
  readonly value: JsonValue;
}

/** The per-attribute changes that turn `old` (may be undefined: nothing exported yet) into `next`. */
export function diffTargetObjects(
  old: JsonObject | undefined,
  next: JsonObject,
  options: DiffOptions = {},
): AttributeChange[] {
  const before = old ? flatten(old) : new Map<string, Leaf>();
  const after = flatten(next);
  const redacted = new Set((options.redactedPaths ?? []).map((p) => p.toLowerCase()));
  const changes: AttributeChange[] = [];
  for (const [key, leaf] of after) {
    const previous = before.get(key)?.value ?? null;
    if (canonicalJson(previous) === canonicalJson(leaf.value)) continue;
    changes.push({ path: leaf.path, old: previous, new: leaf.value, redacted: redacted.has(key) });
  }
  return changes;
}

/**
 * A SHA-256 of the object's canonical JSON (keys sorted case-insensitively, multi-valued lists
 * sorted, null leaves dropped), hex-encoded: equal for objects that export the same.
 */
export function hashTargetObject(object: JsonObject): string {
  // crypto.hash skips the Hash object: a fraction of createHash's cost for one short text, and
  // this runs for every object of every cycle.
  return hash('sha256', canonicalJson(object), 'hex');
}

/** Canonical JSON text: the basis of equality and hashing. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    const parts = new Array<string>(value.length);
    for (let i = 0; i < value.length; i++) parts[i] = canonicalJson(value[i]!);
    return `[${parts.sort().join(',')}]`;
  }
  const keys: string[] = [];
  const lowers: string[] = [];
  for (const key of Object.keys(value)) {
    const inner = value[key];
    if (inner === null || inner === undefined) continue;
    // Insertion sort by lowered key, then key: objects are small, and this allocates nothing.
    const lower = keyText(key).lower;
    let at = keys.length;
    keys.push(key);
    lowers.push(lower);
    for (; at > 0 && comesAfter(lowers[at - 1]!, keys[at - 1]!, lower, key); at--) {
      keys[at] = keys[at - 1]!;
      lowers[at] = lowers[at - 1]!;
    }
    keys[at] = key;
    lowers[at] = lower;
  }
  let text = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (i > 0) text += ',';
    text += keyText(key).json;
    text += canonicalJson(value[key]!);
  }
  return `${text}}`;
}

function comesAfter(lowerA: string, keyA: string, lowerB: string, keyB: string): boolean {
  return lowerA > lowerB || (lowerA === lowerB && keyA > keyB);
}

/** A key lowered, and lowered as JSON with its colon: the same few attribute names every time. */
interface KeyText {
  readonly lower: string;
  readonly json: string;
}

const keyTexts = new Map<string, KeyText>();
/** Enough for every attribute name of any mapping; keys of values beyond it are not remembered. */
const KEY_TEXTS_LIMIT = 10_000;

function keyText(key: string): KeyText {
  let text = keyTexts.get(key);
  if (text === undefined) {
    const lower = key.toLowerCase();
    text = { lower, json: `${JSON.stringify(lower)}:` };
    if (keyTexts.size < KEY_TEXTS_LIMIT) keyTexts.set(key, text);
  }
  return text;
}

function flatten(object: JsonObject): Map<string, Leaf> {
  const leaves = new Map<string, Leaf>();
  const add = (path: string, value: JsonValue): void => {
    leaves.set(path.toLowerCase(), { path, value });
  };
  const visitAttribute = (prefix: string, name: string, value: JsonValue): void => {
    const path = `${prefix}${name}`;
    if (isJsonObject(value) && !isSourceReference(value)) {
      for (const [sub, subValue] of Object.entries(value)) add(`${path}.${sub}`, subValue);
      return;
    }
    if (Array.isArray(value) && value.length > 0 && value.every(isTypedEntry)) {
      for (const entry of value as JsonObject[]) {
        const type = entry.type as string;
        for (const [sub, subValue] of Object.entries(entry)) {
          if (sub.toLowerCase() === 'type') continue;
          add(`${path}[type eq ${JSON.stringify(type.toLowerCase())}].${sub}`, subValue);
        }
      }
      return;
    }
    add(path, value);
  };
  for (const [key, value] of Object.entries(object)) {
    if (key.toLowerCase().startsWith('urn:') && isJsonObject(value)) {
      for (const [name, inner] of Object.entries(value)) visitAttribute(`${key}:`, name, inner);
    } else {
      visitAttribute('', key, value);
    }
  }
  return leaves;
}

function isTypedEntry(value: JsonValue): boolean {
  return isJsonObject(value) && typeof value.type === 'string' && !isSourceReference(value);
}
