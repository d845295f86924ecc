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

/** Every record by type and id, in creation order (the order of the full export). */
export class FileRecords {
  readonly byType: Record<ObjectType, Map<string, FileRecord>> = { User: new Map(), Group: new Map() };
  #nextId = 1;

  /** A new id, unique within this record (the file target assigns none of its own). */
  newId(type: ObjectType): string {
    return `${type === 'User' ? 'u' : 'g'}${(this.#nextId++).toString().padStart(6, '0')}`;
  }

  /** Replaces one type's records with those of the application's own export. */
  replace(type: ObjectType, records: FileRecord[]): void {
    this.byType[type] = new Map(records.map((record) => [record.id, record]));
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
        records.byType[type].set(record.id, record as FileRecord);
      }
    }
    return records;
  }

  /**
   * Writes the state file atomically (temporary file, then rename), a record at a time: one
   * JSON.stringify of 100,000 accounts held about 200 MB more at its peak.
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
        for (const record of this.byType[type].values()) {
          buffer += (first ? '' : ',') + JSON.stringify(record);
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
