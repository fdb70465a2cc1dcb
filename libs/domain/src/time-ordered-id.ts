import { randomFillSync } from 'node:crypto';

// Random bytes drawn in batches: one call to the system's generator per 256 ids, as randomUUID does.
const POOL_IDS = 256;
const pool = Buffer.alloc(16 * POOL_IDS);
let next = POOL_IDS;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A UUID version 7 (RFC 9562 §5.7): the first 48 bits are the Unix time in milliseconds, the other
 * 74 free bits random. Ids made later sort later, so a B-tree index over them grows at its right
 * edge: each insert touches the same few pages, instead of a random leaf among all of them (with
 * random ids, after every checkpoint each first touch of a leaf writes the whole 8 kB page to the
 * WAL; at 2 M meldingen that was most of the WAL). For rows the index makes itself (meldingen,
 * matches); it reveals when the row was made, which its own columns say anyway.
 */
export function timeOrderedId(nowMs: number = Date.now()): string {
  if (next === POOL_IDS) {
    randomFillSync(pool);
    next = 0;
  }
  const o = 16 * next++;
  const b = pool;
  // 48-bit big-endian milliseconds (numbers are exact to 2^53).
  const high = Math.floor(nowMs / 2 ** 16);
  b[o] = (high / 2 ** 24) & 0xff;
  b[o + 1] = (high / 2 ** 16) & 0xff;
  b[o + 2] = (high / 2 ** 8) & 0xff;
  b[o + 3] = high & 0xff;
  b[o + 4] = (nowMs / 2 ** 8) & 0xff;
  b[o + 5] = nowMs & 0xff;
  b[o + 6] = (b[o + 6] & 0x0f) | 0x70; // version 7
  b[o + 8] = (b[o + 8] & 0x3f) | 0x80; // variant 10
  const h = (i: number) => HEX[b[o + i]];
  return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${h(6)}${h(7)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}
