/**
 * The README's screenshot of the console's keys page: a server seeded as the README's seed workflow
 * does (plus the new key of step 2 and a rotation, so the table shows a cutover), logged in as the
 * admin in Chromium, docs/images/console-keys.png at 1280×800.
 *
 * Run: npm run build && node dist/bench/console-screenshot.js
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { launchChromium, signedInPage } from './console-browser.js';
import { call, createKey, seedWorkflow, verify } from './console-seed.js';
import { cleanup, runMain, startKeyward } from './processes.js';

const OUTPUT = resolve(import.meta.dirname, '../../docs/images/console-keys.png');

async function main(): Promise<void> {
  const server = await startKeyward(cleanup.tempDir('screenshot'));
  if (server.admin === undefined) throw new Error('the server printed no admin key');
  const admin = server.admin;
  const seed = await seedWorkflow(server.url, admin);
  const fresh = await createKey(server.url, admin, seed.cluster.id, 'New Kafka API key', seed.app1.id);
  await createKey(server.url, admin, seed.cluster.id, 'app2 producer', seed.app2.id);
  // some use, so Last used and the sparklines have something to show
  for (let i = 0; i < 5; i++) await verify(server.url, seed.existingKey, seed.cluster.id);
  for (let i = 0; i < 12; i++) await verify(server.url, fresh, seed.cluster.id);
  await verify(server.url, { key: fresh.key, secret: `kw_${'0'.repeat(61)}` }, seed.cluster.id);
  await call(server.url, admin, 'POST', `/keyward/v1/api-keys/${seed.existingKey.key}/rotate`, { grace: '1h' });
  // last_used is written within a second, usage when its minute closes: wait (at most 90 s) until the usage shows
  const deadline = Date.now() + 90_000;
  const used = async () => Object.values((await call<{ totals: Record<string, number> }>(server.url, admin, 'GET', '/keyward/v1/usage?since=1h')).totals).some((n) => n > 0);
  while (!(await used())) {
    if (Date.now() > deadline) throw new Error('no usage recorded within 90 s');
    await new Promise((r) => setTimeout(r, 2000));
  }

  const browser = await launchChromium();
  try {
    const page = await signedInPage(browser, server.url, admin, 20_000);
    await page.goto('/console/api-keys');
    await page.getByRole('link', { name: fresh.key }).waitFor();
    await page.waitForTimeout(500); // the sparklines' usage request
    mkdirSync(dirname(OUTPUT), { recursive: true });
    await page.screenshot({ path: OUTPUT, fullPage: false });
    console.error(`wrote ${OUTPUT}`);
  } finally {
    await browser.close();
    await cleanup.all();
  }
}

runMain(main);
