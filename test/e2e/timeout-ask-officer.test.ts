/**
 * On one server with short traveller timeouts (--ui-timeout-ms 10000 --ui-warn-ms 3000) and a
 * simulated traveller who never places the passport (placeDelayMs 10 min):
 * - the warning dialog with "more time", extending it, and the return to the welcome screen;
 * - "ask an officer" while the kiosk waits for the document: officer-called, and a referral in the
 *   officer queue.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, holdableHost, kioskSuite, seen, signIn, startToPlace, waitPhase } from './support.js';

describe('timeouts and asking for an officer (kiosk serve --ui-timeout-ms 10000 --ui-warn-ms 3000)', () => {
  const suite = kioskSuite({ scenario: 'genuine', config: { simulation: { placeDelayMs: 600_000 } }, args: ['--ui-timeout-ms', '10000', '--ui-warn-ms', '3000'] });
  const open = (): Promise<Page> => suite.open();

  it('warns with "more time", extends when asked, and otherwise returns to the welcome screen', async () => {
    const page = await open();
    const host = await holdableHost(page);
    await page.goto(suite.server.url);
    await startToPlace(page);
    await waitPhase(page, 'place-document');
    const dialog = page.locator('[role=alertdialog]');
    await page.waitForSelector('[data-testid=more-time]', { timeout: 10_000 });
    const firstWarning = await page.evaluate(() => performance.now());
    expect(await dialog.innerText()).toMatch(/\d+/);
    // The alert dialog takes the focus, on "more time" (keyboard and screen-reader users).
    await expect.poll(() => page.evaluate<string | null>(`document.activeElement && document.activeElement.getAttribute('data-testid')`)).toBe('more-time');

    // Extend: the dialog goes away and the deadline moves (10 s from now).
    await page.click('[data-testid=more-time]');
    await dialog.waitFor({ state: 'detached', timeout: 5000 });
    // Past the first deadline (3 s after the first warning) the traveller is still on the guidance.
    await page.waitForFunction((t) => performance.now() > t + 3500, firstWarning, { polling: 100 });
    expect(await page.getAttribute('main.screen', 'data-phase')).toBe('place-document');
    expect((await seen(page)).phases.map((p) => p.phase).slice(1)).not.toContain('welcome');

    // Not extending again: the warning comes back (scanned while the host's next messages wait:
    // an axe run can take longer than the 3 s left) and the kiosk returns to the welcome screen.
    await page.waitForSelector('[data-testid=more-time]', { timeout: 10_000 });
    host.hold();
    expect(await page.evaluate<string | null>(`document.activeElement && document.activeElement.getAttribute('data-testid')`)).toBe('more-time');
    try {
      await expectAccessible(page, 'traveller-timeout-dialog');
    } finally {
      host.release();
    }
    await waitPhase(page, 'welcome', 10_000);
    await expect.poll(() => dialog.count()).toBe(0);
    const phases = (await seen(page)).phases.map((p) => p.phase);
    expect(phases.slice(-2)).toEqual(['place-document', 'welcome']);
  });

  it('"ask an officer" while waiting for the passport: officer-called, and a referral in the queue', async () => {
    const page = await open();
    await page.goto(suite.server.url);
    await startToPlace(page);
    await waitPhase(page, 'place-document');
    await page.click('[data-testid=ask-officer]');
    await waitPhase(page, 'officer-called');
    await page.waitForSelector('[data-testid=officer-called]');
    await expectAccessible(page, 'traveller-officer-called');

    const officer = await open();
    await signIn(officer, suite.server.url, 'officer1');
    const item = officer.locator('[data-testid=queue-item]');
    await item.first().waitFor();
    expect(await item.count()).toBe(1);
    expect(await item.first().innerText()).toContain('TRAVELLER_REQUESTED_REVIEW');
    // Still waiting for an officer: the timeout does not send the traveller away.
    expect(await page.getAttribute('main.screen', 'data-phase')).toBe('officer-called');
  });
});
