/**
 * A map for caches keyed by request text (filters, attribute lists, PATCH paths, SQL), bounded by
 * entry count and by the total length of its keys. A bound on the count alone is no bound when
 * the keys come from clients: 256 attribute lists of a megabyte each are 256 MB held until the
 * cache fills. Keys longer than `maxKeyLength` are not stored at all (the caller computes the
 * value every time): long texts are the hand-made, one-off kind that a cache does not pay for.
 *
 * Eviction takes the oldest entry (Map order is insertion order). Once the cache has used more than
 * half of either bound a hit moves its entry to the young end, so eviction takes the least recently
 * used one; below that the hit path costs one lookup, which is all the hot paths ever need.
 */
export interface BoundedCacheLimits {
  /** Most entries kept. */
  readonly maxEntries: number;
  /** Longest key stored, in UTF-16 code units; longer keys are never cached. */
  readonly maxKeyLength: number;
  /** Most code units of all keys together. */
  readonly maxTotalKeyLength: number;
}

/** A count- and size-bounded cache from strings to values. */
export class BoundedCache<V> {
  readonly #entries = new Map<string, V>();
  readonly #limits: BoundedCacheLimits;
  #keyLength = 0;

  constructor(limits: BoundedCacheLimits) {
    if (limits.maxKeyLength > limits.maxTotalKeyLength) {
      throw new RangeError('BoundedCache: maxKeyLength must not exceed maxTotalKeyLength');
    }
    this.#limits = limits;
  }

  /** Entries held now. */
  get size(): number {
    return this.#entries.size;
  }

  /** Code units of all keys held now. */
  get totalKeyLength(): number {
    return this.#keyLength;
  }

  /** The value for `key`, counting as a use of it. */
  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined && this.#nearFull()) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  /** More than half of either bound is used: eviction may come soon, so hits refresh entries. */
  #nearFull(): boolean {
    return (
      this.#entries.size > this.#limits.maxEntries / 2 || this.#keyLength > this.#limits.maxTotalKeyLength / 2
    );
  }

  /**
   * Stores `value` under `key` as the youngest entry, evicting the oldest until both bounds hold.
   * Returns false, storing nothing, when the key is longer than maxKeyLength.
   */
  set(key: string, value: V): boolean {
    if (key.length > this.#limits.maxKeyLength) return false;
    this.delete(key);
    while (
      this.#entries.size > 0 &&
      (this.#entries.size >= this.#limits.maxEntries ||
        this.#keyLength + key.length > this.#limits.maxTotalKeyLength)
    ) {
      const oldest = this.#entries.keys().next().value as string;
      this.delete(oldest);
    }
    this.#entries.set(key, value);
    this.#keyLength += key.length;
    return true;
  }

  /** Forgets `key`; true if it was held. */
  delete(key: string): boolean {
    if (!this.#entries.delete(key)) return false;
    this.#keyLength -= key.length;
    return true;
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
    this.#keyLength = 0;
  }
}
