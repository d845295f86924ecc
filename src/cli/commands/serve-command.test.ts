import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { runServer } from '../../main.js';
import { feedRetention, workerCount } from './serve-command.js';

describe('serve options', () => {
  it('reads a change-feed retention window with its unit, or off', () => {
    expect(feedRetention('7d')).toBe(7 * 24 * 3600 * 1000);
    expect(feedRetention(' 36h ')).toBe(36 * 3600 * 1000);
    expect(feedRetention('90m')).toBe(90 * 60 * 1000);
    expect(feedRetention('2 days')).toBe(2 * 24 * 3600 * 1000);
    expect(feedRetention('off')).toBe(0);
    expect(feedRetention('OFF')).toBe(0);
    expect(feedRetention('0')).toBe(0);
  });

  it('refuses a retention without a unit, unreadable, negative or under a second', () => {
    for (const value of ['10', '7', 'abc', '-1d', '500ms', '', 'd']) {
      expect(() => feedRetention(value), value).toThrow(InvalidArgumentError);
      expect(() => feedRetention(value), value).toThrow(/at least 1s with a unit/);
    }
  });

  it('reads a worker count or auto', () => {
    expect(workerCount('3')).toBe(3);
    expect(workerCount('auto')).toBeGreaterThanOrEqual(1);
    expect(() => workerCount('0')).toThrow(/positive integer or 'auto'/);
  });

  it('refuses a negative retention before opening anything', async () => {
    await expect(runServer({ feedRetentionMs: -1, dataDir: '/nonexistent/never-created' })).rejects.toThrow(
      /feedRetentionMs must be 0/,
    );
  });
});
