/**
 * A passport whose chip signer is not in the trust store: the traveller is REFERred with the plain
 * reason (not verifiable here, nothing wrong implied); the officer sees Passive Authentication
 * 'unknown-signer' — never "invalid" or "forged" — and records an override.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, kioskSuite, signIn, startToPlace, waitPhase } from './support.js';

describe('REFER for an unknown chip signer (kiosk serve --scenario unknown-signer)', () => {
  const suite = kioskSuite({ scenario: 'unknown-signer' });
  const open = (): Promise<Page> => suite.open();

  it('the traveller sees that the chip issuer could not be verified; the officer sees unknown-signer, not invalid, and overrides', async () => {
    const traveller = await open();
    await traveller.goto(suite.server.url);
    await startToPlace(traveller);
    await waitPhase(traveller, 'refer', 90_000);
    const reason = traveller.locator('[data-reason=CHIP_PA_UNVERIFIABLE]');
    await expect.poll(() => reason.count()).toBe(1);
    const text = await reason.innerText();
    expect(text).not.toMatch(/CHIP_PA|forged|fake|invalid/i);
    expect(await traveller.locator('[data-reason=CHIP_PA_INVALID]').count()).toBe(0);
    expect(await traveller.locator('main.screen').innerText()).not.toMatch(/forged|forgery|fake/i);
    await expectAccessible(traveller, 'traveller-refer-unknown-signer');

    const officer = await open();
    await signIn(officer, suite.server.url, 'officer1');
    await officer.locator('[data-testid=queue-item]').first().click();
    const caseView = officer.locator('[data-testid=case-view]');
    await officer.waitForSelector('[data-testid=evidence] tbody tr');
    const pa = caseView.locator('table.evidence').first().locator('tr', { has: officer.locator('th', { hasText: 'passiveAuthentication' }) });
    expect(await pa.locator('td').first().innerText()).toBe('unknown-signer');
    const all = await caseView.innerText();
    expect(all).toContain('CHIP_PA_UNVERIFIABLE');
    expect(all).not.toContain('CHIP_PA_INVALID');
    expect(all).not.toMatch(/forged|forgery/i);
    await expectAccessible(officer, 'officer-case-unknown-signer');

    // No four-eyes rule covers an unverifiable signer: one officer's ADMIT is recorded at once.
    await caseView.locator('input[name=decision][value=ADMIT]').check();
    await caseView.locator('[data-testid=reason-code]').selectOption('OVR_DOCUMENT_VERIFIED');
    await caseView.locator('[data-testid=decision-text]').fill('Document examined by hand; issuer certificate missing from the master list.');
    await caseView.locator('[data-testid=decide]').click();
    await caseView.locator('[role=status]', { hasText: 'Decision recorded' }).waitFor();
    expect(await caseView.locator('[data-testid=four-eyes]').count()).toBe(0);
    expect(await caseView.innerText()).toMatch(/ADMIT by officer1 \(OVR_DOCUMENT_VERIFIED/);
    expect(await caseView.locator('[data-testid=audit-trail]').innerText()).toMatch(/override officer1 .*ADMIT/);
  });
});
