/**
 * The connector's own record of the accounts it has written: a file target cannot be asked what it
 * holds, so creates, updates, disables and deletes change this record, and the full export is
 * written from it. It is kept as one JSON file (written atomically, like the output) so that a
 * restart, or the next `provisio sync`, continues from the same set of accounts.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { z } from 'zod';
import type { JsonValue } from '../../shared/json.js';
import { ConnectorError, type ObjectType, type TargetAttributes } from '../spi/index.js';

/** One account or group as the connector holds it. */
export interface FileRecord {
  id: string;
  enabled: boolean;
  attributes: TargetAttributes;
}

const recordSchema = z.strictObject({
  id: z.string().min(1),
  enabled: z.boolean(),
  attributes: z.record(z.string(), z.json()),
});
const stateSchema = z.strictObject({
  version: z.literal(1),
  nextId: z.number().int().min(1),
  objects: z.strictObject({ User: z.array(recordSchema), Group: z.array(recordSchema) }),
});

/**
 * A record as it is kept in memory: its attributes as their JSON text. One flat string per account
 * instead of an object with a string per attribute is about a third of the heap (100,000 accounts
 * of 8 attributes: 61 MB as objects), holds no string the caller built by concatenation (V8
 * flattens such a string when it is first written out, and the flat copy outlived the write), and
 * is what the state file holds already, so saving it is a copy.
 */
export interface StoredRecord {
  readonly id: string;
  readonly enabled: boolean;
  /** `JSON.stringify` of the attributes. */
  readonly json: string;
  /**
   * The attribute names, one array shared by every record with the same names (most of a type's
   * records): the columns of a full export are worked out from these without decoding a record.
   */
  readonly names: readonly string[];
}

/** One array per distinct list of attribute names, so records of the same shape share it. */
export class NameLists {
  readonly #lists = new Map<string, readonly string[]>();
  of(attributes: TargetAttributes): readonly string[] {
    const names = Object.keys(attributes);
    const key = names.join('\u0000');
    let list = this.#lists.get(key);
    if (list === undefined) {
      list = Object.freeze(names);
      this.#lists.set(key, list);
    }
    return list;
  }
}

/** The stored form of a record. Stored records are never changed: a change stores a new one. */
export function encodeRecord(record: FileRecord, names: NameLists): StoredRecord {
  return {
    id: record.id,
    enabled: record.enabled,
    json: flatString(JSON.stringify(record.attributes)),
    names: names.of(record.attributes),
  };
}

/**
 * The same text as one flat string. V8 builds long results of `JSON.stringify` and of `+` as
 * trees of pieces (cons strings); reading a character makes it copy them into one flat string and
 * the tree is dropped at the next collection. 100,000 stored records took 40 MB as trees, 27 MB flat.
 */
export function flatString(text: string): string {
  text.charCodeAt(0);
  return text;
}

/** A record as callers use it: a fresh object, theirs to change. */
export function decodeRecord(stored: StoredRecord): FileRecord {
  return { id: stored.id, enabled: stored.enabled, attributes: JSON.parse(stored.json) as TargetAttributes };
}

/** Every record by type and id, in creation order (the order of the full export). */
export class FileRecords {
  readonly #byType: Record<ObjectType, Map<string, StoredRecord>> = { User: new Map(), Group: new Map() };
  /** The ids in order, for list pages; rebuilt after a create or delete. */
  readonly #order: Record<ObjectType, string[] | undefined> = { User: undefined, Group: undefined };
  #nextId = 1;
  readonly names = new NameLists();

  /** A new id, unique within this record (the file target assigns none of its own). */
  newId(type: ObjectType): string {
    return `${type === 'User' ? 'u' : 'g'}${(this.#nextId++).toString().padStart(6, '0')}`;
  }

  get(type: ObjectType, id: string): FileRecord | undefined {
    const stored = this.#byType[type].get(id);
    return stored === undefined ? undefined : decodeRecord(stored);
  }

  /** Stores the record as it is now (a later change to the object is not seen). */
  set(type: ObjectType, record: FileRecord): void {
    const map = this.#byType[type];
    if (!map.has(record.id)) this.#order[type] = undefined;
    map.set(record.id, encodeRecord(record, this.names));
  }

  delete(type: ObjectType, id: string): void {
    if (this.#byType[type].delete(id)) this.#order[type] = undefined;
  }

  size(type: ObjectType): number {
    return this.#byType[type].size;
  }

  /** The records in creation order, decoded one at a time. */
  *records(type: ObjectType): Generator<FileRecord> {
    for (const stored of this.#byType[type].values()) yield decodeRecord(stored);
  }

  /**
   * The stored records as they are now: later changes store new objects, so the snapshot does not
   * move while a file is written from it, and costs one array of references.
   */
  snapshot(type: ObjectType): StoredRecord[] {
    return [...this.#byType[type].values()];
  }

  /** The records from position `start`, at most `count`, in creation order. */
  slice(type: ObjectType, start: number, count: number): FileRecord[] {
    const order = (this.#order[type] ??= [...this.#byType[type].keys()]);
    const map = this.#byType[type];
    return order.slice(start, start + count).map((id) => decodeRecord(map.get(id)!));
  }

  /** Replaces one type's records with those of the application's own export. */
  replace(type: ObjectType, records: FileRecord[]): void {
    this.#byType[type] = new Map(records.map((record) => [record.id, encodeRecord(record, this.names)]));
    this.#order[type] = undefined;
  }

  /** Reads the state file; a missing file is an empty record, a damaged one an error naming it. */
  static async load(path: string): Promise<FileRecords> {
    const records = new FileRecords();
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return records;
      throw new ConnectorError(
        'unavailable',
        `Cannot read the state file ${path}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    let parsed: z.infer<typeof stateSchema>;
    try {
      parsed = stateSchema.parse(JSON.parse(text));
    } catch (error) {
      throw new ConnectorError(
        'invalid_response',
        `The state file ${path} is damaged (${error instanceof SyntaxError ? error.message : 'unexpected shape'}); move it away to start from an empty set`,
        { cause: error },
      );
    }
    records.#nextId = parsed.nextId;
    for (const type of ['User', 'Group'] as const) {
      for (const record of parsed.objects[type]) {
        records.#byType[type].set(record.id, encodeRecord(record as FileRecord, records.names));
      }
    }
    return records;
  }

  /**
   * Writes the state file atomically (temporary file, then rename), a record at a time: one
   * JSON.stringify of 100,000 accounts held about 200 MB more at its peak. Each record's
   * attributes are already JSON text.
   */
  async save(path: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temporary, 'wx');
    try {
      let buffer = `{"version":1,"nextId":${this.#nextId},"objects":{`;
      for (const [n, type] of (['User', 'Group'] as const).entries()) {
        buffer += `${n === 0 ? '' : ','}"${type}":[`;
        let first = true;
        for (const { id, enabled, json } of this.#byType[type].values()) {
          buffer += `${first ? '' : ','}{"id":${JSON.stringify(id)},"enabled":${enabled},"attributes":${json}}`;
          first = false;
          if (buffer.length >= 64 * 1024) {
            await handle.write(buffer);
            buffer = '';
          }
        }
        buffer += ']';
      }
      await handle.write(`${buffer}}}`);
      await handle.sync();
      await handle.close();
      await rename(temporary, path);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

/** The value an attribute has in a record, `null` for none. */
export function recordValue(record: FileRecord, attribute: string): JsonValue {
  return record.attributes[attribute] ?? null;
}
