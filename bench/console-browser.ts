import { chromium, type Browser } from 'playwright-core';

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
