import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (apt package `chromium`; .ci/run installs it). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless Chromium launched as issue 11 prescribes, for the console's browser tests, its benchmark
 * and the README screenshot; the caller closes it.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 30_000,
  });
}

/** Signs in on the console's login page with a cloud key and its secret, and waits for the signed-in console. */
export async function signIn(page: Page, credentials: { key: string; secret: string }): Promise<void> {
  await page.goto('/console/');
  await page.getByLabel('API key', { exact: true }).fill(credentials.key);
  await page.getByLabel('API secret', { exact: true }).fill(credentials.secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/** A new 1280×800 page of `browser` on `baseURL`, signed in with `credentials`; steps wait at most `timeoutMs`. */
export async function signedInPage(browser: Browser, baseURL: string, credentials: { key: string; secret: string }, timeoutMs: number): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(timeoutMs);
  const page = await context.newPage();
  await signIn(page, credentials);
  return page;
}
