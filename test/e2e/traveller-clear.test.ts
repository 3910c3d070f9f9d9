/**
 * A genuine passport through the browser host: welcome → notice → place → chip progress → CLEAR,
 * with axe scans and screenshots of each traveller screen, the display modes, and Arabic (RTL,
 * layout mirrored).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepScreenshot, launchBrowser } from './browser.js';
import { startKiosk, type KioskServer } from './server.js';
import { expectAccessible, holdableHost, keepArtifactsOnFailure, newKioskPage, screenAndAxe, seen, signIn, startToPlace, waitPhase } from './support.js';

describe('traveller, genuine passport (kiosk serve --scenario genuine)', () => {
  let server: KioskServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let host: { hold(): void; release(): void };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startKiosk({ scenario: 'genuine' }), launchBrowser()]);
    ({ context, page } = await newKioskPage(browser));
    host = await holdableHost(page);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });
  keepArtifactsOnFailure(() => ({ server, pages: [page] }));

  it('high-contrast and large-text modes are accessible', async () => {
    await page.goto(server.url);
    await waitPhase(page, 'welcome');
    await page.getByRole('button', { name: 'High contrast' }).click();
    await expect.poll(() => page.evaluate<boolean>("document.documentElement.classList.contains('high-contrast')")).toBe(true);
    await expectAccessible(page, 'traveller-welcome-high-contrast');
    await page.getByRole('button', { name: 'High contrast' }).click();

    await page.getByRole('button', { name: 'Large text' }).click();
    await expect.poll(() => page.evaluate<boolean>("document.documentElement.classList.contains('large-text')")).toBe(true);
    await expectAccessible(page, 'traveller-welcome-large-text');
    await page.click('[data-testid=start]');
    await waitPhase(page, 'notice');
    await expectAccessible(page, 'traveller-notice-large-text');
    await page.getByRole('button', { name: 'Large text' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await waitPhase(page, 'welcome');
  });

  it('Arabic: html lang=ar dir=rtl, Arabic text, the layout mirrored', async () => {
    await page.goto(server.url);
    await waitPhase(page, 'welcome');
    const askEn = (await page.locator('[data-testid=ask-officer]').boundingBox())!;
    const startEn = (await page.locator('[data-testid=start]').boundingBox())!;
    const width = page.viewportSize()!.width;

    await page.click('[data-testid=lang-ar]');
    await expect.poll(() => page.evaluate<string[]>('[document.documentElement.lang, document.documentElement.dir]')).toEqual(['ar', 'rtl']);
    const askText = await page.locator('[data-testid=ask-officer]').innerText();
    expect(askText).toMatch(/[\u0600-\u06FF]/);
    expect(await page.locator('main.screen .lead').first().innerText()).toMatch(/[\u0600-\u06FF]/);

    const askAr = (await page.locator('[data-testid=ask-officer]').boundingBox())!;
    // In English the "ask an officer" button sits at the right (inline end); in Arabic at the left.
    expect(askEn.x + askEn.width / 2).toBeGreaterThan(width / 2);
    expect(askAr.x + askAr.width / 2).toBeLessThan(width / 2);
    // Mirrored: its distance from the left edge in Arabic is its distance from the right edge in English.
    expect(Math.abs(askAr.x - (width - (askEn.x + askEn.width)))).toBeLessThan(24);
    // The start button starts at the inline start: left in English, right in Arabic.
    const startAr = (await page.locator('[data-testid=start]').boundingBox())!;
    expect(startAr.x + startAr.width).toBeGreaterThan(startEn.x + startEn.width);
    await expectAccessible(page, 'traveller-welcome-arabic');

    // Spoken guidance in Arabic: the repeat button speaks the screen again, in Arabic.
    const spokenBefore = (await seen(page)).spoken.length;
    await page.locator('.toggles button').nth(2).click();
    await expect.poll(async () => (await seen(page)).spoken.length).toBeGreaterThan(spokenBefore);
    const said = (await seen(page)).spoken.at(-1)!;
    expect(said.lang).toBe('ar');
    expect(said.text).toMatch(/[\u0600-\u06FF]/);

    await page.click('[data-testid=start]');
    await waitPhase(page, 'notice');
    expect(await page.locator('main.screen h1').innerText()).toMatch(/[\u0600-\u06FF]/);
    // The notice is spoken on arrival, in Arabic.
    await expect.poll(async () => (await seen(page)).spoken.at(-1)?.text ?? '').toMatch(/[\u0600-\u06FF]/);
    expect((await seen(page)).spoken.at(-1)!.text).not.toBe(said.text);
    await expectAccessible(page, 'traveller-notice-arabic');
    await page.locator('main.screen .actions button').nth(1).click();
    await waitPhase(page, 'welcome');
    await page.click('[data-testid=lang-en]');
    await expect.poll(() => page.evaluate<string>('document.documentElement.dir')).toBe('ltr');
  });
  it('each of the six languages sets html lang and translates the screen', async () => {
    await page.goto(server.url);
    await waitPhase(page, 'welcome');
    const expected: Record<string, [string, RegExp]> = {
      en: ['en', /[A-Za-z]/],
      fr: ['fr', /[A-Za-zÀ-ÿ]/],
      es: ['es', /[A-Za-zÀ-ÿ]/],
      ru: ['ru', /[\u0400-\u04FF]/],
      zh: ['zh-CN', /[\u4E00-\u9FFF]/],
      ar: ['ar', /[\u0600-\u06FF]/],
    };
    const leads = new Set<string>();
    for (const [code, [tag, script]] of Object.entries(expected)) {
      await page.click(`[data-testid=lang-${code}]`);
      await expect.poll(() => page.evaluate<string>('document.documentElement.lang')).toBe(tag);
      const lead = await page.locator('main.screen .lead').first().innerText();
      expect(lead).toMatch(script);
      leads.add(lead);
      expect(await page.locator('[data-testid=ask-officer]').innerText()).toMatch(script);
      if (code === 'zh') await keepScreenshot(page, 'traveller-welcome-chinese');
    }
    expect(leads.size).toBe(6);
    // The welcome heading greets in every language, each greeting marked with its own language (WCAG 3.1.2).
    const parts = await page.locator('main.screen h1 [lang]').evaluateAll((els) => els.map((e) => e.getAttribute('lang')));
    expect(parts.sort()).toEqual(Object.values(expected).map(([tag]) => tag).sort());
    await page.click('[data-testid=lang-en]');
    await expect.poll(() => page.evaluate<string>('document.documentElement.dir')).toBe('ltr');
  });

  // Last: after a result the traveller screen stays on it until the kiosk frees itself.
  it('welcome → notice → place-document → chip progress → CLEAR, every screen accessible', async () => {
    await page.goto(server.url);
    await waitPhase(page, 'welcome');
    await expectAccessible(page, 'traveller-welcome');

    await page.click('[data-testid=start]');
    await waitPhase(page, 'notice');
    await expectAccessible(page, 'traveller-notice');

    await page.click('[data-testid=accept-notice]');
    // The simulated traveller places the passport ~1.5 s after the notice: the guidance screen
    // first. Short-lived screens are scanned while the host's next messages wait (holdableHost).
    await waitPhase(page, 'place-document');
    host.hold();
    const placeFindings = await screenAndAxe(page, 'traveller-place-document').finally(() => host.release());

    // The chip read: the progress bar.
    await page.waitForSelector('[data-testid=chip-progress]', { timeout: 60_000 });
    host.hold();
    const chipFindings = await screenAndAxe(page, 'traveller-reading-chip').finally(() => host.release());

    const result = await waitPhase(page, ['clear', 'refer'], 90_000);
    const marks = await seen(page);
    const phases = marks.phases.map((p) => p.phase);
    expect(phases.slice(0, 3)).toEqual(['welcome', 'notice', 'place-document']);
    expect(phases).toContain('reading-chip');
    expect(marks.testIds['chip-progress'], 'the chip progress bar was shown').toBeTypeOf('number');
    expect(placeFindings, `axe on place-document: ${JSON.stringify(placeFindings)}`).toEqual([]);
    expect(chipFindings, `axe on reading-chip: ${JSON.stringify(chipFindings)}`).toEqual([]);

    if (result === 'refer') {
      const reasons = await page.$$eval('[data-reason]', (els) => els.map((e) => `${e.getAttribute('data-reason')}: ${e.textContent}`));
      await screenAndAxe(page, 'traveller-clear-expected-but-refer');
      expect.fail(`a genuine passport was REFERred: ${reasons.join('; ')}`);
    }
    await page.waitForSelector('[data-testid=result-clear]');
    await expectAccessible(page, 'traveller-clear');
  });
  it('"ask an officer" while the chip is read: officer-called, and a referral in the officer queue', async () => {
    await page.goto(server.url);
    const phase = await waitPhase(page, ['welcome', 'clear']);
    if (phase === 'clear') await page.click('[data-testid=result-clear] button');
    await startToPlace(page);
    await waitPhase(page, 'reading-chip', 60_000);
    await page.click('[data-testid=ask-officer]');
    await waitPhase(page, 'officer-called', 60_000);
    // The session goes on to its end and is referred to an officer: the traveller stays told so.
    const staff = await newKioskPage(browser);
    try {
      await signIn(staff.page, server.url, 'officer1');
      const item = staff.page.locator('[data-testid=queue-item]');
      await item.first().waitFor({ timeout: 60_000 });
      expect(await item.first().innerText()).toContain('TRAVELLER_REQUESTED_REVIEW');
      await keepScreenshot(staff.page, 'officer-queue-asked-during-chip-read');
    } finally {
      await staff.context.close();
    }
    expect(await page.getAttribute('main.screen', 'data-phase')).toBe('officer-called');
    await keepScreenshot(page, 'traveller-officer-called-during-chip-read');
  });
});
