/** JSON values as they cross every boundary of the system (HTTP bodies, stored resources, config). */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A deep copy of a JSON value. Strings, numbers, booleans and null come back as they are (they are
 * immutable), so copying an object of mostly plain values allocates little; several times cheaper
 * than structuredClone for the small values attributes hold.
 */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const copy = new Array<JsonValue>(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = cloneJson(value[i]!);
    return copy as T;
  }
  const copy: JsonObject = {};
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const item = cloneJson((value as JsonObject)[key]!);
    // An own "__proto__" key (JSON.parse makes one) stays a key instead of setting the prototype.
    if (key === '__proto__')
      Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    else copy[key] = item;
  }
  return copy as T;
}
