/**
 * An in-memory KioskStore: for unit tests, benchmarks of the core without I/O, and UI development.
 * It keeps the same semantics as the SQLite store (referrals, overrides, four-eyes states,
 * aggregates) but nothing is durable and nothing is sealed. Never used by the kiosk in service.
 */
import { randomUUID } from 'node:crypto';
import { KioskError } from '../base/errors.js';
import type {
  AccountRecord,
  AuditAppend,
  DecisionCommit,
  DecisionCommitResult,
  KioskStore,
  OfficerSessionRecord,
  OverrideRecord,
  OverrideWrite,
  ReferralRecord,
  ReferralStatus,
  ReferralSummary,
  SessionEndReason,
  StatsQuery,
  StatsRow,
} from './ports.js';
import type { GroupAttributes } from './types.js';

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The metrics a decision adds to the fairness counters. */
export function decisionMetrics(outcome: string, reasons: readonly { code: string }[]): string[] {
  const m = [outcome];
  if (outcome === 'REFER') for (const c of new Set(reasons.map((r) => r.code))) m.push(`REFER:${c}`);
  return m;
}

export class MemoryKioskStore implements KioskStore {
  readonly decisions = new Map<string, DecisionCommit & { decisionId: string }>();
  readonly sessions = new Map<string, { endedAt: number | null; reason: SessionEndReason | null }>();
  readonly referrals = new Map<string, ReferralSummary & { group: GroupAttributes }>();
  readonly overrides = new Map<string, OverrideRecord>();
  readonly accounts = new Map<string, AccountRecord>();
  readonly officerSessions = new Map<string, OfficerSessionRecord>();
  readonly audit: (AuditAppend & { seq: number; at: number })[] = [];
  readonly counters = new Map<string, number>();
  /** Set to make every write fail (simulates an unavailable database). */
  failWrites: KioskError | null = null;

  private check(): void {
    if (this.failWrites) throw this.failWrites;
  }

  private count(day: string, g: GroupAttributes, metric: string): void {
    for (const [dim, value] of [['nationality', g.nationality], ['sex', g.sex], ['ageBand', g.ageBand]] as const) {
      const k = JSON.stringify([day, dim, value, metric]);
      this.counters.set(k, (this.counters.get(k) ?? 0) + 1);
    }
  }

  async commitDecision(c: DecisionCommit): Promise<DecisionCommitResult> {
    this.check();
    const decisionId = randomUUID();
    this.decisions.set(decisionId, structuredClone({ ...c, decisionId }));
    if (!this.sessions.has(c.sessionId)) this.sessions.set(c.sessionId, { endedAt: null, reason: null });
    let referralId: string | null = null;
    if (c.decision.outcome === 'REFER') {
      referralId = randomUUID();
      this.referrals.set(referralId, {
        referralId, sessionId: c.sessionId, decisionId, createdAt: c.decision.decidedAt, status: 'open', reasons: c.decision.reasons, pendingOverrideId: null, group: c.group,
      });
    }
    for (const m of decisionMetrics(c.decision.outcome, c.decision.reasons)) this.count(dayOf(c.decision.decidedAt), c.group, m);
    const { seq } = await this.appendAudit({ type: 'decision', actor: 'kiosk', subject: decisionId, data: { outcome: c.decision.outcome } }, c.decision.decidedAt);
    return { decisionId, referralId, auditSeq: seq };
  }

  async closeSession(sessionId: string, reason: SessionEndReason, at: number): Promise<void> {
    this.check();
    this.sessions.set(sessionId, { endedAt: at, reason });
  }

  async appendAudit(e: AuditAppend, at: number): Promise<{ seq: number; hash: string }> {
    this.check();
    const seq = this.audit.length + 1;
    this.audit.push({ ...e, seq, at });
    return { seq, hash: '' };
  }

  async listReferrals(filter: { status?: ReferralStatus[] } = {}): Promise<ReferralSummary[]> {
    return [...this.referrals.values()]
      .filter((r) => !filter.status || filter.status.includes(r.status))
      .map(({ group: _g, ...r }) => structuredClone(r))
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  async getReferral(referralId: string): Promise<ReferralRecord | undefined> {
    const r = this.referrals.get(referralId);
    if (!r) return undefined;
    const d = this.decisions.get(r.decisionId)!;
    const { group: _g, ...summary } = r;
    return structuredClone({
      ...summary,
      decision: d.decision,
      inputs: d.inputs,
      overrides: [...this.overrides.values()].filter((o) => o.referralId === referralId).sort((a, b) => a.createdAt - b.createdAt),
    });
  }

  async recordOverride(o: OverrideWrite): Promise<{ overrideId: string; auditSeq: number }> {
    this.check();
    const r = this.referrals.get(o.referralId);
    if (!r || r.status !== 'open') throw new KioskError('INVALID_STATE', 'referral not open');
    const overrideId = randomUUID();
    this.overrides.set(overrideId, {
      overrideId, referralId: o.referralId, officerId: o.officerId, kind: o.kind, reasonCode: o.reasonCode, note: o.note, createdAt: o.at, status: o.status, confirmedBy: null, confirmedAt: null,
    });
    r.status = o.status === 'final' ? 'closed' : 'awaiting-confirmation';
    r.pendingOverrideId = o.status === 'pending' ? overrideId : null;
    if (o.status === 'final') this.count(dayOf(o.at), r.group, `OVERRIDE:${o.kind}`);
    const { seq } = await this.appendAudit({ type: 'override', actor: o.officerId, subject: overrideId, data: { kind: o.kind, reasonCode: o.reasonCode, status: o.status } }, o.at);
    return { overrideId, auditSeq: seq };
  }

  async resolveOverride(x: { overrideId: string; by: string; approve: boolean; note: string; at: number }): Promise<{ auditSeq: number }> {
    this.check();
    const o = this.overrides.get(x.overrideId);
    if (!o || o.status !== 'pending') throw new KioskError('INVALID_STATE', 'no pending override');
    const r = this.referrals.get(o.referralId)!;
    o.status = x.approve ? 'final' : 'rejected';
    o.confirmedBy = x.by;
    o.confirmedAt = x.at;
    r.status = x.approve ? 'closed' : 'open';
    r.pendingOverrideId = null;
    if (x.approve) this.count(dayOf(x.at), r.group, `OVERRIDE:${o.kind}`);
    const { seq } = await this.appendAudit({ type: x.approve ? 'override-confirmed' : 'override-rejected', actor: x.by, subject: x.overrideId }, x.at);
    return { auditSeq: seq };
  }

  async findAccount(username: string): Promise<AccountRecord | undefined> {
    return [...this.accounts.values()].find((a) => a.username === username);
  }
  async getAccount(id: string): Promise<AccountRecord | undefined> {
    return this.accounts.get(id);
  }
  async listAccounts(): Promise<AccountRecord[]> {
    return [...this.accounts.values()];
  }
  async insertAccount(a: AccountRecord): Promise<void> {
    this.check();
    this.accounts.set(a.accountId, { ...a });
  }
  async updateAccountAuth(id: string, s: { failedAttempts: number; lockedUntil: number | null; passwordHash?: string; disabled?: boolean }): Promise<void> {
    this.check();
    const a = this.accounts.get(id);
    if (a) Object.assign(a, Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)));
  }
  async insertOfficerSession(s: OfficerSessionRecord): Promise<void> {
    this.check();
    this.officerSessions.set(s.tokenHash, { ...s });
  }
  async getOfficerSession(h: string): Promise<OfficerSessionRecord | undefined> {
    const s = this.officerSessions.get(h);
    return s ? { ...s } : undefined;
  }
  async touchOfficerSession(h: string, at: number): Promise<void> {
    const s = this.officerSessions.get(h);
    if (s) s.lastSeenAt = at;
  }
  async deleteOfficerSession(h: string): Promise<void> {
    this.officerSessions.delete(h);
  }

  async queryStats(q: StatsQuery): Promise<StatsRow[]> {
    const min = q.minCount ?? 1;
    const agg = new Map<string, number>();
    for (const [k, n] of this.counters) {
      const [day, dim, value, metric] = JSON.parse(k) as [string, StatsRow['dimension'], string, string];
      if (q.dimension && dim !== q.dimension) continue;
      if (q.fromDay && day < q.fromDay) continue;
      if (q.toDay && day > q.toDay) continue;
      const key = JSON.stringify([dim, value, metric]);
      agg.set(key, (agg.get(key) ?? 0) + n);
    }
    return [...agg].map(([k, n]) => {
      const [dimension, value, metric] = JSON.parse(k) as [StatsRow['dimension'], string, string];
      return { dimension, value, metric, count: n >= min ? n : null };
    }).sort((a, b) => (a.dimension + a.value + a.metric).localeCompare(b.dimension + b.value + b.metric));
  }
}
