/**
 * The decision policy: versioned configuration in, CLEAR or REFER out, never REFUSE.
 * CLEAR only when every required check passes; anything else is REFER with reason codes.
 * Some rules cannot be switched off by configuration (expired document, invalid Passive
 * Authentication, MRZ/DG1 mismatch, any failing chip security protocol): a policy file can add
 * required checks and tighten thresholds, never weaken those.
 */
import { z } from 'zod';
import { UsageError } from '../base/errors.js';
import type { CheckEvidence, ChipReadResult, Decision, DecisionInputs, DecisionReason, MrzResult } from './types.js';

export const policySchema = z.object({
  version: z.string().min(1),
  /** Checks of the checks module (by evidence `check` name) that must pass for CLEAR. */
  requiredChecks: z.array(z.string().min(1)),
  /** Minimum score per check; the stricter of this and the check's own verdict wins. */
  thresholds: z.record(z.string(), z.number().min(0).max(1)),
  rules: z.object({
    /** A document without a readable chip is referred. */
    requireChip: z.boolean(),
    /** A document signer missing from the trust store (not verifiable) is referred. */
    referUnverifiableSigner: z.boolean(),
    /** Active or Chip Authentication must have succeeded (chips without either are referred). */
    requireChipAuthenticity: z.boolean(),
  }),
});

export type PolicyConfig = z.infer<typeof policySchema>;

/**
 * The default policy. Required checks are the checks of main/checks (evidence `check` names) that
 * the module can run today; 'face-match' is left out while the checks module reports it
 * unavailable (requiring it would refer every traveller): add it here when its model ships.
 * Thresholds: the checks apply their own; a site policy may tighten them per check.
 */
export const DEFAULT_POLICY: PolicyConfig = {
  version: '2026.1',
  requiredChecks: ['image-sharpness', 'image-glare', 'image-exposure', 'image-crop', 'face-present', 'mrz-ocr', 'mrz-vs-scanner', 'mrz-vs-chip'],
  thresholds: {},
  rules: { requireChip: true, referUnverifiableSigner: true, requireChipAuthenticity: false },
};

/** Validates a policy (e.g. from KIOSK_CONFIG); throws UsageError('POLICY_INVALID'). */
export function parsePolicy(value: unknown): PolicyConfig {
  const r = policySchema.safeParse(value);
  if (!r.success) {
    throw new UsageError('POLICY_INVALID', `invalid policy: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}

/** Names of the checks the core derives itself from the MRZ and chip results. */
export const CORE_CHECKS = {
  mrzIntegrity: 'mrz.integrity',
  expiry: 'document.expiry',
  chipRead: 'chip.read',
  pa: 'chip.passiveAuthentication',
  aa: 'chip.activeAuthentication',
  ca: 'chip.chipAuthentication',
  mrzMatch: 'chip.mrzMatch',
  authenticity: 'chip.authenticity',
} as const;

/** YYMMDD of an expiry date → UTC ms of the end of that day (ICAO: 20YY unless absurdly far). */
export function expiryDateToMs(yymmdd: string, now: number): number | undefined {
  const d = parseYymmdd(yymmdd);
  if (!d) return undefined;
  const nowYear = new Date(now).getUTCFullYear();
  let year = 2000 + d.yy;
  if (year > nowYear + 50) year -= 100;
  const ms = Date.UTC(year, d.mm - 1, d.dd + 1) - 1;
  return new Date(Date.UTC(year, d.mm - 1, d.dd)).getUTCMonth() === d.mm - 1 ? ms : undefined;
}

/** YYMMDD birth date → age in whole years at `now` (a birth year in the future belongs to the 1900s). */
export function ageAt(yymmdd: string, now: number): number | undefined {
  const d = parseYymmdd(yymmdd);
  if (!d) return undefined;
  const n = new Date(now);
  let year = 2000 + d.yy;
  if (year > n.getUTCFullYear()) year -= 100;
  let age = n.getUTCFullYear() - year;
  if (n.getUTCMonth() + 1 < d.mm || (n.getUTCMonth() + 1 === d.mm && n.getUTCDate() < d.dd)) age--;
  return age;
}

export function ageBand(age: number | undefined): string {
  if (age === undefined || age < 0) return 'unknown';
  if (age < 18) return '0-17';
  if (age < 30) return '18-29';
  if (age < 45) return '30-44';
  if (age < 60) return '45-59';
  return '60+';
}

function parseYymmdd(s: string): { yy: number; mm: number; dd: number } | undefined {
  if (!/^\d{6}$/.test(s)) return undefined;
  const yy = Number(s.slice(0, 2));
  const mm = Number(s.slice(2, 4));
  const dd = Number(s.slice(4, 6));
  if (mm < 1 || mm > 12 || dd < 1 || dd > 31) return undefined;
  return { yy, mm, dd };
}

const MATCH_FIELDS = ['documentCode', 'issuingState', 'documentNumber', 'birthDate', 'sex', 'expiryDate', 'nationality', 'surname', 'givenNames'] as const;

function ev(check: string, status: CheckEvidence['status'], reasonCode: string): CheckEvidence {
  return { check, status, reasonCode };
}

/** The evidence the core derives from the MRZ and the chip. */
export function coreEvidence(policy: PolicyConfig, inputs: DecisionInputs, now: number): CheckEvidence[] {
  const out: CheckEvidence[] = [];
  const mrz = inputs.mrz;
  out.push(mrz ? ev(CORE_CHECKS.mrzIntegrity, mrz.valid ? 'pass' : 'fail', mrz.valid ? 'MRZ_VALID' : 'MRZ_INVALID') : ev(CORE_CHECKS.mrzIntegrity, 'not-run', 'MRZ_INVALID'));

  const expiry = mrz?.fields.expiryDate ? expiryDateToMs(mrz.fields.expiryDate, now) : undefined;
  if (expiry === undefined) out.push(ev(CORE_CHECKS.expiry, 'inconclusive', 'DOCUMENT_EXPIRY_UNKNOWN'));
  else {
    const ok = now <= expiry;
    out.push(ev(CORE_CHECKS.expiry, ok ? 'pass' : 'fail', ok ? 'DOCUMENT_VALID' : 'DOCUMENT_EXPIRED'));
  }

  const chip = inputs.chip;
  if (!chip) {
    const denied = inputs.chipError?.code === 'ACCESS_DENIED';
    out.push(ev(CORE_CHECKS.chipRead, inputs.chipError ? 'fail' : 'not-run', denied ? 'CHIP_ACCESS_DENIED' : 'CHIP_NOT_READ'));
    for (const c of [CORE_CHECKS.pa, CORE_CHECKS.mrzMatch]) out.push(ev(c, 'not-run', 'CHIP_NOT_READ'));
    return out;
  }
  out.push(ev(CORE_CHECKS.chipRead, 'pass', 'CHIP_READ'));
  out.push(paEvidence(chip));
  out.push(protocolEvidence(CORE_CHECKS.aa, chip.activeAuthentication.status, 'CHIP_AA_INVALID'));
  out.push(protocolEvidence(CORE_CHECKS.ca, chip.chipAuthentication.status, 'CHIP_CA_INVALID'));
  const authentic = chip.activeAuthentication.status === 'valid' || chip.chipAuthentication.status === 'valid';
  out.push(ev(CORE_CHECKS.authenticity, authentic ? 'pass' : 'not-run', authentic ? 'CHIP_AUTHENTIC' : 'CHIP_AA_INVALID'));
  out.push(mrzMatchEvidence(mrz, chip.dg1));
  return out;
}

function paEvidence(chip: ChipReadResult): CheckEvidence {
  switch (chip.passiveAuthentication.status) {
    case 'valid':
      return ev(CORE_CHECKS.pa, 'pass', 'CHIP_PA_VALID');
    case 'invalid':
      return ev(CORE_CHECKS.pa, 'fail', 'CHIP_PA_INVALID');
    case 'unknown-signer':
      return ev(CORE_CHECKS.pa, 'inconclusive', 'CHIP_PA_UNVERIFIABLE');
    default:
      return ev(CORE_CHECKS.pa, 'not-run', 'CHIP_PA_NOT_PERFORMED');
  }
}

function protocolEvidence(check: string, status: string, failCode: string): CheckEvidence {
  if (status === 'valid') return ev(check, 'pass', 'PROTOCOL_VALID');
  if (status === 'invalid') return ev(check, 'fail', failCode);
  return ev(check, 'not-run', status === 'not-supported' ? 'PROTOCOL_NOT_SUPPORTED' : 'PROTOCOL_NOT_PERFORMED');
}

function mrzMatchEvidence(mrz: MrzResult | null, dg1: MrzResult | null): CheckEvidence {
  if (!mrz || !dg1) return ev(CORE_CHECKS.mrzMatch, 'not-run', 'MRZ_DG1_MISMATCH');
  if (mrz.format !== dg1.format) return ev(CORE_CHECKS.mrzMatch, 'fail', 'MRZ_DG1_MISMATCH');
  for (const f of MATCH_FIELDS) {
    if ((mrz.fields[f] ?? '') !== (dg1.fields[f] ?? '')) return ev(CORE_CHECKS.mrzMatch, 'fail', 'MRZ_DG1_MISMATCH');
  }
  return ev(CORE_CHECKS.mrzMatch, 'pass', 'MRZ_DG1_MATCH');
}

/** Applies the policy threshold to a check's evidence: the stricter verdict wins. */
export function applyThreshold(e: CheckEvidence, policy: PolicyConfig): CheckEvidence {
  const t = policy.thresholds[e.check];
  if (t === undefined) return e;
  const out: CheckEvidence = { ...e, threshold: Math.max(t, e.threshold ?? 0) };
  if (e.status === 'pass' && (e.score === undefined || e.score < (out.threshold as number))) {
    out.status = e.score === undefined ? 'inconclusive' : 'fail';
  }
  return out;
}

/** Extra reasons from outside the checks (traveller request, errors, timeouts). */
export interface ExtraReasons {
  reasons?: DecisionReason[];
}

/**
 * Decides. Pure: the same inputs, evidence and time give the same decision.
 * `checks` is the evidence of the checks module (possibly empty: then every required check is not-run).
 */
export function decide(policy: PolicyConfig, inputs: DecisionInputs, checks: readonly CheckEvidence[], now: number, extra: ExtraReasons = {}): Decision {
  const core = coreEvidence(policy, inputs, now);
  const external = checks.map((e) => applyThreshold(e, policy));
  for (const name of policy.requiredChecks) {
    if (!external.some((e) => e.check === name)) external.push({ check: name, status: 'not-run', reasonCode: 'CHECK_NOT_RUN' });
  }
  const reasons: DecisionReason[] = [];
  const add = (r: DecisionReason): void => {
    if (!reasons.some((x) => x.code === r.code && x.check === r.check)) reasons.push(r);
  };
  for (const r of extra.reasons ?? []) add(r);

  const requiredCore = new Set<string>([CORE_CHECKS.mrzIntegrity, CORE_CHECKS.expiry]);
  const chipRequired = policy.rules.requireChip || inputs.chip !== null;
  if (chipRequired) {
    requiredCore.add(CORE_CHECKS.chipRead);
    requiredCore.add(CORE_CHECKS.mrzMatch);
    requiredCore.add(CORE_CHECKS.pa);
  }
  if (policy.rules.requireChipAuthenticity) requiredCore.add(CORE_CHECKS.authenticity);
  for (const e of core) {
    const required = requiredCore.has(e.check);
    if (e.status === 'pass') continue;
    // Without a chip read, "chip not read" is the reason; the chip checks it prevented are evidence only.
    if (!inputs.chip && (e.check === CORE_CHECKS.pa || e.check === CORE_CHECKS.mrzMatch)) continue;
    // A failing chip protocol always refers, required or not.
    if (e.status === 'fail' || required) {
      if (e.check === CORE_CHECKS.pa && e.status === 'inconclusive' && !policy.rules.referUnverifiableSigner && inputs.chip) continue;
      add({ code: e.reasonCode, check: e.check, detail: e.status });
    }
  }
  for (const e of external) {
    if (!policy.requiredChecks.includes(e.check) || e.status === 'pass') continue;
    const code = e.status === 'fail' ? 'CHECK_FAILED' : e.status === 'inconclusive' ? 'CHECK_INCONCLUSIVE' : 'CHECK_NOT_RUN';
    add({ code, check: e.check, detail: e.reasonCode });
  }
  const outcome = reasons.length === 0 ? 'CLEAR' : 'REFER';
  return {
    outcome,
    policyVersion: policy.version,
    reasons: outcome === 'CLEAR' ? [{ code: 'ALL_CHECKS_PASSED' }] : reasons,
    evidence: [...core, ...external],
    decidedAt: now,
  };
}

/** The decision when the pipeline itself failed: always REFER, with the reason. */
export function failureDecision(policy: PolicyConfig, now: number, reasons: DecisionReason[], evidence: CheckEvidence[] = []): Decision {
  return { outcome: 'REFER', policyVersion: policy.version, reasons: reasons.length ? reasons : [{ code: 'INTERNAL_ERROR' }], evidence, decidedAt: now };
}
