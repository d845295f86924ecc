import { createHash } from 'node:crypto';
import type { AppDefinition } from '../apps/app-definition.js';

/**
 * JSON text of `value` with object keys in code-point order and `undefined` members dropped;
 * arrays keep their order (mappings, roles and clause lists are shown in the order written).
 * Two definitions with the same text are the same definition, however their keys were ordered.
 */
export function canonicalDefinitionJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalDefinitionJson(item)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalDefinitionJson(record[key])}`).join(',')}}`;
}

/** SHA-256 (hex) of the definition's canonical JSON: what putApp compares to bump the version. */
export function definitionHash(definition: AppDefinition): string {
  return createHash('sha256').update(canonicalDefinitionJson(definition)).digest('hex');
}
