/**
 * The officer path: accounts with roles, scrypt credentials, lockout, session expiry, the referral
 * queue, the case view, overrides with a mandatory reason code and free text, and a configurable
 * four-eyes rule. Technicians can sign in (statistics, maintenance) but never see or decide cases.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Clock } from '../base/clock.js';
import { KioskError } from '../base/errors.js';
import { nullLogger, type Logger } from '../base/log.js';
import type { MemoryImageCache } from './images.js';
import type { AccountRecord, KioskStore, OverrideRecord, ReferralStatus, ReferralSummary, Role, StatsQuery, StatsRow, StoredImage } from './ports.js';
import { isOverrideReasonCode } from './reasons.js';
import { OFFICER_DECISION_KINDS, type CheckEvidence, type ChipReadResult, type Decision, type MrzResult, type OfficerDecisionKind } from './types.js';

/** Errors of the officer service; `code` is one of the listed stable codes. */
export class OfficerError extends KioskError {}
export type OfficerErrorCode =
  | 'INVALID_CREDENTIALS'
  | 'ACCOUNT_LOCKED'
  | 'ACCOUNT_DISABLED'
  | 'SESSION_EXPIRED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'INVALID_STATE'
  | 'SAME_OFFICER'
  | 'BAD_REQUEST';

function fail(code: OfficerErrorCode, message: string, details: Record<string, unknown> = {}): never {
  throw new OfficerError(code, message, details);
}

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * scrypt cost from the OWASP Password Storage Cheat Sheet's equivalent set
 * (N=2^17,r=8,p=1 ≈ N=2^15,r=8,p=3): 32 MiB per hash instead of 128 MiB on a small kiosk PC.
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 32768, r: 8, p: 3 };

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFKC'), salt, keylen, opts, (e, k) => (e ? reject(e) : resolve(k))));
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32, { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + (1 << 20) });
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('hex')}$${key.toString('hex')}`;
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  // A stored hash with absurd parameters (a tampered row) must not exhaust the kiosk.
  if (!(N >= 2 && N <= 1 << 20 && (N & (N - 1)) === 0 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return false;
  const salt = Buffer.from(parts[4]!, 'hex');
  const want = Buffer.from(parts[5]!, 'hex');
  const got = await scrypt(password, salt, want.length, { N, r, p, maxmem: 256 * N * r + (1 << 20) });
  return got.length === want.length && timingSafeEqual(got, want);
}

export interface FourEyesRule {
  /** Override kinds the rule applies to. */
  kinds: OfficerDecisionKind[];
  /** Applies only when the decision had one of these reason codes; omitted: always. */
  whenReasons?: string[];
}

/** ADMIT after a failed chip or document check needs a second officer. */
export const DEFAULT_FOUR_EYES: FourEyesRule[] = [
  {
    kinds: ['ADMIT'],
    whenReasons: ['CHIP_PA_INVALID', 'CHIP_AA_INVALID', 'CHIP_CA_INVALID', 'MRZ_DG1_MISMATCH', 'CHIP_ACCESS_DENIED', 'CHECK_FAILED', 'DOCUMENT_EXPIRED'],
  },
];

export interface AccountView {
  accountId: string;
  username: string;
  role: Role;
}

export interface SignInResult {
  token: string;
  account: AccountView;
  expiresAt: number;
}

/** Everything the officer needs on one screen. */
export interface CaseView {
  referral: ReferralSummary;
  decision: Decision;
  /** Evidence per check (status, score, threshold, model version). */
  evidence: CheckEvidence[];
  /** Null after retention purged the personal data. */
  mrz: { lines: string[] | null; result: MrzResult | null } | null;
  chip: {
    read: boolean;
    error: { code: string; message: string } | null;
    accessControl: ChipReadResult['accessControl'] | null;
    passiveAuthentication: ChipReadResult['passiveAuthentication'] | null;
    activeAuthentication: ChipReadResult['activeAuthentication'] | null;
    chipAuthentication: ChipReadResult['chipAuthentication'] | null;
    dg1: MrzResult | null;
    timings: ChipReadResult['timings'] | null;
  } | null;
  travellerRequestedReview: boolean;
  /** From memory only (never from disk unless storing images is allowed). */
  images: { chipFace: StoredImage | null; page: StoredImage | null };
  overrides: OverrideRecord[];
  /** Which override kinds would need a second officer for this case. */
  fourEyesKinds: OfficerDecisionKind[];
}

export interface OfficerServiceOptions {
  store: KioskStore;
  clock: Clock;
  logger?: Logger;
  /** Failed sign-ins before the account locks. */
  maxFailedAttempts?: number;
  lockoutMs?: number;
  /** Absolute lifetime of an officer session. */
  sessionTtlMs?: number;
  /** A session unused this long expires. */
  idleTtlMs?: number;
  fourEyes?: FourEyesRule[];
  scrypt?: ScryptParams;
  images?: MemoryImageCache;
  minPasswordLength?: number;
  /** Called after an officer decision is recorded (the runtime tells the session). */
  onDecision?: (d: { referralId: string; kind: OfficerDecisionKind; reasonCode: string; final: boolean }) => void;
}

const CASE_ROLES: readonly Role[] = ['officer', 'supervisor'];

export class OfficerService {
  private readonly store: KioskStore;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly maxFailed: number;
  private readonly lockoutMs: number;
  private readonly sessionTtlMs: number;
  private readonly idleTtlMs: number;
  private readonly scryptParams: ScryptParams;
  private readonly minPassword: number;
  private fourEyesRules: FourEyesRule[];
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly opts: OfficerServiceOptions) {
    this.store = opts.store;
    this.clock = opts.clock;
    this.log = (opts.logger ?? nullLogger).child('officer');
    this.maxFailed = opts.maxFailedAttempts ?? 5;
    this.lockoutMs = opts.lockoutMs ?? 15 * 60_000;
    this.sessionTtlMs = opts.sessionTtlMs ?? 8 * 3_600_000;
    this.idleTtlMs = opts.idleTtlMs ?? 15 * 60_000;
    this.scryptParams = opts.scrypt ?? DEFAULT_SCRYPT;
    this.minPassword = opts.minPasswordLength ?? 10;
    this.fourEyesRules = opts.fourEyes ?? DEFAULT_FOUR_EYES;
  }

  get fourEyes(): readonly FourEyesRule[] {
    return this.fourEyesRules;
  }

  // ------------------------------------------------------------ accounts and sign-in

  /** Creates the first supervisor; refused once any account exists. */
  async bootstrapSupervisor(username: string, password: string): Promise<AccountView> {
    if ((await this.store.listAccounts()).length > 0) fail('FORBIDDEN', 'accounts exist already');
    return this.insertAccount('system', username, password, 'supervisor');
  }

  /** A supervisor creates an account. */
  async createAccount(token: string, a: { username: string; password: string; role: Role }): Promise<AccountView> {
    const me = await this.authenticate(token, ['supervisor']);
    return this.insertAccount(me.accountId, a.username, a.password, a.role);
  }

  private async insertAccount(actor: string, username: string, password: string, role: Role): Promise<AccountView> {
    if (!/^[a-z0-9._-]{3,64}$/.test(username)) fail('BAD_REQUEST', 'username: 3-64 of a-z 0-9 . _ -');
    if (!['officer', 'supervisor', 'technician'].includes(role)) fail('BAD_REQUEST', 'unknown role');
    if (password.length < this.minPassword) fail('BAD_REQUEST', `password shorter than ${this.minPassword}`);
    if (await this.store.findAccount(username)) fail('BAD_REQUEST', 'username taken');
    const rec: AccountRecord = {
      accountId: `acct-${randomBytes(8).toString('hex')}`,
      username,
      role,
      passwordHash: await hashPassword(password, this.scryptParams),
      failedAttempts: 0,
      lockedUntil: null,
      createdAt: this.clock.now(),
      disabled: false,
    };
    await this.store.insertAccount(rec);
    await this.store.appendAudit({ type: 'account-created', actor, subject: rec.accountId, data: { role } }, this.clock.now());
    return { accountId: rec.accountId, username, role };
  }

  async signIn(username: string, password: string): Promise<SignInResult> {
    const now = this.clock.now();
    const acct = await this.store.findAccount(username);
    if (!acct) {
      // Same work as for a real account, so that timing does not reveal which usernames exist.
      this.dummyHash ??= hashPassword('not-a-password', this.scryptParams);
      await verifyPassword(password, await this.dummyHash);
      await this.store.appendAudit({ type: 'sign-in-failed', actor: 'unknown', data: { why: 'unknown-user' } }, now);
      fail('INVALID_CREDENTIALS', 'wrong username or password');
    }
    if (acct.disabled) {
      await this.store.appendAudit({ type: 'sign-in-failed', actor: acct.accountId, data: { why: 'disabled' } }, now);
      fail('ACCOUNT_DISABLED', 'account disabled');
    }
    if (acct.lockedUntil !== null && acct.lockedUntil > now) {
      await this.store.appendAudit({ type: 'sign-in-failed', actor: acct.accountId, data: { why: 'locked' } }, now);
      fail('ACCOUNT_LOCKED', 'account locked after repeated failures', { until: acct.lockedUntil });
    }
    const ok = await verifyPassword(password, acct.passwordHash);
    if (!ok) {
      const failed = (acct.lockedUntil !== null && acct.lockedUntil <= now ? 0 : acct.failedAttempts) + 1;
      const lockedUntil = failed >= this.maxFailed ? now + this.lockoutMs : null;
      await this.store.updateAccountAuth(acct.accountId, { failedAttempts: failed, lockedUntil });
      await this.store.appendAudit({ type: 'sign-in-failed', actor: acct.accountId, data: { why: 'password', failedAttempts: failed } }, now);
      if (lockedUntil !== null) {
        await this.store.appendAudit({ type: 'account-locked', actor: 'system', subject: acct.accountId, data: { until: lockedUntil } }, now);
        fail('ACCOUNT_LOCKED', 'account locked after repeated failures', { until: lockedUntil });
      }
      fail('INVALID_CREDENTIALS', 'wrong username or password');
    }
    await this.store.updateAccountAuth(acct.accountId, { failedAttempts: 0, lockedUntil: null });
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + this.sessionTtlMs;
    await this.store.insertOfficerSession({ tokenHash: tokenHash(token), accountId: acct.accountId, createdAt: now, lastSeenAt: now, expiresAt });
    await this.store.appendAudit({ type: 'sign-in', actor: acct.accountId, data: { role: acct.role } }, now);
    return { token, account: view(acct), expiresAt };
  }

  async signOut(token: string): Promise<void> {
    const s = await this.store.getOfficerSession(tokenHash(token));
    if (!s) return;
    await this.store.deleteOfficerSession(s.tokenHash);
    await this.store.appendAudit({ type: 'sign-out', actor: s.accountId }, this.clock.now());
  }

  /** The signed-in account behind a token; throws SESSION_EXPIRED / FORBIDDEN. */
  async authenticate(token: string, roles?: readonly Role[]): Promise<AccountView> {
    const now = this.clock.now();
    const h = tokenHash(token);
    const s = await this.store.getOfficerSession(h);
    if (!s) fail('SESSION_EXPIRED', 'not signed in');
    if (s.expiresAt <= now || s.lastSeenAt + this.idleTtlMs <= now) {
      await this.store.deleteOfficerSession(h);
      await this.store.appendAudit({ type: 'session-expired', actor: s.accountId }, now);
      fail('SESSION_EXPIRED', 'session expired, sign in again');
    }
    const acct = await this.store.getAccount(s.accountId);
    if (!acct || acct.disabled) fail('SESSION_EXPIRED', 'account no longer active');
    if (roles && !roles.includes(acct.role)) fail('FORBIDDEN', `role ${acct.role} may not do this`);
    await this.store.touchOfficerSession(h, now);
    return view(acct);
  }

  // ------------------------------------------------------------ cases

  async listReferrals(token: string, status: ReferralStatus[] = ['open', 'awaiting-confirmation']): Promise<ReferralSummary[]> {
    await this.authenticate(token, CASE_ROLES);
    return this.store.listReferrals({ status });
  }

  async getCase(token: string, referralId: string): Promise<CaseView> {
    const me = await this.authenticate(token, CASE_ROLES);
    const r = await this.store.getReferral(referralId);
    if (!r) fail('NOT_FOUND', 'no such referral');
    await this.store.appendAudit({ type: 'case-viewed', actor: me.accountId, subject: referralId }, this.clock.now());
    const inp = r.inputs;
    const chip = inp?.chip ?? null;
    const imgs = this.opts.images?.get(r.sessionId) ?? [];
    const { referralId: rid, sessionId, decisionId, createdAt, status, reasons, pendingOverrideId } = r;
    return {
      referral: { referralId: rid, sessionId, decisionId, createdAt, status, reasons, pendingOverrideId },
      decision: r.decision,
      evidence: r.decision.evidence,
      mrz: inp ? { lines: inp.mrzLines ?? null, result: inp.mrz } : null,
      chip: inp
        ? {
            read: chip !== null,
            error: inp.chipError ?? null,
            accessControl: chip?.accessControl ?? null,
            passiveAuthentication: chip?.passiveAuthentication ?? null,
            activeAuthentication: chip?.activeAuthentication ?? null,
            chipAuthentication: chip?.chipAuthentication ?? null,
            dg1: chip?.dg1 ?? null,
            timings: chip?.timings ?? null,
          }
        : null,
      travellerRequestedReview: inp?.travellerRequestedReview ?? r.reasons.some((x) => x.code === 'TRAVELLER_REQUESTED_REVIEW'),
      images: { chipFace: imgs.find((i) => i.kind === 'chip-face') ?? null, page: imgs.find((i) => i.kind === 'page') ?? null },
      overrides: r.overrides,
      fourEyesKinds: OFFICER_DECISION_KINDS.filter((k) => this.needsFourEyes(k, r.decision)),
    };
  }

  needsFourEyes(kind: OfficerDecisionKind, decision: Decision): boolean {
    return this.fourEyesRules.some((rule) => rule.kinds.includes(kind) && (!rule.whenReasons || decision.reasons.some((x) => rule.whenReasons!.includes(x.code))));
  }

  /** Replaces the four-eyes rules (the caller audits the configuration change). */
  setFourEyes(rules: FourEyesRule[]): void {
    this.fourEyesRules = rules;
  }

  /**
   * Records an officer's decision on a referral. With the four-eyes rule it waits
   * ('pending') for a second, different officer; otherwise it is final.
   */
  async decide(token: string, referralId: string, d: { kind: OfficerDecisionKind; reasonCode: string; note: string }): Promise<{ overrideId: string; status: 'final' | 'pending' }> {
    const me = await this.authenticate(token, CASE_ROLES);
    if (!OFFICER_DECISION_KINDS.includes(d.kind)) fail('BAD_REQUEST', 'unknown decision kind');
    if (!isOverrideReasonCode(d.reasonCode)) fail('BAD_REQUEST', 'unknown reason code');
    const note = (d.note ?? '').trim();
    if (note.length === 0) fail('BAD_REQUEST', 'a free-text note is required');
    if (note.length > 2000) fail('BAD_REQUEST', 'note too long');
    const r = await this.store.getReferral(referralId);
    if (!r) fail('NOT_FOUND', 'no such referral');
    if (r.status !== 'open') fail('INVALID_STATE', `referral is ${r.status}`);
    const status = this.needsFourEyes(d.kind, r.decision) ? 'pending' : 'final';
    const { overrideId } = await this.store.recordOverride({ referralId, officerId: me.accountId, kind: d.kind, reasonCode: d.reasonCode, note, at: this.clock.now(), status });
    this.log.info('officer decision recorded', { kind: d.kind, status });
    if (status === 'final') this.finish(r.sessionId, referralId, d.kind, d.reasonCode);
    this.opts.onDecision?.({ referralId, kind: d.kind, reasonCode: d.reasonCode, final: status === 'final' });
    return { overrideId, status };
  }

  /** A second, different officer confirms (or rejects) a pending decision. */
  async confirm(token: string, overrideId: string, c: { approve: boolean; note: string }): Promise<{ status: 'final' | 'rejected' }> {
    const me = await this.authenticate(token, CASE_ROLES);
    const note = (c.note ?? '').trim();
    if (note.length === 0) fail('BAD_REQUEST', 'a free-text note is required');
    const open = await this.store.listReferrals({ status: ['awaiting-confirmation'] });
    const summary = open.find((x) => x.pendingOverrideId === overrideId);
    if (!summary) fail('NOT_FOUND', 'no pending decision with this id');
    const r = (await this.store.getReferral(summary.referralId))!;
    const o = r.overrides.find((x) => x.overrideId === overrideId)!;
    if (o.officerId === me.accountId) fail('SAME_OFFICER', 'the second officer must be a different person');
    await this.store.resolveOverride({ overrideId, by: me.accountId, approve: c.approve, note, at: this.clock.now() });
    if (c.approve) {
      this.finish(r.sessionId, r.referralId, o.kind, o.reasonCode);
      this.opts.onDecision?.({ referralId: r.referralId, kind: o.kind, reasonCode: o.reasonCode, final: true });
    }
    return { status: c.approve ? 'final' : 'rejected' };
  }

  private finish(sessionId: string, _referralId: string, _kind: OfficerDecisionKind, _reason: string): void {
    // The case is closed: the photos held in memory for it go.
    this.opts.images?.drop(sessionId);
  }

  // ------------------------------------------------------------ statistics

  /** Fairness counters (aggregates only). Any signed-in role. */
  async stats(token: string, q: StatsQuery = {}): Promise<StatsRow[]> {
    await this.authenticate(token);
    return this.store.queryStats(q);
  }
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function view(a: AccountRecord): AccountView {
  return { accountId: a.accountId, username: a.username, role: a.role };
}
