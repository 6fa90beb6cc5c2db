import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
export { CHROMIUM, launchChromium, signIn } from '../../bench/console-browser.js';

/** Where the browser tests save their screenshots (git-ignored). */
export const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts/console');

/** The two widths every page must work at (issue 11): a laptop and a phone. */
export const WIDTHS = [1280, 390] as const;

/** How long one browser step (a click, a wait for text) may take before the test fails. */
export const STEP_TIMEOUT_MS = 10_000;

/** A fresh context (its own cookies) on `baseURL`, with bounded timeouts, 1280×800 by default. */
export async function newContext(browser: Browser, baseURL: string, width: number = WIDTHS[0]): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width, height: 800 } });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  return context;
}

/** Writes test-artifacts/console/<name>-<width>.png of the whole page at its current viewport width. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  const path = join(ARTIFACTS, `${name}-${width}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface PageChecks {
  /** document.documentElement.scrollWidth: more than the viewport means the page scrolls sideways. */
  scrollWidth: number;
  /** The text of the page's h1 elements. */
  headings: string[];
  /** Inputs, selects and textareas without an accessible name (described by tag, id and name). */
  unnamedControls: string[];
}

/**
 * What the layout and accessibility checks look at, measured in the page. A control has a name when
 * it has aria-label, aria-labelledby, a <label for>, a wrapping <label> or (for inputs) a title.
 */
export function pageChecks(page: Page): Promise<PageChecks> {
  // a string, not a function: this project's type-check has no DOM library
  return page.evaluate(`(() => {
    const controls = [...document.querySelectorAll('input:not([type=hidden]), select, textarea')];
    const named = (el) =>
      (el.getAttribute('aria-label') || '').trim() !== '' ||
      (el.getAttribute('aria-labelledby') || '').split(/\\s+/).some((id) => id && (document.getElementById(id)?.textContent || '').trim() !== '') ||
      [...(el.labels || [])].some((label) => label.textContent.trim() !== '') ||
      (el.getAttribute('title') || '').trim() !== '';
    return {
      scrollWidth: document.documentElement.scrollWidth,
      headings: [...document.querySelectorAll('h1')].map((h) => h.textContent.trim()),
      unnamedControls: controls.filter((el) => !named(el)).map((el) => el.tagName.toLowerCase() + '#' + el.id + '[name=' + (el.getAttribute('name') || '') + ']'),
    };
  })()`) as Promise<PageChecks>;
}
