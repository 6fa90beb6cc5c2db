import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

/** A connection or a transaction: repositories work on either, so services decide the transaction. */
export type Executor = Kysely<Database>;

export interface Page {
  limit: number;
  offset: number;
}
