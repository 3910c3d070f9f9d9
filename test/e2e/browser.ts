import { chromium, type Browser, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

/** Debian's Chromium (`npx playwright install` cannot download here). */
export const CHROMIUM = process.env.KIOSK_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('test-results/e2e');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
      '--disable-features=Translate,MediaRouter',
    ],
  });
}

/** Keeps a screenshot of the screen as a test artifact (test-results/e2e/NAME.png). */
export async function keepScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
