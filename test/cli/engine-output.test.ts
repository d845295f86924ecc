/**
 * What the engine's commands print, from the engine's reports: the `--json` shapes exactly (they
 * are a stable interface, docs/engine/commands.md), the exit codes, the human summaries with the
 * reason and the next command, and the progress line (on a terminal only).
 */
import { describe, expect, it } from 'vitest';
import type { CycleReport, PreviewReport, ReconcileReport } from '../../src/engine/cycle/engine-service.js';
import type { ProvisioningLogEntry } from '../../src/engine/state/engine-state.js';
import { cycleExitCode, cycleJson, cycleText } from '../../src/cli/commands/sync-command-output.js';
import { previewJson, previewText } from '../../src/cli/commands/preview-command.js';
import { logEntryJson, logsText } from '../../src/cli/commands/logs-command.js';
import { reconcileJson, reconcileText } from '../../src/cli/commands/reconcile-command.js';
import { progressLine, progressText } from '../../src/cli/commands/sync-command-progress.js';
import { table } from '../../src/cli/commands/command-support.js';

const started = new Date('2026-01-02T03:04:05.000Z');
const finished = new Date('2026-01-02T03:04:06.500Z');
const zero = { create: 0, update: 0, disable: 0, delete: 0, skip: 0, success: 0, failure: 0 };

const failure: ProvisioningLogEntry = {
  id: 41,
  appId: 'app-1',
  cycleId: 'cyc-1',
  changeSeq: 17,
  at: finished,
  durationMs: 12,
  objectType: 'User',
  sourceId: 'u-1',
  sourceName: 'ada@example.com',
  action: 'create',
  status: 'failure',
  steps: [
    { step: 'import', userName: 'ada@example.com' },
    { step: 'action', action: 'create' },
  ],
  error: { code: 'schemaViolation', message: 'userName too long', retryable: false },
};

/** The deletion guard's hold of 612 objects over a threshold of 500, not approved. */
const HOLD: NonNullable<CycleReport['hold']> = {
  appId: 'app-1',
  since: started,
  cycleId: 'cyc-1',
  count: 612,
  threshold: 500,
  approved: false,
};

const quarantine = (level: number, reason: string): NonNullable<CycleReport['quarantine']> => ({
  appId: 'app-1',
  since: started,
  level,
  nextAttempt: finished,
  reason,
});

function report(overrides: Partial<CycleReport> = {}): CycleReport {
  return {
    cycleId: 'cyc-1',
    app: 'crm',
    kind: 'incremental',
    status: 'completed',
    started,
    finished,
    summary: { ...zero, create: 2, update: 1, skip: 4, success: 3 },
    failures: [],
    ...overrides,
  };
}

describe('sync output', () => {
  it('prints one JSON object of a fixed shape', () => {
    expect(cycleJson(report())).toEqual({
      app: 'crm',
      cycleId: 'cyc-1',
      kind: 'incremental',
      status: 'completed',
      started: '2026-01-02T03:04:05.000Z',
      finished: '2026-01-02T03:04:06.500Z',
      summary: { create: 2, update: 1, disable: 0, delete: 0, skip: 4, success: 3, failure: 0 },
      failures: [],
    });
    const held = cycleJson(
      report({
        status: 'held',
        hold: HOLD,
        failures: [failure],
      }),
    );
    expect(held.hold).toEqual({
      since: '2026-01-02T03:04:05.000Z',
      count: 612,
      threshold: 500,
      approved: false,
    });
    expect(held.failures).toEqual([
      {
        objectType: 'User',
        sourceId: 'u-1',
        sourceName: 'ada@example.com',
        action: 'create',
        code: 'schemaViolation',
        message: 'userName too long',
      },
    ]);
    const quarantined = cycleJson(
      report({
        status: 'quarantined',
        quarantine: quarantine(2, 'target down'),
      }),
    );
    expect(quarantined.quarantine).toEqual({
      since: '2026-01-02T03:04:05.000Z',
      level: 2,
      nextAttempt: '2026-01-02T03:04:06.500Z',
      reason: 'target down',
    });
  });

  it('names a failed connection test in JSON and in the text, with the connector words', () => {
    const refused = report({
      status: 'quarantined',
      summary: { ...zero },
      quarantine: quarantine(
        1,
        'test connection failed: invalid_credentials: The target refused the credentials (HTTP 401)',
      ),
      connectionError: {
        code: 'invalid_credentials',
        message: 'The target refused the credentials (HTTP 401)',
        retryable: false,
        targetCode: 401,
      },
    });
    expect(cycleJson(refused).connectionError).toEqual({
      code: 'invalid_credentials',
      message: 'The target refused the credentials (HTTP 401)',
      retryable: false,
      targetCode: 401,
    });
    expect(cycleJson(report())).not.toHaveProperty('connectionError');
    const text = cycleText(refused);
    expect(text).toContain('test connection failed: invalid_credentials: The target refused the credentials');
    expect(text).toContain('the connection test failed before any object was read');
    expect(cycleExitCode(refused)).toBe(3);
  });

  it('exits 0 only when completed without failures, 3 when held or quarantined, else 1', () => {
    expect(cycleExitCode(report())).toBe(0);
    expect(cycleExitCode(report({ summary: { ...zero, failure: 1 } }))).toBe(1);
    expect(cycleExitCode(report({ status: 'completedWithFailures' }))).toBe(1);
    expect(cycleExitCode(report({ status: 'failed' }))).toBe(1);
    expect(cycleExitCode(report({ status: 'held' }))).toBe(3);
    expect(cycleExitCode(report({ status: 'quarantined' }))).toBe(3);
  });

  it('summarises in aligned columns and says what to do next', () => {
    expect(cycleText(report())).toBe(
      'crm: completed (incremental cycle cyc-1, 1.5 s)\n' +
        '  create   2  success  3\n' +
        '  update   1  failure  0\n' +
        '  disable  0\n' +
        '  delete   0\n' +
        '  skip     4\n',
    );
    const failed = cycleText(
      report({ status: 'completedWithFailures', summary: { ...zero, failure: 1 }, failures: [failure] }),
    );
    expect(failed).toContain(
      'failures:\n  User  ada@example.com  create  schemaViolation: userName too long\n',
    );
    expect(failed).toContain('next: `provisio logs crm --status failure --cycle cyc-1`');
    const held = cycleText(
      report({
        status: 'held',
        hold: HOLD,
      }),
    );
    expect(held).toMatch(/^crm: held by the accidental-deletion guard/);
    expect(held).toContain('would disable or delete 612 objects, above the threshold of 500');
    expect(held).toContain('run `provisio apps approve-deletes crm`');
    const quarantined = cycleText(
      report({
        status: 'quarantined',
        quarantine: quarantine(2, 'invalidCredentials'),
      }),
    );
    expect(quarantined).toContain('(level 2): invalidCredentials');
    expect(quarantined).toContain('`provisio sync crm --restart` leaves quarantine now');
  });
});

describe('progress line', () => {
  it('draws only on a terminal, throttled, and clears itself', () => {
    const written: string[] = [];
    const pipe = { isTTY: false, write: (t: string) => written.push(t) };
    expect(progressLine('sync crm', pipe)).toBeUndefined();

    let now = 0;
    const tty = { isTTY: true, write: (t: string) => written.push(t) };
    const line = progressLine('sync crm', tty, () => now)!;
    line.update(1, 10);
    line.update(2, 10); // within 100 ms: not drawn
    now = 150;
    line.update(5, 10);
    line.update(10, 10); // the last one is always drawn
    line.finish();
    expect(written).toEqual([
      `\r${progressText('sync crm', 1, 10)}`,
      `\r${progressText('sync crm', 5, 10)}`,
      `\r${progressText('sync crm', 10, 10)}`,
      `\r${' '.repeat(progressText('sync crm', 10, 10).length)}\r`,
    ]);
    expect(progressText('sync crm', 5, 10)).toBe('sync crm [###############...............] 50% 5/10');
    expect(progressText('sync crm', 7, undefined)).toBe('sync crm 7 objects');
  });
});

describe('preview output', () => {
  const preview: PreviewReport = {
    app: 'crm',
    kind: 'initial',
    wouldHold: false,
    summary: { ...zero, create: 1, update: 1, skip: 1 },
    items: [
      {
        objectType: 'User',
        sourceId: 'u-1',
        sourceName: 'ada@example.com',
        action: 'create',
        changes: [{ attribute: 'userName', old: undefined, new: 'ada@example.com' }],
        steps: [{ step: 'scope', inScope: true }],
      },
      {
        objectType: 'User',
        sourceId: 'u-2',
        sourceName: 'bob@example.com',
        action: 'update',
        targetId: 't-2',
        changes: [{ attribute: 'displayName', old: 'Bob', new: 'Robert' }],
        steps: [],
      },
      {
        objectType: 'Group',
        sourceId: 'g-1',
        action: 'skip',
        changes: [],
        reason: 'RedundantExport',
        steps: [],
      },
    ],
  };

  it('prints the summary and every item in the JSON shape, without the steps', () => {
    expect(previewJson(preview)).toEqual({
      app: 'crm',
      kind: 'initial',
      wouldHold: false,
      summary: { create: 1, update: 1, disable: 0, delete: 0, skip: 1, success: 0, failure: 0 },
      items: [
        {
          objectType: 'User',
          sourceId: 'u-1',
          sourceName: 'ada@example.com',
          action: 'create',
          changes: [{ attribute: 'userName', old: null, new: 'ada@example.com' }],
        },
        {
          objectType: 'User',
          sourceId: 'u-2',
          sourceName: 'bob@example.com',
          action: 'update',
          targetId: 't-2',
          changes: [{ attribute: 'displayName', old: 'Bob', new: 'Robert' }],
        },
        { objectType: 'Group', sourceId: 'g-1', action: 'skip', changes: [], reason: 'RedundantExport' },
      ],
    });
  });

  it('shows each attribute old -> new and the skips with their reason', () => {
    const text = previewText(preview);
    expect(text).toContain('crm: preview of the next initial cycle (the target is not touched)\n');
    expect(text).toContain('  create User ada@example.com\n      userName  (none)  ->  "ada@example.com"\n');
    expect(text).toContain('  update User bob@example.com -> t-2\n      displayName  "Bob"  ->  "Robert"\n');
    expect(text).toContain('skipped:\n  Group  g-1  RedundantExport\n');
  });
});

describe('logs output', () => {
  it('prints one JSON object per entry with the app name, and an aligned table', () => {
    expect(logEntryJson(failure, 'crm')).toEqual({
      id: 41,
      at: '2026-01-02T03:04:06.500Z',
      app: 'crm',
      cycleId: 'cyc-1',
      changeSeq: 17,
      objectType: 'User',
      sourceId: 'u-1',
      sourceName: 'ada@example.com',
      action: 'create',
      status: 'failure',
      durationMs: 12,
      steps: [
        { step: 'import', userName: 'ada@example.com' },
        { step: 'action', action: 'create' },
      ],
      error: { code: 'schemaViolation', message: 'userName too long', retryable: false },
    });
    const skipped: ProvisioningLogEntry = {
      ...failure,
      id: 42,
      objectType: 'Group',
      sourceName: 'Sales',
      action: 'skip',
      status: 'skipped',
      reason: 'RedundantExport',
      error: undefined,
    } as ProvisioningLogEntry;
    delete (skipped as { error?: unknown }).error;
    expect(logsText([failure, skipped])).toBe(
      'TIME                      CYCLE  TYPE   OBJECT           ACTION  STATUS   DETAIL\n' +
        '2026-01-02T03:04:06.500Z  cyc-1  User   ada@example.com  create  failure  schemaViolation: userName too long\n' +
        '2026-01-02T03:04:06.500Z  cyc-1  Group  Sales            skip    skipped  RedundantExport\n',
    );
  });

  it('aligns tables without trailing blanks', () => {
    expect(
      table([
        ['a', 'bb', ''],
        ['ccc', 'd', 'e'],
      ]),
    ).toBe('a    bb\nccc  d   e\n');
  });
});

describe('reconcile output', () => {
  const reconcile: ReconcileReport = {
    app: 'crm',
    fixed: false,
    drift: [
      {
        objectType: 'User',
        sourceId: 'u-2',
        sourceName: 'bob@example.com',
        action: 'update',
        targetId: 't-2',
        changes: [{ attribute: 'title', old: 'Clerk', new: 'Manager' }],
        steps: [],
      },
    ],
    orphans: [
      { objectType: 'User', targetId: 't-9', name: 'old.admin', attributes: { userName: 'old.admin' } },
    ],
    missing: [
      {
        objectType: 'User',
        sourceId: 'u-3',
        sourceName: 'cy@example.com',
        action: 'create',
        changes: [],
        steps: [],
      },
    ],
    summary: zero,
  };

  it('prints drift, orphans and missing in one JSON object', () => {
    expect(reconcileJson(reconcile)).toEqual({
      app: 'crm',
      fixed: false,
      summary: zero,
      drift: [
        {
          objectType: 'User',
          sourceId: 'u-2',
          sourceName: 'bob@example.com',
          action: 'update',
          targetId: 't-2',
          changes: [{ attribute: 'title', old: 'Clerk', new: 'Manager' }],
        },
      ],
      orphans: [
        { objectType: 'User', targetId: 't-9', name: 'old.admin', attributes: { userName: 'old.admin' } },
      ],
      missing: [
        { objectType: 'User', sourceId: 'u-3', sourceName: 'cy@example.com', action: 'create', changes: [] },
      ],
    });
    const text = reconcileText(reconcile);
    expect(text).toMatch(/^crm: 1 drifted, 1 orphaned, 1 missing\n/);
    expect(text).toContain('      title  "Clerk"  ->  "Manager"\n');
    expect(text).toContain('next: `provisio reconcile crm --fix`');
  });
});
