/** Tolerant readers for list answers: `{ <key>: [...] }`, `{ items: [...] }`, `{ Resources: [...] }` or a bare array. */
export function listOf<T>(data: unknown, key: string): T[] {
  if (Array.isArray(data)) return data as T[];
  if (data !== null && typeof data === 'object') {
    const record = data as Record<string, unknown>;
    for (const k of [key, 'items', 'Resources', 'entries']) {
      if (Array.isArray(record[k])) return record[k] as T[];
    }
  }
  return [];
}
