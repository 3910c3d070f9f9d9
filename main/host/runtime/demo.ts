/**
 * Headless traveller sessions through the real core, against simulated devices: generated
 * passports (real EF.SOD from the test PKI, in a virtual chip), MRZs built with main/mrz, officers
 * deciding the referrals. Used by `kiosk demo`, the tests and the benchmarks.
 */
import { randomBytes } from 'node:crypto';
import { asKioskError } from '../../base/errors.js';
import { nullLogger, type Logger } from '../../base/log.js';
import { trustStoreFromBytes } from '../../emrtd/trust-store.js';
import { hashPassword, type KioskEvent, type OfficerDecisionKind, type OverrideReasonCode, type Role, type SessionSnapshot } from '../../kiosk/index.js';
import { buildMrz } from '../../mrz/index.js';
import type { SimCard } from '../../sim/card.js';
import { createVirtualChip } from '../../sim/chip/index.js';
import { generatePassport, type GeneratedPassport, type SodSigner } from '../../sim/passport/index.js';
import { renderPage, type SkinTone } from '../../sim/pages/generate.js';
import { parseMrz } from '../../mrz/index.js';
import { testPki } from '../../sim/pki/index.js';
import type { TrustStore } from '../../emrtd/pki/index.js';
import type { KioskRuntime } from './index.js';
import { seededRandom } from '../../base/random.js';

export type DemoVariant = 'genuine' | 'expired' | 'mismatch' | 'untrusted-signer' | 'revoked-signer' | 'wrong-key' | 'no-chip' | 'asks-officer' | 'cancels';

export const DEMO_VARIANTS: Readonly<Record<DemoVariant, number>> = {
  genuine: 60,
  expired: 8,
  mismatch: 6,
  'untrusted-signer': 6,
  'revoked-signer': 4,
  'wrong-key': 5,
  'no-chip': 4,
  'asks-officer': 4,
  cancels: 3,
};

/** The trust store that goes with the simulated passports: the test CSCA and its CRL. */
export function demoTrustStore(): TrustStore {
  const pki = testPki();
  return trustStoreFromBytes([
    { name: 'csca.der', bytes: pki.csca.certificate },
    { name: 'csca.crl', bytes: pki.crl },
  ]).store;
}

export { seededRandom };

const IDENTITIES = [
  { surname: 'ERIKSSON', givenNames: 'ANNA MARIA', nationality: 'UTO', birthDate: '740812', sex: 'F', documentNumber: 'L898902C3' },
  { surname: 'OKAFOR', givenNames: 'CHIDI', nationality: 'NGA', birthDate: '010305', sex: 'M', documentNumber: 'U12345678' },
  { surname: 'LI', givenNames: 'WEI', nationality: 'CHN', birthDate: '880720', sex: 'F', documentNumber: 'UT0000417' },
  { surname: 'GARCIA LOPEZ', givenNames: 'JOSE', nationality: 'ESP', birthDate: '550101', sex: 'M', documentNumber: 'UT8837206' },
  { surname: 'MARTIN', givenNames: 'ALEX', nationality: 'FRA', birthDate: '091130', sex: 'X', documentNumber: 'UT5550123' },
] as const;

type ChipKind = 'genuine' | 'expired' | 'untrusted-signer' | 'revoked-signer';

/** Generates (and caches) simulated passports: generation signs an EF.SOD and draws a face, so it is reused. */
export class DemoPassports {
  private readonly cache = new Map<string, Promise<GeneratedPassport>>();
  private readonly pages = new Map<string, Uint8Array>();

  /** The data page as the scanner's camera sees it, printing exactly these MRZ lines (cached). */
  page(identity: number, lines: readonly string[]): Uint8Array {
    const key = lines.join('\n');
    let img = this.pages.get(key);
    if (!img) {
      const f = parseMrz(lines).fields;
      const tones: SkinTone[] = ['I', 'II', 'III', 'IV', 'V', 'VI'];
      img = renderPage({
        seed: 1000 + identity,
        skinTone: tones[identity % tones.length]!,
        fields: {
          documentCode: f.documentCode ?? 'P', issuingState: f.issuingState ?? 'UTO', surname: f.surname ?? '', givenNames: f.givenNames ?? '',
          documentNumber: f.documentNumber ?? '', nationality: f.nationality ?? '', birthDate: f.birthDate ?? '', sex: f.sex === 'M' || f.sex === 'F' ? f.sex : '<',
          expiryDate: f.expiryDate ?? '', personalNumber: f.personalNumber ?? '',
        },
        mrzOverride: [lines[0]!, lines[1]!],
      }).image;
      this.pages.set(key, img);
    }
    return img;
  }

  lines(identity: number, o: { expired?: boolean; surname?: string; documentNumber?: string } = {}): string[] {
    const id = IDENTITIES[identity % IDENTITIES.length]!;
    return buildMrz('TD3', {
      documentCode: 'P',
      issuingState: 'UTO',
      surname: o.surname ?? id.surname,
      givenNames: id.givenNames,
      documentNumber: o.documentNumber ?? id.documentNumber,
      nationality: id.nationality,
      birthDate: id.birthDate,
      sex: id.sex,
      expiryDate: o.expired ? '240101' : '330415',
      personalNumber: '',
    });
  }

  passport(identity: number, kind: ChipKind): Promise<GeneratedPassport> {
    const key = `${identity % IDENTITIES.length}/${kind}`;
    let p = this.cache.get(key);
    if (!p) {
      const signer: SodSigner = kind === 'untrusted-signer' ? 'untrusted' : kind === 'revoked-signer' ? 'revoked' : 'valid';
      p = generatePassport({ mrz: this.lines(identity, { expired: kind === 'expired' }), faceSeed: identity, sod: { signer } });
      this.cache.set(key, p);
    }
    return p;
  }

  /** The printed MRZ and the chip (null: a document without a chip) for a variant. */
  async traveller(variant: DemoVariant, identity: number): Promise<{ printed: string[]; chip: SimCard | null }> {
    const chipKind: ChipKind = variant === 'expired' || variant === 'untrusted-signer' || variant === 'revoked-signer' ? variant : 'genuine';
    const p = await this.passport(identity, chipKind);
    const chip = (): SimCard => createVirtualChip({ files: p.files, mrzInformation: p.mrzInformation, can: p.can, accessControl: p.accessControl, chipTimeMs: false });
    switch (variant) {
      case 'mismatch':
        return { printed: this.lines(identity, { surname: 'MALLORY' }), chip: chip() };
      case 'wrong-key':
        return { printed: this.lines(identity, { documentNumber: 'ZZ9999999' }), chip: chip() };
      case 'no-chip':
        return { printed: this.lines(identity), chip: null };
      default:
        return { printed: this.lines(identity, { expired: chipKind === 'expired' }), chip: chip() };
    }
  }
}

/** How the demo puts a traveller's document in front of the kiosk. */
export interface DemoDevices {
  placeChip(card: SimCard | null): void;
  /** The page image, when given, is what the scanner's camera took (the wire path has none). */
  present(lines: readonly string[], pageImage?: Uint8Array): void | Promise<void>;
}

export interface DemoOptions {
  sessions: number;
  /** Default: the runtime's in-process devices. */
  devices?: DemoDevices;
  seed?: number;
  /** Officers decide every referral (default true). */
  officers?: boolean;
  logger?: Logger;
  /** Called after each session (the crash test reports commits from here). */
  onSession?: (r: DemoSessionResult) => void;
  /** Per-session deadline (ms) before the demo gives up waiting. */
  sessionTimeoutMs?: number;
  /** Render the data page (for the document checks). Default false. */
  pageImages?: boolean;
}

export interface DemoSessionResult {
  index: number;
  variant: DemoVariant;
  sessionId: string | null;
  outcome: 'CLEAR' | 'REFER' | 'CANCELLED' | 'NO-DECISION';
  reasons: string[];
  decisionId: string | null;
  referralId: string | null;
  stored: boolean;
  officer: { kind: OfficerDecisionKind; status: 'final' | 'pending'; confirmed: boolean } | null;
  ms: number;
  chipReadMs: number | null;
  checksMs: number | null;
}

export interface DemoSummary {
  sessions: number;
  seed: number;
  outcomes: Record<string, number>;
  reasons: Record<string, number>;
  variants: Record<string, Record<string, number>>;
  officerDecisions: Record<string, number>;
  fourEyesConfirmations: number;
  timings: { sessionMs: Stat; chipReadMs: Stat; checksMs: Stat; totalMs: number };
  policy: { version: string; requiredChecks: string[] };
  checksAvailable: boolean;
  audit: { ok: boolean; entries: number; firstBroken?: unknown };
}

export interface Stat {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  max: number;
}

export function stat(xs: number[]): Stat {
  if (xs.length === 0) return { n: 0, mean: 0, p50: 0, p95: 0, max: 0 };
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  const r = (x: number): number => Math.round(x * 100) / 100;
  return { n: s.length, mean: r(s.reduce((a, b) => a + b, 0) / s.length), p50: r(q(0.5)), p95: r(q(0.95)), max: r(s[s.length - 1]!) };
}

function pickVariant(rnd: () => number): DemoVariant {
  const total = Object.values(DEMO_VARIANTS).reduce((a, b) => a + b, 0);
  let x = rnd() * total;
  for (const [v, w] of Object.entries(DEMO_VARIANTS) as [DemoVariant, number][]) {
    x -= w;
    if (x < 0) return v;
  }
  return 'genuine';
}

/** What a demo officer decides, from the reasons. */
function officerChoice(reasons: string[]): { kind: OfficerDecisionKind; reasonCode: OverrideReasonCode } {
  if (reasons.includes('DOCUMENT_EXPIRED')) return { kind: 'REFUSE', reasonCode: 'OVR_DOCUMENT_NOT_VALID' };
  if (reasons.includes('MRZ_DG1_MISMATCH') || reasons.includes('CHIP_PA_INVALID')) return { kind: 'SECONDARY', reasonCode: 'OVR_FURTHER_EXAMINATION' };
  if (reasons.includes('CHIP_ACCESS_DENIED') || reasons.includes('CHIP_NOT_READ')) return { kind: 'RESCAN', reasonCode: 'OVR_RESCAN' };
  return { kind: 'ADMIT', reasonCode: 'OVR_IDENTITY_VERIFIED' };
}

async function demoOfficers(rt: KioskRuntime): Promise<{ a: string; b: string }> {
  const run = randomBytes(4).toString('hex');
  const tokens: string[] = [];
  for (const [name, role] of [[`demo-${run}-a`, 'officer'], [`demo-${run}-b`, 'supervisor']] as [string, Role][]) {
    const password = randomBytes(18).toString('base64url');
    const accountId = `acct-${randomBytes(8).toString('hex')}`;
    await rt.store.insertAccount({ accountId, username: name, role, passwordHash: await hashPassword(password, { N: 16384, r: 8, p: 1 }), failedAttempts: 0, lockedUntil: null, createdAt: rt.clock.now(), disabled: false });
    await rt.store.appendAudit({ type: 'account-created', actor: 'kiosk-demo', subject: accountId, data: { role } }, rt.clock.now());
    tokens.push((await rt.officers.signIn(name, password)).token);
  }
  return { a: tokens[0]!, b: tokens[1]! };
}

/** Runs N traveller sessions one after the other and summarises them. */
export async function runDemo(rt: KioskRuntime, opts: DemoOptions): Promise<DemoSummary> {
  const mem: DemoDevices | null =
    opts.devices ??
    (rt.memory
      ? { placeChip: (c) => rt.memory!.placeChip(c), present: (l, img) => rt.memory!.documents.present(l, img ? { format: 'png', bytes: img } : undefined) }
      : null);
  if (!mem) throw new Error('runDemo needs devices: the in-process ones or opts.devices');
  const log = (opts.logger ?? nullLogger).child('demo');
  const seed = opts.seed ?? 1;
  const rnd = seededRandom(seed);
  const passports = new DemoPassports();
  const useOfficers = opts.officers ?? true;
  const officers = useOfficers ? await demoOfficers(rt) : null;
  const results: DemoSessionResult[] = [];
  const t0 = performance.now();
  const core = rt.core;

  for (let i = 0; i < opts.sessions; i++) {
    const variant = pickVariant(rnd);
    const identity = Math.floor(rnd() * IDENTITIES.length);
    const { printed, chip } = await passports.traveller(variant, identity);
    const pageImage = opts.pageImages ? passports.page(identity, printed) : undefined;
    mem.placeChip(chip);

    let chipStart = 0;
    let chipReadMs: number | null = null;
    let checksStart = 0;
    let checksMs: number | null = null;
    let decision: Extract<KioskEvent, { type: 'decision' }> | null = null;
    const off = core.subscribe((e) => {
      if (e.type === 'state' && e.to === 'chipReading') {
        chipStart = performance.now();
        if (variant === 'cancels') core.cancel();
        if (variant === 'asks-officer') void core.requestOfficer();
      }
      if (e.type === 'state' && e.from === 'chipReading') chipReadMs = performance.now() - chipStart;
      if (e.type === 'state' && e.to === 'checking') checksStart = performance.now();
      if (e.type === 'state' && e.from === 'checking') checksMs = performance.now() - checksStart;
      if (e.type === 'decision') decision = e;
    });
    const settled = core.waitFor(
      (e) => e.type === 'state' && (e.to === 'clear' || e.to === 'referred' || (e.to === 'closed' && e.snapshot.closeReason === 'cancelled')),
      opts.sessionTimeoutMs ?? 120_000,
    );
    const start = performance.now();
    await mem.present(printed, pageImage);
    let snap: SessionSnapshot;
    try {
      snap = ((await settled) as Extract<KioskEvent, { type: 'state' }>).snapshot;
    } finally {
      off();
    }
    const ms = performance.now() - start;
    const d = decision as Extract<KioskEvent, { type: 'decision' }> | null;
    const r: DemoSessionResult = {
      index: i,
      variant,
      sessionId: snap.sessionId,
      outcome: snap.state === 'closed' ? 'CANCELLED' : (d?.decision.outcome ?? 'NO-DECISION'),
      reasons: d?.decision.reasons.map((x) => x.code) ?? [],
      decisionId: d?.decisionId ?? null,
      referralId: d?.referralId ?? null,
      stored: d?.stored ?? false,
      officer: null,
      ms,
      chipReadMs,
      checksMs,
    };

    if (snap.state === 'referred' && officers && r.referralId) {
      try {
        const choice = officerChoice(r.reasons);
        const res = await rt.officers.decide(officers.a, r.referralId, { ...choice, note: `demo officer: ${variant}` });
        let confirmed = false;
        if (res.status === 'pending') {
          await rt.officers.confirm(officers.b, res.overrideId, { approve: true, note: 'demo second officer' });
          confirmed = true;
        }
        r.officer = { kind: choice.kind, status: res.status, confirmed };
      } catch (e) {
        log.warn('demo officer could not decide', { code: asKioskError(e).code });
      }
    }
    // Free the kiosk for the next traveller (a real kiosk does this on its display timeouts).
    if (core.snapshot().state !== 'idle') core.release();
    await core.idle();
    if (core.snapshot().state !== 'idle') await core.waitFor((e) => e.type === 'state' && e.to === 'idle', 10_000);
    results.push(r);
    opts.onSession?.(r);
  }

  const count = (xs: string[]): Record<string, number> => xs.reduce<Record<string, number>>((a, x) => ((a[x] = (a[x] ?? 0) + 1), a), {});
  const variants: Record<string, Record<string, number>> = {};
  for (const r of results) {
    const v = (variants[r.variant] ??= {});
    v[r.outcome] = (v[r.outcome] ?? 0) + 1;
  }
  const audit = await rt.verifyAudit();
  return {
    sessions: results.length,
    seed,
    outcomes: count(results.map((r) => r.outcome)),
    reasons: count(results.flatMap((r) => r.reasons)),
    variants,
    officerDecisions: count(results.filter((r) => r.officer).map((r) => r.officer!.kind)),
    fourEyesConfirmations: results.filter((r) => r.officer?.confirmed).length,
    timings: { sessionMs: stat(results.map((r) => r.ms)), chipReadMs: stat(results.flatMap((r) => (r.chipReadMs === null ? [] : [r.chipReadMs]))), checksMs: stat(results.flatMap((r) => (r.checksMs === null ? [] : [r.checksMs]))), totalMs: Math.round(performance.now() - t0) },
    policy: { version: rt.policy().version, requiredChecks: [...rt.policy().requiredChecks] },
    checksAvailable: rt.checksAvailable,
    audit: { ok: audit.ok, entries: audit.entries, ...(audit.firstBroken ? { firstBroken: audit.firstBroken } : {}) },
  };
}
