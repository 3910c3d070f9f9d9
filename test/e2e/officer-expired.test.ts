/**
 * An expired passport: the traveller is REFERred with the plain reason and asks for a review; an
 * officer signs in, opens the case, sees the evidence and records ADMIT; because ADMIT after
 * DOCUMENT_EXPIRED is under the default four-eyes rule, a second officer confirms it in another
 * browser context; the case's audit trail shows the decision and the override. The technician
 * screens are scanned on the same suite.server.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, kioskSuite, signIn, startToPlace, waitPhase } from './support.js';

describe('REFER for an expired passport, officer override with four-eyes (kiosk serve --scenario expired)', () => {
  const suite = kioskSuite({ scenario: 'expired' });
  const open = (): Promise<Page> => suite.open();

  it('the traveller sees the plain reason and asks for a review', async () => {
    const page = await open();
    await page.goto(suite.server.url);
    await startToPlace(page);
    await waitPhase(page, 'refer', 90_000);
    const reason = page.locator('[data-reason=DOCUMENT_EXPIRED]');
    await expect.poll(() => reason.count()).toBe(1);
    const text = (await reason.innerText()).trim();
    expect(text.length).toBeGreaterThan(10);
    expect(text).not.toContain('DOCUMENT_EXPIRED');
    expect(text.toLowerCase()).toMatch(/expire|valid/);
    expect(await page.locator('[data-testid=request-review]').isVisible()).toBe(true);
    await expectAccessible(page, 'traveller-refer-expired');
    await page.getByRole('button', { name: 'High contrast' }).click();
    await page.waitForSelector('html.high-contrast');
    await expectAccessible(page, 'traveller-refer-high-contrast');
    await page.getByRole('button', { name: 'High contrast' }).click();
    await page.waitForSelector('html:not(.high-contrast)');

    await page.click('[data-testid=request-review]');
    await waitPhase(page, 'officer-called');
    await page.waitForSelector('[data-testid=officer-called]');
    await expectAccessible(page, 'traveller-officer-called-review');
  });

  it('officer1 opens the case, sees the evidence and records ADMIT; officer2 confirms (four-eyes); the audit trail shows it', async () => {
    const p1 = await open();
    await signIn(p1, suite.server.url, 'officer1', { scanAs: 'staff-sign-in' });
    await p1.waitForSelector('[data-testid=queue-item]');
    await expectAccessible(p1, 'officer-queue');
    await p1.locator('[data-testid=queue-item]').first().click();
    const caseView = p1.locator('[data-testid=case-view]');
    await caseView.waitFor();
    await p1.waitForSelector('[data-testid=evidence] tbody tr');

    // Evidence: the MRZ fields, the chip result per protocol, the checks.
    const mrz = await caseView.locator('dl.kv').first().innerText();
    expect(mrz).toMatch(/documentNumber/);
    expect(mrz).toMatch(/expiryDate/);
    const chip = await caseView.locator('table.evidence').first().innerText();
    for (const protocol of ['accessControl', 'passiveAuthentication', 'activeAuthentication', 'chipAuthentication']) expect(chip).toContain(protocol);
    const checks = await caseView.locator('[data-testid=evidence]').innerText();
    expect(checks).toContain('DOCUMENT_EXPIRED');
    expect(await caseView.innerText()).toContain('DOCUMENT_EXPIRED');
    // The case view reflows into the window: no horizontal scrolling (WCAG 1.4.10).
    expect(await p1.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    await expectAccessible(p1, 'officer-case-view');

    // ADMIT with a reason code and a note.
    await caseView.locator('input[name=decision][value=ADMIT]').check();
    const select = caseView.locator('[data-testid=reason-code]');
    await expect.poll(() => select.locator('option').count()).toBeGreaterThan(1);
    const code = await select.locator('option').nth(1).getAttribute('value');
    await select.selectOption(code!);
    await caseView.locator('[data-testid=decision-text]').fill('Traveller holds a renewal receipt; admitted on expired passport.');
    await caseView.locator('[data-testid=decide]').click();

    const fourEyes = caseView.locator('[data-testid=four-eyes]');
    await fourEyes.waitFor();
    expect(await fourEyes.innerText()).toMatch(/ADMIT by officer1/);
    expect(await fourEyes.locator('[data-testid=confirm]').count()).toBe(0);
    await expectAccessible(p1, 'officer-four-eyes-pending');

    // A second officer, in a browser context of their own.
    const p2 = await open();
    await signIn(p2, suite.server.url, 'officer2');
    await p2.waitForSelector('[data-testid=queue-item]');
    await p2.locator('[data-testid=queue-item]').first().click();
    const case2 = p2.locator('[data-testid=case-view]');
    await case2.locator('[data-testid=four-eyes] [data-testid=confirm]').click();
    await case2.locator('[role=status]', { hasText: 'Confirmed' }).waitFor();
    await expectAccessible(p2, 'officer-four-eyes-confirmed');

    const decisions = await case2.innerText();
    expect(decisions).toMatch(/ADMIT by officer1 \([^)]*\), confirmed by officer2/);
    const audit = await case2.locator('[data-testid=audit-trail]').innerText();
    expect(audit).toContain('officer1');
    expect(audit).toContain('officer2');
    expect(audit).toMatch(/ADMIT/);
    expect(audit).toMatch(/REFER|referr?al/i);
  });

  it('technician screens: devices with self-test, models, trust store, storage, logs', async () => {
    const page = await open();
    await signIn(page, suite.server.url, 'tech');
    await page.waitForSelector('[data-testid=device-table] tbody tr');
    await page.click('[data-testid=self-test]');
    await page.waitForSelector('[data-testid=self-test]:not([disabled])', { timeout: 60_000 });
    const devices = await page.locator('[data-testid=device-table]').innerText();
    expect(devices).toMatch(/PN532|nfc/i);
    await expectAccessible(page, 'technician-devices');
    for (const tab of ['models', 'trust', 'storage', 'logs'] as const) {
      await page.click(`[data-testid=tab-${tab}]`);
      await page.waitForSelector(`[data-testid=tab-${tab}][aria-current=page]`);
      await page.waitForSelector('.technician section.card h1');
      if (tab === 'storage') await page.waitForSelector('[data-testid=audit-chain]');
      await expectAccessible(page, `technician-${tab}`);
    }
    expect(await page.locator('[data-testid=tab-storage]').count()).toBe(1);
  });
});
