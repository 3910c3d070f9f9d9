import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_POLICY, decide, parsePolicy, ageAt, ageBand, expiryDateToMs, reasonText, LANGUAGES, DECISION_REASONS, GUIDANCE, OVERRIDE_REASONS, type DecisionInputs, type CheckEvidence } from '../../../main/kiosk/index.js';
import { chipResult, mrzResult, passingEvidence } from './fixtures.js';

const NOW = Date.UTC(2026, 10, 22, 12);
const inputs = (over: Partial<DecisionInputs> = {}): DecisionInputs => ({ mrz: mrzResult(), chip: chipResult(), chipError: null, travellerRequestedReview: false, ...over });
const codes = (d: { reasons: { code: string }[] }) => d.reasons.map((r) => r.code);

describe('decision policy', () => {
  it('clears only when every required check passes, and records evidence and version', () => {
    const d = decide(DEFAULT_POLICY, inputs(), passingEvidence, NOW);
    expect(d.outcome).toBe('CLEAR');
    expect(d.policyVersion).toBe(DEFAULT_POLICY.version);
    expect(codes(d)).toEqual(['ALL_CHECKS_PASSED']);
    const fm = d.evidence.find((e) => e.check === 'face-present')!;
    expect(fm).toMatchObject({ status: 'pass', score: 0.95, threshold: 0.8, modelVersion: 'fm-1' });
    expect(d.evidence.map((e) => e.check)).toContain('chip.passiveAuthentication');
  });

  it('refers an expired document', () => {
    const d = decide(DEFAULT_POLICY, inputs({ mrz: mrzResult({ expiryDate: '251121' }), chip: chipResult({}, mrzResult({ expiryDate: '251121' })) }), passingEvidence, NOW);
    expect(d.outcome).toBe('REFER');
    expect(codes(d)).toEqual(['DOCUMENT_EXPIRED']);
  });

  it('a document is valid through its expiry day', () => {
    const d = decide(DEFAULT_POLICY, inputs({ mrz: mrzResult({ expiryDate: '261122' }), chip: chipResult({}, mrzResult({ expiryDate: '261122' })) }), passingEvidence, NOW);
    expect(d.outcome).toBe('CLEAR');
  });

  it.each([
    ['invalid', 'CHIP_PA_INVALID'],
    ['unknown-signer', 'CHIP_PA_UNVERIFIABLE'],
    ['not-performed', 'CHIP_PA_NOT_PERFORMED'],
  ] as const)('refers when Passive Authentication is %s', (status, code) => {
    const d = decide(DEFAULT_POLICY, inputs({ chip: chipResult({ passiveAuthentication: { status } }) }), passingEvidence, NOW);
    expect(d.outcome).toBe('REFER');
    expect(codes(d)).toContain(code);
  });

  it('refers an MRZ/DG1 mismatch, a failed AA and a chip that was not read', () => {
    expect(codes(decide(DEFAULT_POLICY, inputs({ chip: chipResult({}, mrzResult({ documentNumber: 'X00000000' })) }), passingEvidence, NOW))).toEqual(['MRZ_DG1_MISMATCH']);
    expect(codes(decide(DEFAULT_POLICY, inputs({ chip: chipResult({ activeAuthentication: { status: 'invalid' } }) }), passingEvidence, NOW))).toEqual(['CHIP_AA_INVALID']);
    const noChip = decide(DEFAULT_POLICY, inputs({ chip: null, chipError: { code: 'TIMEOUT', message: '' } }), passingEvidence, NOW);
    expect(codes(noChip)).toEqual(['CHIP_NOT_READ']);
    expect(noChip.evidence.find((e) => e.check === 'chip.passiveAuthentication')).toMatchObject({ status: 'not-run', reasonCode: 'CHIP_NOT_READ' });
    const denied = decide(DEFAULT_POLICY, inputs({ chip: null, chipError: { code: 'ACCESS_DENIED', message: '' } }), passingEvidence, NOW);
    expect(codes(denied)).toContain('CHIP_ACCESS_DENIED');
  });

  it('refers any required check that fails, is inconclusive, not run or missing', () => {
    for (const [status, code] of [['fail', 'CHECK_FAILED'], ['inconclusive', 'CHECK_INCONCLUSIVE'], ['not-run', 'CHECK_NOT_RUN']] as const) {
      const ev = passingEvidence.map((e) => (e.check === 'image-sharpness' ? { ...e, status } : e));
      const d = decide(DEFAULT_POLICY, inputs(), ev, NOW);
      expect(d.outcome).toBe('REFER');
      expect(d.reasons).toEqual([{ code, check: 'image-sharpness', detail: 'OK' }]);
    }
    const missing = decide(DEFAULT_POLICY, inputs(), passingEvidence.slice(1), NOW);
    expect(missing.reasons).toEqual([{ code: 'CHECK_NOT_RUN', check: 'image-sharpness', detail: 'CHECK_NOT_RUN' }]);
    expect(decide(DEFAULT_POLICY, inputs(), [], NOW).reasons.map((r) => r.check)).toEqual(DEFAULT_POLICY.requiredChecks);
  });

  it('the stricter of the policy threshold and the check verdict wins', () => {
    const strict = { ...DEFAULT_POLICY, thresholds: { ...DEFAULT_POLICY.thresholds, 'face-present': 0.97 } };
    expect(decide({ ...DEFAULT_POLICY, thresholds: { 'face-present': 0.9 } }, inputs(), passingEvidence, NOW).outcome).toBe('CLEAR');
    expect(decide({ ...DEFAULT_POLICY, thresholds: { 'mrz-ocr': 0.5 } }, inputs(), passingEvidence, NOW).evidence.find((e) => e.check === 'mrz-ocr')).toMatchObject({ status: 'inconclusive' });
    const d = decide(strict, inputs(), passingEvidence, NOW);
    expect(d.outcome).toBe('REFER');
    expect(d.evidence.find((e) => e.check === 'face-present')).toMatchObject({ status: 'fail', threshold: 0.97 });
  });

  it('non-required checks are recorded but do not refer', () => {
    const d = decide(DEFAULT_POLICY, inputs(), [...passingEvidence, { check: 'shadow.model', status: 'fail', reasonCode: 'X' }], NOW);
    expect(d.outcome).toBe('CLEAR');
    expect(d.evidence.some((e) => e.check === 'shadow.model')).toBe(true);
  });

  it('never outputs anything but CLEAR or REFER, and CLEAR implies every required check passed', () => {
    let cleared = 0;
    const status = fc.constantFrom('pass', 'fail', 'inconclusive', 'not-run' as const);
    fc.assert(
      fc.property(
        fc
          .tuple(
            fc.boolean(),
            fc.array(fc.constantFrom('pass', 'pass', 'pass', 'fail', 'inconclusive', 'not-run' as const), { minLength: DEFAULT_POLICY.requiredChecks.length, maxLength: DEFAULT_POLICY.requiredChecks.length }),
            fc.subarray([...DEFAULT_POLICY.requiredChecks]),
            fc.array(fc.record({ check: fc.constantFrom('other', 'face-match'), status, reasonCode: fc.constant('R') }), { maxLength: 2 }),
          )
          .map(([allPass, statuses, dropped, extra]) => [
            ...DEFAULT_POLICY.requiredChecks
              .filter((c) => allPass || !dropped.includes(c))
              .map((check, i) => ({ check, status: allPass ? ('pass' as const) : statuses[i]!, reasonCode: 'R' })),
            ...extra,
          ]),
        fc.constantFrom('valid', 'invalid', 'unknown-signer', 'not-performed' as const),
        fc.constantFrom('valid', 'invalid', 'not-supported'),
        fc.boolean(),
        fc.constantFrom('300415', '200101', '99', ''),
        (ev, pa, aa, chipPresent, expiry) => {
          const m = mrzResult({ expiryDate: expiry });
          const d = decide(DEFAULT_POLICY, inputs({ mrz: m, chip: chipPresent ? chipResult({ passiveAuthentication: { status: pa }, activeAuthentication: { status: aa } }, m) : null }), ev as CheckEvidence[], NOW);
          expect(['CLEAR', 'REFER']).toContain(d.outcome);
          if (d.outcome === 'CLEAR') {
            cleared++;
            expect(chipPresent && pa === 'valid' && aa !== 'invalid' && expiry === '300415').toBe(true);
            for (const r of DEFAULT_POLICY.requiredChecks) expect(d.evidence.filter((e) => e.check === r).every((e) => e.status === 'pass')).toBe(true);
          } else expect(d.reasons.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 400 },
    );
    expect(cleared).toBeGreaterThan(0);
  });

  it('validates policy files', () => {
    expect(parsePolicy(DEFAULT_POLICY)).toEqual(DEFAULT_POLICY);
    expect(() => parsePolicy({ ...DEFAULT_POLICY, thresholds: { x: 2 } })).toThrow(/POLICY|invalid policy/);
    expect(() => parsePolicy({ version: '' })).toThrow();
  });

  it('dates: expiry end of day, age and bands', () => {
    expect(expiryDateToMs('300415', NOW)).toBe(Date.UTC(2030, 3, 16) - 1);
    expect(expiryDateToMs('301340', NOW)).toBeUndefined();
    expect(ageAt('740812', NOW)).toBe(52);
    expect(ageAt('101123', NOW)).toBe(15);
    expect(ageAt('101122', NOW)).toBe(16);
    expect([ageBand(15), ageBand(18), ageBand(44), ageBand(59), ageBand(60), ageBand(undefined)]).toEqual(['0-17', '18-29', '30-44', '45-59', '60+', 'unknown']);
  });

  it('every reason and guidance code has a text in every language', () => {
    for (const table of [DECISION_REASONS, GUIDANCE, OVERRIDE_REASONS]) {
      for (const [code, texts] of Object.entries(table)) {
        for (const l of LANGUAGES) expect((texts as Record<string, string>)[l], `${code}/${l}`).toMatch(/\S/);
      }
    }
    expect(reasonText('DOCUMENT_EXPIRED', 'fr')).toMatch(/expiré/);
    expect(reasonText('DOCUMENT_EXPIRED', 'xx')).toMatch(/expired/);
    expect(reasonText('NOPE')).toBeUndefined();
  });
});
