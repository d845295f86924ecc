/**
 * A keyset-paged list held as a window of pages around the rows in view. The list is read a page
 * at a time after the previous page's cursor; each page keeps its place (its first row and how many
 * rows it had) and the cursor it was read after, so a page far from the view can give up its rows
 * and be read again when the view comes back to it, while the row count (and so the table's height
 * and scroll position) never moves. Holding a few pages instead of every one keeps the heap small
 * when an operator sweeps through 100,000 rows, so the garbage collector's pauses stay short.
 *
 * Without `keepPages` no page is ever given up.
 *
 * Plain TypeScript with no React: the hook (`use-keyset-pages.ts`) subscribes to its changes.
 */

export interface PageAnswer<T> {
  readonly items: readonly T[];
  /** The cursor of the page after this one; null on the last page. */
  readonly next: string | null;
}

/** Reads the page after `after` (undefined: the first page). */
export type ReadPage<T> = (after: string | undefined, signal: AbortSignal) => Promise<PageAnswer<T>>;

interface Page<T> {
  /** The cursor this page was read after: how it is read again. */
  readonly after: string | undefined;
  /** The index of its first row in the whole list. */
  readonly start: number;
  /** Its rows when first read: its place in the list, kept when it is read again. */
  readonly count: number;
  /** Undefined while given up (far from the view) or being read again. */
  rows: readonly T[] | undefined;
  reading: AbortController | undefined;
  /** The problem of its last read; it is read again only after it has left the window. */
  failure: { readonly error: unknown } | undefined;
}

export interface KeysetWindowOptions {
  /**
   * Pages kept on each side of the pages in view and those read ahead (one on each side, three
   * the way the view moves); further ones give up their rows. Undefined: every page is kept.
   */
  readonly keepPages?: number;
  /** How close to the end of the rows read so far the next page is asked for. */
  readonly nearEnd?: number;
}

const NEAR_END = 50;
/** Pages read ahead the way the view moves: a sweep of 10,000 rows a second needs them 150 ms early. */
const AHEAD = 3;

export class KeysetWindow<T> {
  readonly #read: ReadPage<T>;
  readonly #keepPages: number | undefined;
  readonly #nearEnd: number;
  readonly #pages: Page<T>[] = [];
  readonly #listeners = new Set<() => void>();
  #count = 0;
  /** The cursor of the page after the last one read; undefined before the first, null after the last. */
  #next: string | null | undefined = undefined;
  #appending: { readonly done: Promise<void>; readonly abort: AbortController } | undefined;
  #appendError: { readonly error: unknown } | undefined;
  #closed = false;
  #version = 0;
  /** The rows in view, [first, end), as last shown. */
  #view: readonly [number, number] = [0, 0];
  /** Which way the view last moved: -1 up, 1 down, 0 not yet. */
  #heading = 0;

  constructor(read: ReadPage<T>, options: KeysetWindowOptions = {}) {
    this.#read = read;
    this.#keepPages = options.keepPages;
    this.#nearEnd = options.nearEnd ?? NEAR_END;
  }

  /** Changes with every change a reader can see (rows arrived, count, state, error). */
  get version(): number {
    return this.#version;
  }

  /** The rows of the pages read so far, given-up pages included: the list's length as shown. */
  get count(): number {
    return this.#count;
  }

  /** True while pages remain after the ones read (and before the first has come). */
  get more(): boolean {
    return this.#next !== null && this.#appendError === undefined;
  }

  /** The problem to show: a failed next page first, else a page that failed to be read again. */
  get error(): unknown {
    if (this.#appendError) return this.#appendError.error;
    return this.#pages.find((p) => p.failure !== undefined)?.failure?.error;
  }

  /** How many rows the window holds now (for tests and diagnostics). */
  get heldRows(): number {
    let held = 0;
    for (const page of this.#pages) held += page.rows?.length ?? 0;
    return held;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * The row at `index`: undefined while its page is not held (being read again, or failed), null
   * when its page was read again with fewer rows (the entry left the list since).
   */
  rowAt(index: number): T | null | undefined {
    const page = this.#pageOf(index);
    if (page?.rows === undefined) return undefined;
    return page.rows[index - page.start] ?? null;
  }

  /** True when the row at `index` is not held because its page failed to be read. */
  failedAt(index: number): boolean {
    return this.#pageOf(index)?.failure !== undefined;
  }

  /** Starts reading (the first page), or starts again after `close`. */
  open(): void {
    this.#closed = false;
    if (this.#next === undefined) this.loadNext();
    else this.#fill();
  }

  /** Stops: reads under way are abandoned and their answers dropped until `open`. */
  close(): void {
    this.#closed = true;
    this.#appending?.abort.abort();
    this.#appending = undefined;
    for (const page of this.#pages) {
      page.reading?.abort();
      page.reading = undefined;
    }
  }

  /**
   * The rows now in view, [first, end): the pages they need (and one more on each side) are read
   * if they are not held, pages beyond the window give up their rows, and the next page is asked
   * for when the view nears the end of the rows read so far.
   */
  show(first: number, end: number): void {
    if (first !== this.#view[0]) this.#heading = first > this.#view[0] ? 1 : -1;
    this.#view = [first, Math.max(first, end)];
    this.#fill();
    if (end >= this.#count - this.#nearEnd) this.loadNext();
  }

  /** Reads the page after the ones read, or joins the read already under way. */
  loadNext(): Promise<void> {
    if (this.#closed || this.#next === null || this.#appendError) return Promise.resolve();
    if (this.#appending) return this.#appending.done;
    const after = this.#next;
    const abort = new AbortController();
    const done = (async () => {
      try {
        const answer = await this.#read(after, abort.signal);
        if (abort.signal.aborted) return;
        this.#pages.push({
          after,
          start: this.#count,
          count: answer.items.length,
          rows: answer.items,
          reading: undefined,
          failure: undefined,
        });
        this.#count += answer.items.length;
        this.#next = answer.next;
        this.#fill();
      } catch (caught) {
        if (abort.signal.aborted) return;
        // Stop paging: the problem is shown, and scrolling must not retry it in a loop.
        this.#appendError = { error: caught };
      } finally {
        if (this.#appending?.abort === abort) this.#appending = undefined;
      }
      this.#changed();
    })();
    this.#appending = { done, abort };
    return done;
  }

  #pageOf(index: number): Page<T> | undefined {
    if (index < 0 || index >= this.#count) return undefined;
    let low = 0;
    let high = this.#pages.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.#pages[middle]!.start <= index) low = middle;
      else high = middle - 1;
    }
    return this.#pages[low];
  }

  #pageIndexOf(index: number): number {
    const page = this.#pageOf(Math.min(Math.max(index, 0), this.#count - 1));
    return page ? this.#pages.indexOf(page) : 0;
  }

  /** Reads the pages the view needs and gives up the ones beyond the window. */
  #fill(): void {
    if (this.#keepPages === undefined || this.#closed || this.#pages.length === 0) return;
    const [first, end] = this.#view;
    // One page read ahead on each side, more the way the view is moving (a fast sweep).
    const needFrom = Math.max(0, this.#pageIndexOf(first) - (this.#heading < 0 ? AHEAD : 1));
    const needTo = Math.min(
      this.#pages.length - 1,
      this.#pageIndexOf(end - 1) + (this.#heading > 0 ? AHEAD : 1),
    );
    const keepFrom = needFrom - this.#keepPages;
    const keepTo = needTo + this.#keepPages;
    this.#pages.forEach((page, i) => {
      if (i < keepFrom || i > keepTo) {
        // Far from the view: its rows go, and a read under way for it is abandoned.
        page.reading?.abort();
        page.reading = undefined;
        page.rows = undefined;
        page.failure = undefined;
      } else if (i >= needFrom && i <= needTo && page.rows === undefined && !page.reading && !page.failure) {
        this.#reread(page);
      }
    });
  }

  #reread(page: Page<T>): void {
    const abort = new AbortController();
    page.reading = abort;
    void (async () => {
      try {
        const answer = await this.#read(page.after, abort.signal);
        if (abort.signal.aborted) return;
        // Its place is kept: no more rows than it first had (a list that grew after its cursor
        // would otherwise push rows into the next page's place); fewer if entries left the list.
        page.rows = answer.items.slice(0, page.count);
      } catch (caught) {
        if (abort.signal.aborted) return;
        page.failure = { error: caught };
      } finally {
        if (page.reading === abort) page.reading = undefined;
      }
      this.#changed();
    })();
  }

  #changed(): void {
    if (this.#closed) return;
    this.#version++;
    for (const listener of this.#listeners) listener();
  }
}
