import { newId, type IdKind } from '../domain/ids.js';

/**
 * Draws a new id that no row holds yet. Ids have 36^6 values, so a second draw is rare; checking
 * first (inside the caller's transaction) keeps PostgreSQL transactions free of failed inserts.
 */
export async function freshId(exists: (id: string) => Promise<unknown>, draw: () => string): Promise<string> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const id = draw();
    if (!(await exists(id))) return id;
  }
  throw new Error('Could not draw a free identifier');
}

export const drawId = (kind: IdKind) => () => newId(kind);
