import type { Executor } from './executor.js';

export const settingsRepo = {
  async get(db: Executor, name: string): Promise<string | undefined> {
    const row = await db.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirst();
    return row?.value;
  },
  async put(db: Executor, name: string, value: string, now: string): Promise<void> {
    await db
      .insertInto('settings')
      .values({ name, value, updated_at: now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: now }))
      .execute();
  },
};
