import { fsync, open, close } from 'node:fs';
import type SQLite from 'better-sqlite3';

/**
 * SQLite durability (issue 8, DESIGN §9). The store runs `synchronous=FULL`: every commit is on disk
 * when it is acknowledged, so a power loss cannot undo a management change (a revocation, a deleted
 * key). Data-plane audit batches are the exception: an fsync per batch would block the event loop
 * for milliseconds at every flush (better-sqlite3 is synchronous), so they commit with
 * `synchronous=NORMAL`, and the WAL is fsynced off the event loop (libuv's thread pool) within
 * `syncIntervalMs` after such a batch. Any FULL commit in between (a management change) syncs them too.
 *
 * Guarantee: a data-plane audit event is written within the audit flush interval (250 ms) and on
 * disk within `syncIntervalMs` (1 s) after that; a power loss can lose at most that last ~1.25 s of
 * data-plane audit events, never an acknowledged management change or its audit events.
 */
export function relaxedBatchWrites<A extends unknown[]>(sqlite: SQLite.Database, path: string, write: (...args: A) => void, syncIntervalMs = 1000) {
  let dirty = false;
  let syncing = false;
  const wal = `${path}-wal`;
  const syncWal = () => {
    if (!dirty || syncing) return;
    dirty = false;
    syncing = true;
    open(wal, 'r', (openError, fd) => {
      if (openError) {
        syncing = false; // no WAL file: checkpointed and removed, nothing to sync
        return;
      }
      fsync(fd, () => close(fd, () => (syncing = false)));
    });
  };
  const timer = setInterval(syncWal, syncIntervalMs);
  timer.unref();
  return {
    write(...args: A): void {
      sqlite.pragma('synchronous = NORMAL');
      try {
        write(...args);
      } finally {
        sqlite.pragma('synchronous = FULL');
      }
      dirty = true;
    },
    /** Stops the timer; closing the store then checkpoints the WAL (synced, at FULL). */
    close(): void {
      clearInterval(timer);
    },
  };
}
