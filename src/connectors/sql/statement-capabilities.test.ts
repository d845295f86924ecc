import { describe, expect, it } from 'vitest';
import { capabilitiesFor, validateCapabilities } from '../spi/index.js';
import { sqlSettingsSchema, type StatementModeSettings } from './sql-settings.js';
import { statementCapabilities } from './statement-connector.js';

const statements = (groups: Record<string, unknown>) =>
  sqlSettingsSchema.parse({
    url: 'sqlite::memory:',
    mode: 'statements',
    users: {
      create: 'insert into u (name) values (:userName)',
      get: 'select * from u where id = :id',
      find: { userName: 'select * from u where name = :value' },
      list: {
        first: 'select * from u order by id limit :limit',
        next: 'select * from u where id > :after order by id limit :limit',
      },
      update: 'update u set name = :userName where id = :id',
      delete: 'delete from u where id = :id',
    },
    groups,
  }) as StatementModeSettings;

describe('statement mode capabilities', () => {
  it('are each table own: groups with create and delete only are neither read, found nor listed', () => {
    const caps = statementCapabilities(
      statements({
        create: 'insert into g (name) values (:displayName)',
        delete: 'delete from g where id = :id',
      }),
    );
    expect(validateCapabilities(caps).ok).toBe(true);
    expect(caps.find).toEqual({ attributes: ['userName'] });
    expect(caps.byType).toEqual({ Group: { read: false, find: false, list: false, update: false } });
    const group = capabilitiesFor(caps, 'Group');
    expect([group.read, group.find, group.list, group.update, group.delete]).toEqual([
      false,
      false,
      false,
      false,
      true,
    ]);
    expect(capabilitiesFor(caps, 'User').list).toEqual(caps.list);
  });

  it('find each type by its own attributes', () => {
    const caps = statementCapabilities(
      statements({
        create: 'insert into g (name) values (:displayName)',
        get: 'select * from g where id = :id',
        find: { displayName: 'select * from g where name = :value' },
      }),
    );
    expect(caps.find).toEqual({ attributes: ['userName', 'displayName'] });
    expect(capabilitiesFor(caps, 'User').find).toEqual({ attributes: ['userName'] });
    expect(capabilitiesFor(caps, 'Group').find).toEqual({ attributes: ['displayName'] });
  });
});
