import { randomFillSync } from 'node:crypto';

const POOL_IDS = 256;
const RANDOM_BYTES = 10;
// random bytes for many ids at once: one CSPRNG call per 256 events instead of one per event
const pool = Buffer.alloc(POOL_IDS * RANDOM_BYTES);
let used = pool.length;
const id = Buffer.alloc(16);

/**
 * UUIDv7 (RFC 9562): a 48-bit millisecond timestamp, then random bits. Ids of events written close
 * together sort close together, so inserting them touches the end of the unique index, not random
 * pages of it.
 */
export function uuidv7(now = Date.now()): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  id.writeUIntBE(now, 0, 6);
  pool.copy(id, 6, used, used + RANDOM_BYTES);
  used += RANDOM_BYTES;
  id[6] = ((id[6] as number) & 0x0f) | 0x70;
  id[8] = ((id[8] as number) & 0x3f) | 0x80;
  const hex = id.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
