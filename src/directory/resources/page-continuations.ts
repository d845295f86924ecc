import type { Filter } from '../../scim/filter/filter-ast.js';
import { printFilter } from '../../scim/filter/filter-printer.js';
import type { ResourceKind } from '../directory-store.js';
import { BoundedCache, type BoundedCacheLimits } from '../../shared/bounded-cache.js';

/** A row of a page read with its change mark (see DialectAdapter.changeMarkSql). */
export interface MarkedRow {
  readonly id: string;
  readonly change_mark?: number | string | null;
}

interface Continuation {
  readonly lastId: string;
  readonly mark: string;
  /** The query's totalResults when the page was read: still true while the mark is unchanged. */
  readonly totalResults: number;
  readonly until: number;
}

/** A page read by continuation, with the query's unchanged totalResults. */
export interface ContinuedPage<Row> {
  readonly rows: Row[];
  readonly totalResults: number;
}

/**
 * Distinct (query, page start) pairs remembered; a client paging through everything needs one at a
 * time. Keys hold the printed filter: a query with a filter longer than a few KiB is paged by
 * OFFSET (clients that page through a directory send none, or a short one), and the total is
 * bounded, so ever-new huge filters cannot hold memory here.
 */
export const CONTINUATION_LIMITS: BoundedCacheLimits = {
  maxEntries: 1024,
  maxKeyLength: 4096,
  maxTotalKeyLength: 1024 * 1024,
};
/** A continuation older than this is forgotten even if nothing changed: it is for clients that page now. */
const CONTINUATION_TTL_MS = 60_000;

function markOf(row: MarkedRow): string {
  return String(row.change_mark ?? 0);
}

/**
 * Where recent list pages ended, so that the next page of a client paging through a list in id
 * order (Okta's import: `startIndex=1, 101, 201, ...`) starts after the last id it was sent
 * instead of skipping `startIndex - 1` rows with OFFSET, which costs in proportion to how deep
 * the page is and makes reading a whole directory quadratic.
 *
 * A continuation is used only when the data has not changed since the page it continues was
 * read: both reads carry the change mark (the change feed's last seq, read in the same statement
 * as the page rows), and every create, update and delete appends to the feed in its own
 * transaction. An equal mark means the same rows, so the page after the remembered id is exactly
 * the page OFFSET would give, and the total is the one counted then: a continued page needs no
 * COUNT either (on PostgreSQL that count cost more than the page). Otherwise the page is read
 * again with OFFSET.
 */
export class PageContinuations {
  readonly #entries = new BoundedCache<Continuation>(CONTINUATION_LIMITS);
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The continuations of one query: resource type, direction and filter (pages are in id order). */
  of(type: ResourceKind, descending: boolean, filter: Filter | undefined): QueryContinuations {
    // Keyed lazily: a lookup (`userName eq`) reads one short page and never needs the key.
    return new QueryContinuations(
      this,
      () => `${type}\u0000${descending ? 'd' : 'a'}\u0000${filter ? printFilter(filter) : ''}\u0000`,
    );
  }

  get(key: string): Continuation | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, lastId: string, mark: string, totalResults: number): void {
    // The youngest entry; the oldest go first when a bound is reached.
    this.#entries.set(key, { lastId, mark, totalResults, until: this.#now() + CONTINUATION_TTL_MS });
  }

  /** Entries and key code units held now (for tests: both stay within CONTINUATION_LIMITS). */
  get footprint(): { readonly entries: number; readonly keyLength: number } {
    return { entries: this.#entries.size, keyLength: this.#entries.totalKeyLength };
  }
}

/** The continuations of one query, keyed by the offset at which a page starts. */
export class QueryContinuations {
  readonly #all: PageContinuations;
  readonly #makePrefix: () => string;
  #prefix: string | undefined;

  constructor(all: PageContinuations, makePrefix: () => string) {
    this.#all = all;
    this.#makePrefix = makePrefix;
  }

  #key(offset: number): string {
    this.#prefix ??= this.#makePrefix();
    return this.#prefix + String(offset);
  }

  /**
   * The page starting at `offset`, read after the remembered id by `readAfter`, when a page ended
   * there and nothing has changed since; undefined otherwise (the caller reads with OFFSET).
   */
  async resume<Row extends MarkedRow>(
    offset: number,
    readAfter: (lastId: string) => Promise<Row[]>,
  ): Promise<ContinuedPage<Row> | undefined> {
    const entry = this.#all.get(this.#key(offset));
    if (entry === undefined) return undefined;
    const rows = await readAfter(entry.lastId);
    // No row, no mark: the data may have changed (rows deleted); OFFSET decides.
    if (rows.length === 0 || markOf(rows[0]!) !== entry.mark) return undefined;
    return { rows, totalResults: entry.totalResults };
  }

  /** Remembers where the full page `rows`, starting at `offset`, ended, and the query's total. */
  remember(offset: number, rows: readonly MarkedRow[], totalResults: number): void {
    if (rows.length === 0) return;
    const last = rows[rows.length - 1]!;
    this.#all.set(this.#key(offset + rows.length), last.id, markOf(rows[0]!), totalResults);
  }
}
