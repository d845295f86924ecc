import { randomFillSync } from 'node:crypto';

let lastMillis = 0;
let sequence = 0;

/**
 * Random bytes fetched 256 ids at a time: one call into the CSPRNG per id cost as much as the
 * rest of an INSERT. Each id takes fresh bytes; none are reused.
 */
const ID_BYTES = 16;
const randomPool = Buffer.alloc(ID_BYTES * 256);
let poolOffset = randomPool.length;

function randomIdBytes(): Buffer {
  if (poolOffset === randomPool.length) {
    randomFillSync(randomPool);
    poolOffset = 0;
  }
  const bytes = Buffer.from(randomPool.subarray(poolOffset, poolOffset + ID_BYTES));
  poolOffset += ID_BYTES;
  return bytes;
}

/**
 * A new resource id: a UUID version 7 (RFC 9562 §5.7), lower-case. The leading timestamp makes
 * ids of new resources sort after older ones, so primary-key and id-index inserts append at the
 * end of the B-tree instead of landing on random pages: at a million users this is what keeps
 * bulk imports fast on both engines. The id stays opaque to clients (RFC 7643 §3.1).
 */
export function newResourceId(): string {
  let millis = Date.now();
  if (millis <= lastMillis) {
    // Same millisecond (or a clock step back): count within the last one to stay monotonic.
    millis = lastMillis;
    sequence += 1;
    if (sequence > 0xfff) {
      millis += 1;
      sequence = 0;
    }
  } else {
    sequence = 0;
  }
  lastMillis = millis;
  const bytes = randomIdBytes();
  bytes.writeUIntBE(millis, 0, 6);
  // version 7 + 12-bit in-millisecond sequence (RFC 9562 §6.2 method 1), then variant 10.
  bytes[6] = 0x70 | ((sequence >> 8) & 0x0f);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
