/**
 * The web console in Debian's Chromium (playwright-core), against a real keyward server process
 * built in dist/ (npm test builds it, console included), seeded as the README's seed workflow does.
 * Without /usr/bin/chromium the suite is skipped with a message, unless KEYWARD_REQUIRE_CHROMIUM=1
 * (.ci/run sets it). Screenshots go to test-artifacts/console/ (git-ignored).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createKey, seedWorkflow, verify, type Credentials, type Seed } from '../../bench/console-seed.js';
import { CHROMIUM, launchChromium, newContext, pageChecks, screenshot, signIn, WIDTHS } from '../helpers/browser.js';
import { runCli, startServerProcess, type ServerProcess } from '../helpers/cli.js';
import { createPostgresSchema, postgresAvailable, type TestDatabase } from '../helpers/databases.js';

const chromiumInstalled = existsSync(CHROMIUM);
if (!chromiumInstalled) {
  if (process.env.KEYWARD_REQUIRE_CHROMIUM === '1') throw new Error(`Chromium is required (KEYWARD_REQUIRE_CHROMIUM=1) but ${CHROMIUM} is missing: apt-get install chromium`);
  process.stderr.write(`\n*** ${CHROMIUM} is missing: the console's browser tests are SKIPPED (apt-get install chromium) ***\n\n`);
}

const SIGN_IN = 'Sign in to keyward';
const SECRET = /^kw_[0-9A-Za-z]{61}$/;

/** Signs in on the login page with a cloud key and waits for the signed-in console. */
async function logIn(page: Page, credentials: Credentials): Promise<void> {
  await page.goto('/console/');
  await page.getByRole('heading', { level: 1, name: SIGN_IN }).waitFor();
  await signIn(page, credentials);
}

/** The session cookie the browser holds for the server (HttpOnly: not readable by the page). */
async function sessionCookie(context: BrowserContext): Promise<{ name: string; value: string; httpOnly: boolean; sameSite: string }> {
  const cookie = (await context.cookies()).find((c) => c.name === 'keyward_session');
  if (cookie === undefined) throw new Error('no keyward_session cookie in the browser');
  return cookie;
}

/** A request from Node carrying only the stolen cookie (no CSRF token, no Basic). */
function withCookie(url: string, cookie: string, method = 'GET', headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method, headers: { Cookie: `keyward_session=${cookie}`, ...headers }, signal: AbortSignal.timeout(10_000) });
}

/** The secret shown once in a dialog (the "API secret" group of the secret box). */
async function shownSecret(page: Page): Promise<{ key: string; secret: string }> {
  const key = (await page.getByRole('group', { name: 'API key' }).locator('code').textContent())?.trim() ?? '';
  const secret = (await page.getByRole('group', { name: 'API secret' }).locator('code').textContent())?.trim() ?? '';
  return { key, secret };
}

describe.skipIf(!chromiumInstalled)('the web console in Chromium (SQLite)', () => {
  let server: ServerProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let seed: Seed;
  let admin: Credentials;
  let dataDir: string;
  /** The key the flows create in the browser, and its rotation's new key. */
  let created: Credentials;
  let rotated: Credentials;
  /** The key the flows disable and delete. */
  let doomedKey: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'keyward-console-'));
    server = await startServerProcess(['--data-dir', dataDir]);
    admin = { key: server.key, secret: server.secret };
    seed = await seedWorkflow(server.url, admin);
    browser = await launchChromium();
    context = await newContext(browser, server.url);
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs in on the login page with the admin key and secret; the cookie is HttpOnly and SameSite=Strict', { timeout: 60_000 }, async () => {
    await logIn(page, admin);
    const cookie = await sessionCookie(context);
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(await page.content()).not.toContain(admin.secret);
  });

  it("shows the seed's service accounts and cluster on the keys page's create form", { timeout: 60_000 }, async () => {
    await page.goto('/console/api-keys');
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    await page.getByRole('link', { name: seed.existingKey.key }).waitFor();
    await page.getByRole('button', { name: 'Create API key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create an API key' });
    const owners = await dialog.getByLabel('Owner').locator('option').allTextContents();
    expect(owners).toContain(`${seed.app1.name} (${seed.app1.id})`);
    expect(owners).toContain(`${seed.app2.name} (${seed.app2.id})`);
    const resources = await dialog.getByLabel('Resource').locator('option').allTextContents();
    expect(resources.some((r) => r.startsWith(`${seed.cluster.name} (${seed.cluster.id}`))).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('creates a key and shows its secret once: not after the dialog closes, not on its key page', { timeout: 60_000 }, async () => {
    await page.goto('/console/api-keys');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create an API key' });
    await dialog.getByLabel('Owner').selectOption({ label: `${seed.app1.name} (${seed.app1.id})` });
    await dialog.getByLabel('Resource').selectOption({ value: seed.cluster.id });
    await dialog.getByLabel('Description').fill('New Kafka API key');
    await dialog.getByRole('button', { name: 'Create API key' }).click();
    await page.getByRole('dialog', { name: 'API key created' }).waitFor();
    created = await shownSecret(page);
    expect(created.key).toMatch(/^[A-Z0-9]{16}$/);
    expect(created.secret).toMatch(SECRET);
    await screenshot(page, 'api-keys-created');
    expect(await verify(server.url, created, seed.cluster.id)).toBe(true);

    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('link', { name: created.key }).waitFor();
    expect(await page.content()).not.toContain(created.secret);
    await page.goto(`/console/api-keys/${created.key}`);
    await page.getByRole('heading', { level: 1, name: `API key ${created.key}` }).waitFor();
    await page.getByText('New Kafka API key').first().waitFor();
    expect(await page.content()).not.toContain(created.secret);
  });

  it("rotates it and watches the new key's last_used move after a verify", { timeout: 60_000 }, async () => {
    await page.goto(`/console/api-keys/${created.key}`);
    await page.getByRole('button', { name: `Rotate ${created.key}` }).click();
    const dialog = page.getByRole('dialog', { name: `Rotate API key ${created.key}` });
    await dialog.getByLabel('Grace period').selectOption({ label: '1 hour' });
    await dialog.getByRole('button', { name: 'Rotate API key' }).click();
    await page.getByRole('dialog', { name: 'New API key' }).waitFor();
    rotated = await shownSecret(page);
    expect(rotated.key).not.toBe(created.key);
    expect(rotated.secret).toMatch(SECRET);
    await page.getByRole('button', { name: 'I saved the secret: watch the cutover' }).click();
    const cutover = page.getByRole('dialog', { name: 'Cutover' });
    await cutover.getByRole('table', { name: new RegExp(`^Cutover from ${created.key} to ${rotated.key}`) }).waitFor();
    // the new key's cell in the "Last used" column (its "Expires" says never too)
    const column = (await cutover.getByRole('columnheader').allTextContents()).indexOf('Last used');
    expect(column).toBeGreaterThan(0);
    const newLastUsed = cutover.getByRole('row', { name: /New key/ }).locator('th, td').nth(column);
    expect((await newLastUsed.textContent())?.trim()).toBe('never');

    expect(await verify(server.url, rotated, seed.cluster.id)).toBe(true);
    // last_used is written within a second, the cutover reads both keys every 5 s
    await newLastUsed.locator('time').waitFor({ timeout: 20_000 });
    expect(await newLastUsed.textContent()).not.toContain('never');
    await screenshot(page, 'api-key-cutover');
    await cutover.getByRole('button', { name: 'Done' }).click();
    expect(await page.content()).not.toContain(rotated.secret);
  });

  it('disables and deletes a key, each after a confirmation', { timeout: 60_000 }, async () => {
    const doomed = await createKey(server.url, admin, seed.cluster.id, 'to be disabled and deleted', seed.app2.id);
    doomedKey = doomed.key;
    await page.goto('/console/api-keys');
    await page.getByRole('button', { name: `Disable ${doomed.key}` }).click();
    await page.getByRole('dialog', { name: `Disable API key ${doomed.key}` }).getByRole('button', { name: 'Disable API key' }).click();
    await page.getByText(`Disabled API key ${doomed.key}.`).waitFor();
    await page.getByRole('button', { name: `Enable ${doomed.key}` }).waitFor();
    expect(await verify(server.url, doomed, seed.cluster.id)).toBe(false);

    await page.getByRole('button', { name: `Delete ${doomed.key}` }).click();
    await page.getByRole('dialog', { name: `Delete API key ${doomed.key}` }).getByRole('button', { name: 'Delete API key' }).click();
    await page.getByText(`Deleted API key ${doomed.key}.`).waitFor();
    await expect.poll(() => page.getByRole('link', { name: doomed.key }).count()).toBe(0);
    await call(server.url, admin, 'GET', `/iam/v2/api-keys/${doomed.key}`, undefined, [404]);
  });

  it("lists the seed's two service accounts and the cluster", { timeout: 60_000 }, async () => {
    await page.goto('/console/principals');
    const accounts = page.getByRole('table', { name: 'Service accounts' });
    await accounts.getByText(seed.app1.name).waitFor();
    await accounts.getByText(seed.app2.name).waitFor();
    await page.goto('/console/access');
    const cluster = page.getByLabel('Cluster', { exact: true });
    await cluster.waitFor();
    expect(await cluster.locator('option').allTextContents()).toContainEqual(expect.stringContaining(seed.cluster.id));
  });

  it('creates a role binding, and "check access" changes from denied to allowed', { timeout: 60_000 }, async () => {
    const principal = `User:${seed.app2.id}`;
    await page.goto(`/console/access?cluster=${seed.cluster.id}`);
    const check = page.getByRole('region', { name: 'Check access' });
    const answer = check.getByRole('status');
    async function checkRead(): Promise<void> {
      await check.getByLabel('Principal').fill(principal);
      await check.getByLabel('Operation').selectOption('READ');
      await check.getByLabel('Resource type').selectOption('TOPIC');
      await check.getByLabel('Resource name').fill('orders');
      await check.getByRole('button', { name: 'Check access' }).click();
    }
    await checkRead();
    await answer.getByText('Denied').waitFor();

    await page.getByRole('button', { name: 'Create role binding' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create role binding' });
    await dialog.getByLabel('Principal').fill(principal);
    await dialog.getByLabel('Role').selectOption('DeveloperRead');
    await dialog.getByLabel('Resource type').selectOption('Topic');
    await dialog.getByLabel('Resource name', { exact: true }).fill('orders');
    await dialog.getByRole('button', { name: 'Create role binding' }).click();
    await page.getByRole('table', { name: `Role bindings of ${seed.cluster.id}` }).getByText(principal).first().waitFor();

    await checkRead();
    await answer.getByText('Allowed').waitFor();
    expect(await answer.textContent()).toContain('DeveloperRead');
    await screenshot(page, 'access-allowed');
  });

  it("filters the audit log to one key's changes, shows a row's CloudEvent and verifies the chains", { timeout: 60_000 }, async () => {
    await page.goto('/console/audit');
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    const filters = page.getByRole('search', { name: 'Filter audit events' });
    await filters.getByLabel('Type', { exact: true }).selectOption({ label: 'Management (io.keyward.management)' });
    await filters.getByLabel('Target', { exact: true }).fill(doomedKey);
    await filters.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((url) => url.searchParams.get('target') === doomedKey && url.searchParams.get('type') === 'management');
    const table = page.getByRole('table', { name: 'Audit events, newest first' });
    await table.getByText('iam.DeleteAPIKey').waitFor();
    const methods = (await table.locator('tbody tr').allTextContents()).map((row) => /iam\.[A-Za-z]+?APIKey/.exec(row)?.[0]);
    // newest first: created (with Basic), disabled and deleted in the console
    expect(methods).toEqual(['iam.DeleteAPIKey', 'iam.DisableAPIKey', 'iam.CreateAPIKey']);
    await screenshot(page, 'audit-filtered');

    const newest = (await table.getByRole('button', { name: /^Show event / }).first().getAttribute('aria-label')) ?? '';
    await table.getByRole('button', { name: /^Show event / }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Audit event' });
    const json = JSON.parse((await dialog.locator('pre').textContent()) ?? '{}') as { id: string; type: string; data: { methodName: string; authenticationInfo: { metadata: { mechanism: string } } } };
    expect(newest).toContain(json.id);
    expect(json.type).toBe('io.keyward.management');
    expect(json.data.methodName).toBe('iam.DeleteAPIKey');
    expect(json.data.authenticationInfo.metadata.mechanism).toBe('CONSOLE_SESSION');
    await dialog.getByRole('button', { name: 'Close' }).last().click();

    // a link with the filters opens the same view (the key page links here the same way)
    await page.goto(`/console/audit?target=${doomedKey}&type=management`);
    await table.getByText('iam.DisableAPIKey').waitFor();
    await page.getByRole('button', { name: 'Verify the hash chains' }).click();
    await page.getByText(/^The audit log is intact/).waitFor();

    // export: the matching events as JSON lines, downloaded with the session
    await page.goto(`/console/audit?type=management&api_key=${admin.key}&since=1h`);
    await table.getByText('iam.DeleteAPIKey').first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export JSON lines' }).click()]);
    expect(download.suggestedFilename()).toBe('keyward-audit-events.ndjson');
    const lines = readFileSync(await download.path(), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; data: { methodName: string } });
    expect(lines.length).toBeGreaterThan(2);
    expect(new Set(lines.map((e) => e.type))).toEqual(new Set(['io.keyward.management']));
    expect(lines.map((e) => e.data.methodName)).toContain('iam.DeleteAPIKey');
    // a filter the server refuses is shown, not saved as the file
    await page.goto('/console/audit?since=not-a-time');
    await page.getByRole('link', { name: 'Export JSON lines' }).click();
    await page.getByText('The audit events cannot be exported').waitFor();
  });

  it("shows the seed's Kafka cluster with its brokers' sync state", { timeout: 30_000 }, async () => {
    await page.goto('/console/kafka');
    await page.getByRole('heading', { level: 1, name: 'Kafka clusters' }).waitFor();
    await page.getByRole('table', { name: 'Kafka clusters' }).getByText(seed.cluster.id).first().waitFor();
    await page.getByText(/No broker (has contacted keyward|uses this cluster) yet/).first().waitFor();

    // a broker's plugin loads the cluster's replica with its KafkaBroker key: the page shows it in sync
    const { organization } = await call<{ organization: string }>(server.url, admin, 'GET', '/keyward/v1/whoami');
    const brokerAccount = await call<{ id: string }>(server.url, admin, 'POST', '/iam/v2/service-accounts', { display_name: 'kafka-broker-console', description: '' });
    await call(server.url, admin, 'POST', '/iam/v2/role-bindings', {
      principal: `User:${brokerAccount.id}`, role_name: 'KafkaBroker', crn_pattern: `crn://keyward/organization=${organization}/environment=${seed.cluster.environment}/cloud-cluster=${seed.cluster.id}`,
    });
    const brokerKey = await createKey(server.url, admin, seed.cluster.id, 'broker 1', brokerAccount.id);
    const replica = await fetch(`${server.url}/keyward/v1/kafka/clusters/${seed.cluster.id}/replica`, {
      headers: { authorization: `Basic ${Buffer.from(`${brokerKey.key}:${brokerKey.secret}`).toString('base64')}`, 'x-keyward-broker': '1' },
      signal: AbortSignal.timeout(10_000),
    });
    expect(replica.status).toBe(200);
    await expect.poll(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return page.getByRole('table', { name: `Brokers of ${seed.cluster.id}` }).locator('tbody tr').count();
    }, { timeout: 10_000 }).toBe(1);
    const brokerRow = page.getByRole('table', { name: `Brokers of ${seed.cluster.id}` }).locator('tbody tr').first();
    expect(await brokerRow.textContent()).toMatch(/^1.*in sync/);
    await screenshot(page, 'kafka-broker');
  });

  it('refuses a change that carries the session cookie but no X-CSRF-Token (a stolen or forged request), and changes nothing', { timeout: 30_000 }, async () => {
    const cookie = (await sessionCookie(context)).value;
    // the cookie alone reads (GET needs no token)...
    expect((await withCookie(`${server.url}/iam/v2/api-keys/${rotated.key}`, cookie)).status).toBe(200);
    // ...but changes nothing without the token, or with a wrong one
    const attempts: Array<Record<string, string>> = [{}, { 'X-CSRF-Token': 'not-the-token' }];
    for (const headers of attempts) {
      const refused = await withCookie(`${server.url}/keyward/v1/api-keys/${rotated.key}/disable`, cookie, 'POST', headers);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('X-CSRF-Token');
    }
    const deleted = await withCookie(`${server.url}/iam/v2/api-keys/${rotated.key}`, cookie, 'DELETE');
    expect(deleted.status).toBe(403);
    const key = await call<{ spec: { status: string } }>(server.url, admin, 'GET', `/iam/v2/api-keys/${rotated.key}`);
    expect(key.spec.status).not.toBe('DISABLED');
    expect(await verify(server.url, rotated, seed.cluster.id)).toBe(true);
  });

  it('ends the session of a key that gets disabled: its next action lands on the login page', { timeout: 60_000 }, async () => {
    const second = await createKey(server.url, admin, 'cloud', 'second console session');
    const other = await newContext(browser, server.url);
    try {
      const otherPage = await other.newPage();
      await logIn(otherPage, second);
      await otherPage.goto('/console/api-keys');
      await otherPage.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      const cookie = (await sessionCookie(other)).value;

      const disabled = await runCli(['api-key', 'disable', second.key], { KEYWARD_URL: server.url, KEYWARD_API_KEY: admin.key, KEYWARD_API_SECRET: admin.secret, KEYWARD_HOME: server.home });
      expect(disabled.code, disabled.stderr).toBe(0);

      await otherPage.getByRole('button', { name: 'Refresh' }).click();
      await otherPage.getByRole('heading', { level: 1, name: SIGN_IN }).waitFor();
      await otherPage.getByText('Your session ended. Sign in again.').waitFor();
      expect((await withCookie(`${server.url}/keyward/v1/sessions/current`, cookie)).status).toBe(401);
      await otherPage.reload();
      await otherPage.getByRole('heading', { level: 1, name: SIGN_IN }).waitFor();
    } finally {
      await other.close();
    }
    // the admin's own session is untouched
    await page.goto('/console/api-keys');
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
  });

  it('has an h1, named controls and no sideways scrolling on every page, at 1280 and 390 px (screenshots)', { timeout: 120_000 }, async () => {
    const pages: Array<{ name: string; path: string }> = [
      { name: 'overview', path: '/console/' },
      { name: 'api-keys', path: '/console/api-keys' },
      { name: 'api-key', path: `/console/api-keys/${rotated.key}` },
      { name: 'principals', path: '/console/principals' },
      { name: 'service-account', path: `/console/principals/service-accounts/${seed.app1.id}` },
      { name: 'access', path: '/console/access' },
      { name: 'audit', path: '/console/audit' },
      { name: 'kafka', path: '/console/kafka' },
    ];
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 800 });
      for (const { name, path } of pages) {
        await page.goto(path);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        await expect.poll(() => page.getByRole('status').filter({ hasText: /^Loading/ }).count(), { timeout: 10_000 }).toBe(0);
        await screenshot(page, name);
        const checks = await pageChecks(page);
        expect(checks.headings.length, `${name} at ${width} px: h1`).toBe(1);
        expect(checks.unnamedControls, `${name} at ${width} px: controls without a name`).toEqual([]);
        expect(checks.scrollWidth, `${name} at ${width} px: document width`).toBeLessThanOrEqual(width);
      }
    }
    await page.setViewportSize({ width: WIDTHS[0], height: 800 });
  });

  it('works from the keyboard: skip link, a dialog opened with Enter keeps focus and closes with Escape, focus comes back', { timeout: 60_000 }, async () => {
    await page.goto('/console/api-keys');
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    const focused = () => page.evaluate('document.activeElement ? (document.activeElement.getAttribute("aria-label") || document.activeElement.textContent || document.activeElement.id || document.activeElement.tagName).trim() : ""') as Promise<string>;
    // the first Tab reaches the skip link, Enter moves focus to the page
    await page.locator('body').focus();
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('main');

    const create = page.getByRole('button', { name: 'Create API key' });
    await create.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Create an API key' });
    await dialog.waitFor();
    expect(await page.evaluate('!!document.activeElement && !!document.activeElement.closest("dialog")')).toBe(true);
    // Tab cycles inside the modal dialog, never behind it
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate('!document.activeElement || document.activeElement === document.body || !!document.activeElement.closest("dialog")'), `Tab ${i + 1} left the dialog`).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await focused()).toBe('Create API key');
  });

  it('logs out: the login page shows and the cookie no longer works', { timeout: 60_000 }, async () => {
    await page.goto('/console/api-keys');
    const cookie = (await sessionCookie(context)).value;
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { level: 1, name: SIGN_IN }).waitFor();
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 800 });
      await screenshot(page, 'login');
      const checks = await pageChecks(page);
      expect(checks.unnamedControls).toEqual([]);
      expect(checks.scrollWidth).toBeLessThanOrEqual(width);
    }
    expect((await withCookie(`${server.url}/keyward/v1/sessions/current`, cookie)).status).toBe(401);
    expect((await withCookie(`${server.url}/iam/v2/api-keys`, cookie)).status).toBe(401);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: SIGN_IN }).waitFor();
  });
});

describe.skipIf(!chromiumInstalled || !postgresAvailable)('the web console in Chromium (PostgreSQL)', () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    db = await createPostgresSchema();
    server = await startServerProcess(['--database-url', db.options.databaseUrl as string]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.drop();
  });

  it('logs in, lists the keys and logs out', { timeout: 60_000 }, async () => {
    const admin = { key: server.key, secret: server.secret };
    const seed = await seedWorkflow(server.url, admin);
    const context = await newContext(browser, server.url);
    try {
      const page = await context.newPage();
      await logIn(page, admin);
      await page.goto('/console/api-keys');
      await page.getByRole('link', { name: seed.existingKey.key }).waitFor();
      await page.getByRole('link', { name: admin.key }).waitFor();
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('heading', { level: 1, name: SIGN_IN }).waitFor();
      expect(await context.cookies()).not.toContainEqual(expect.objectContaining({ name: 'keyward_session', value: expect.stringMatching(/.+/) }));
    } finally {
      await context.close();
    }
  });
});
