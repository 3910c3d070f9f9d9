/**
 * The SQLite implementation of the kiosk's storage port.
 *  - WAL journal, synchronous=FULL: a decision and its audit entry are one transaction that is
 *    on disk when commitDecision resolves.
 *  - Personal data, free-text notes and images are sealed (AES-256-GCM, AAD = table:id).
 *  - secure_delete and incremental auto-vacuum, so that retention really removes the bytes.
 */
import { createHmac, hkdfSync, randomUUID } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { systemClock, type Clock } from '../base/clock.js';
import { KioskError } from '../base/errors.js';
import { nullLogger, type Logger } from '../base/log.js';
import type {
  AccountRecord,
  AuditAppend,
  DecisionCommit,
  DecisionCommitResult,
  KeyProvider,
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
} from '../kiosk/ports.js';
import type { Decision, DecisionInputs, GroupAttributes, OfficerDecisionKind } from '../kiosk/types.js';
import { appendAuditInTx, recordDigest, RECORD_DIGESTS, sha256Hex, verifyAudit, type AuditVerifyResult } from './audit.js';
import { auditTrail, type AuditTrailEntry } from './audit-query.js';
import { canonicalJson } from './canonical.js';
import { Db, StorageError } from './db.js';
import { migrate } from './migrations.js';
import { AesGcmSealer, FileKeyProvider } from './seal.js';

export interface RetentionPolicy {
  /** Full personal data (MRZ, chip results, group attributes, notes) is deleted after this many hours. */
  personalDataHours: number;
  /** Decisions keep their minimal sealed inputs this many days, then only a pseudonym. */
  decisionDays: number;
  /** 'incremental' (PRAGMA incremental_vacuum, cheap) or 'full' (VACUUM). */
  vacuum: 'incremental' | 'full';
}

export const DEFAULT_RETENTION: RetentionPolicy = { personalDataHours: 24, decisionDays: 30, vacuum: 'incremental' };

export interface RetentionReport {
  imagesDeleted: number;
  personalDataDeleted: number;
  groupsPurged: number;
  notesPurged: number;
  decisionsPseudonymised: number;
  officerSessionsDeleted: number;
  fileBytesBefore: number;
  fileBytesAfter: number;
  auditSeq: number;
}

export interface OpenStoreOptions {
  /** KIOSK_DATA_DIR: the database is <dataDir>/kiosk.db, the key <dataDir>/keys/seal.key. */
  dataDir?: string;
  /** Overrides the database path. */
  dbPath?: string;
  /** Replaces the key file (TPM, OS keystore). */
  keyProvider?: KeyProvider;
  clock?: Clock;
  logger?: Logger;
  readOnly?: boolean;
  /** PRAGMA max_page_count: caps the database size (simulates a full disk in tests). */
  maxPageCount?: number;
}

export function defaultPaths(dataDir: string): { dbPath: string; keyFile: string } {
  return { dbPath: path.join(dataDir, 'kiosk.db'), keyFile: path.join(dataDir, 'keys', 'seal.key') };
}

/** Opens (and migrates) the kiosk database. */
export async function openKioskStore(opts: OpenStoreOptions): Promise<SqliteKioskStore> {
  const dataDir = opts.dataDir ?? (opts.dbPath ? path.dirname(opts.dbPath) : undefined);
  if (!dataDir) throw new KioskError('USAGE', 'openKioskStore needs dataDir or dbPath');
  const { dbPath: defDb, keyFile } = defaultPaths(dataDir);
  const dbPath = opts.dbPath ?? defDb;
  const clock = opts.clock ?? systemClock;
  if (!opts.readOnly) await mkdir(path.dirname(dbPath), { recursive: true, mode: 0o700 });
  const db = await Db.open(dbPath, { readOnly: opts.readOnly ?? false });
  try {
    if (!opts.readOnly) {
      // auto_vacuum takes effect only before the first table is created.
      await db.exec('PRAGMA auto_vacuum = INCREMENTAL');
      await db.exec('PRAGMA journal_mode = WAL');
    }
    await db.exec('PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA busy_timeout = 5000');
    if (opts.maxPageCount) await db.get(`PRAGMA max_page_count = ${Math.floor(opts.maxPageCount)}`);
    if (!opts.readOnly) await migrate(db, clock.now());
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
  const keys = opts.keyProvider ?? new FileKeyProvider(keyFile);
  if (!opts.readOnly) {
    // Fail at start-up, not in the middle of a traveller's session, when the key is unusable.
    try {
      await keys.getKey();
    } catch (e) {
      await db.close().catch(() => undefined);
      throw e;
    }
  }
  return new SqliteKioskStore(db, keys, clock, opts.logger ?? nullLogger);
}

interface ReferralRow {
  id: string;
  session_id: string;
  decision_id: string;
  created_at: number;
  status: ReferralStatus;
  reasons: string;
  pending_override_id: string | null;
  group_sealed: Uint8Array | null;
}

interface OverrideRow {
  id: string;
  referral_id: string;
  officer_id: string;
  kind: OfficerDecisionKind;
  reason_code: string;
  note_sealed: Uint8Array | null;
  created_at: number;
  status: 'final' | 'pending' | 'rejected';
  confirmed_by: string | null;
  confirmed_at: number | null;
}

interface AccountRow {
  id: string;
  username: string;
  role: AccountRecord['role'];
  password_hash: string;
  failed_attempts: number;
  locked_until: number | null;
  created_at: number;
  disabled: number;
}

const DIMENSIONS = ['nationality', 'sex', 'ageBand'] as const;

/** Minimal identifying inputs kept (sealed) with a decision until pseudonymisation. */
function minimalInputs(i: DecisionInputs): Record<string, string | undefined> {
  const f = i.chip?.dg1?.fields ?? i.mrz?.fields ?? {};
  return { documentCode: f.documentCode, issuingState: f.issuingState, documentNumber: f.documentNumber, nationality: f.nationality, birthDate: f.birthDate, expiryDate: f.expiryDate, sex: f.sex };
}

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export class SqliteKioskStore implements KioskStore {
  readonly sealer: AesGcmSealer;

  constructor(
    readonly db: Db,
    private readonly keys: KeyProvider,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.sealer = new AesGcmSealer(keys);
  }

  get path(): string {
    return this.db.path;
  }

  close(): Promise<void> {
    return this.db.close();
  }

  verifyAudit(): Promise<AuditVerifyResult> {
    return verifyAudit(this.db);
  }

  /** The audit entries of one case, run under the connection's mutex (never inside another's transaction). */
  auditTrail(q: { subjects: string[]; referralId?: string; limit?: number }): Promise<AuditTrailEntry[]> {
    return this.db.exclusive(() => auditTrail(this.db, q));
  }

  private async bump(day: string, g: GroupAttributes, metrics: string[]): Promise<void> {
    for (const metric of metrics) {
      for (const dim of DIMENSIONS) {
        await this.db.run(
          'INSERT INTO group_stats (day, dimension, value, metric, count) VALUES (?, ?, ?, ?, 1) ON CONFLICT (day, dimension, value, metric) DO UPDATE SET count = count + 1',
          [day, dim, g[dim] || 'unknown', metric],
        );
      }
    }
  }

  // ------------------------------------------------------------ decisions

  async commitDecision(c: DecisionCommit): Promise<DecisionCommitResult> {
    const decisionId = randomUUID();
    const personalId = randomUUID();
    const referralId = c.decision.outcome === 'REFER' ? randomUUID() : null;
    const reasons = canonicalJson(c.decision.reasons);
    const evidence = canonicalJson(c.decision.evidence);
    const inputsSealed = await this.sealer.sealJson(minimalInputs(c.inputs), `decisions:${decisionId}`);
    const personalSealed = await this.sealer.sealJson(c.inputs, `personal_data:${personalId}`);
    const groupSealed = referralId ? await this.sealer.sealJson(c.group, `referrals:${referralId}`) : null;
    const images = await Promise.all(
      (c.images ?? []).map(async (im) => {
        const id = randomUUID();
        return { id, kind: im.kind, format: im.format, sealed: await this.sealer.seal(im.bytes, `images:${id}`) };
      }),
    );
    const at = c.decision.decidedAt;
    return this.db.tx(async () => {
      await this.db.run('INSERT OR IGNORE INTO sessions (id, kiosk_id, started_at) VALUES (?, ?, ?)', [c.sessionId, c.kioskId, c.startedAt]);
      const row = { id: decisionId, session_id: c.sessionId, decided_at: at, outcome: c.decision.outcome, policy_version: c.decision.policyVersion, reasons, evidence };
      await this.db.run('INSERT INTO decisions (id, session_id, decided_at, outcome, policy_version, reasons, evidence, inputs_sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        decisionId, c.sessionId, at, c.decision.outcome, c.decision.policyVersion, reasons, evidence, inputsSealed,
      ]);
      await this.db.run('INSERT INTO personal_data (id, session_id, decision_id, created_at, sealed) VALUES (?, ?, ?, ?, ?)', [personalId, c.sessionId, decisionId, at, personalSealed]);
      for (const im of images) {
        await this.db.run('INSERT INTO images (id, session_id, kind, format, created_at, sealed) VALUES (?, ?, ?, ?, ?, ?)', [im.id, c.sessionId, im.kind, im.format, at, im.sealed]);
      }
      if (referralId) {
        await this.db.run('INSERT INTO referrals (id, session_id, decision_id, created_at, status, reasons, group_sealed) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          referralId, c.sessionId, decisionId, at, 'open', reasons, groupSealed,
        ]);
      }
      const metrics: string[] = [c.decision.outcome];
      if (c.decision.outcome === 'REFER') for (const code of new Set(c.decision.reasons.map((r) => r.code))) metrics.push(`REFER:${code}`);
      await this.bump(dayOf(at), c.group, metrics);
      const { seq } = await appendAuditInTx(
        this.db,
        {
          type: 'decision',
          actor: `kiosk:${c.kioskId}`,
          subject: decisionId,
          data: {
            sessionId: c.sessionId,
            outcome: c.decision.outcome,
            policyVersion: c.decision.policyVersion,
            reasonCodes: c.decision.reasons.map((r) => r.code),
            referralId,
            record: { table: 'decisions', id: decisionId, digest: recordDigest(row, RECORD_DIGESTS.decisions!.columns) },
          },
        },
        at,
      );
      return { decisionId, referralId, auditSeq: seq };
    });
  }

  async closeSession(sessionId: string, reason: SessionEndReason, at: number): Promise<void> {
    await this.db.tx(async () => {
      await this.db.run('INSERT OR IGNORE INTO sessions (id, kiosk_id, started_at) VALUES (?, ?, ?)', [sessionId, 'unknown', at]);
      await this.db.run('UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ?', [at, reason, sessionId]);
      const open = await this.db.get<{ n: number }>("SELECT count(*) AS n FROM referrals WHERE session_id = ? AND status <> 'closed'", [sessionId]);
      if (!open?.n) await this.db.run('DELETE FROM images WHERE session_id = ?', [sessionId]);
      await appendAuditInTx(this.db, { type: 'session-closed', actor: 'kiosk', subject: sessionId, data: { reason } }, at);
    });
  }

  async appendAudit(entry: AuditAppend, at: number): Promise<{ seq: number; hash: string }> {
    return this.db.tx(() => appendAuditInTx(this.db, entry, at));
  }

  // ------------------------------------------------------------ referrals and overrides

  private summary(r: ReferralRow): ReferralSummary {
    return {
      referralId: r.id, sessionId: r.session_id, decisionId: r.decision_id, createdAt: r.created_at, status: r.status,
      reasons: JSON.parse(r.reasons) as Decision['reasons'], pendingOverrideId: r.pending_override_id,
    };
  }

  async listReferrals(filter: { status?: ReferralStatus[] } = {}): Promise<ReferralSummary[]> {
    const st = filter.status ?? ['open', 'awaiting-confirmation', 'closed'];
    const rows = await this.db.exclusive(() =>
      this.db.all<ReferralRow>(`SELECT * FROM referrals WHERE status IN (${st.map(() => '?').join(',')}) ORDER BY created_at, id`, st),
    );
    return rows.map((r) => this.summary(r));
  }

  private async openNote(table: string, id: string, blob: Uint8Array | null): Promise<string | null> {
    if (!blob) return null;
    return Buffer.from(await this.sealer.open(blob, `${table}:${id}`)).toString('utf8');
  }

  private async overrideRecord(o: OverrideRow): Promise<OverrideRecord> {
    return {
      overrideId: o.id, referralId: o.referral_id, officerId: o.officer_id, kind: o.kind, reasonCode: o.reason_code,
      note: await this.openNote('overrides', o.id, o.note_sealed), createdAt: o.created_at, status: o.status,
      confirmedBy: o.confirmed_by, confirmedAt: o.confirmed_at,
    };
  }

  async getReferral(referralId: string): Promise<ReferralRecord | undefined> {
    const got = await this.db.exclusive(async () => {
      const r = await this.db.get<ReferralRow>('SELECT * FROM referrals WHERE id = ?', [referralId]);
      if (!r) return undefined;
      const d = await this.db.get<{ outcome: 'CLEAR' | 'REFER'; policy_version: string; reasons: string; evidence: string; decided_at: number }>(
        'SELECT outcome, policy_version, reasons, evidence, decided_at FROM decisions WHERE id = ?',
        [r.decision_id],
      );
      const pd = await this.db.get<{ id: string; sealed: Uint8Array }>('SELECT id, sealed FROM personal_data WHERE decision_id = ? ORDER BY created_at DESC LIMIT 1', [r.decision_id]);
      const ov = await this.db.all<OverrideRow>('SELECT * FROM overrides WHERE referral_id = ? ORDER BY created_at, id', [referralId]);
      return { r, d, pd, ov };
    });
    if (!got) return undefined;
    const { r, d, pd, ov } = got;
    if (!d) throw new StorageError('STORAGE_INCONSISTENT', 'referral without its decision');
    const decision: Decision = { outcome: d.outcome, policyVersion: d.policy_version, reasons: JSON.parse(d.reasons), evidence: JSON.parse(d.evidence), decidedAt: d.decided_at };
    const inputs = pd ? await this.sealer.openJson<DecisionInputs>(pd.sealed, `personal_data:${pd.id}`) : null;
    return { ...this.summary(r), decision, inputs, overrides: await Promise.all(ov.map((o) => this.overrideRecord(o))) };
  }

  private async groupOf(r: ReferralRow): Promise<GroupAttributes> {
    if (!r.group_sealed) return { nationality: 'unknown', sex: 'unknown', ageBand: 'unknown' };
    return this.sealer.openJson<GroupAttributes>(r.group_sealed, `referrals:${r.id}`);
  }

  async recordOverride(o: OverrideWrite): Promise<{ overrideId: string; auditSeq: number }> {
    const overrideId = randomUUID();
    const noteSealed = await this.sealer.seal(Buffer.from(o.note, 'utf8'), `overrides:${overrideId}`);
    return this.db.tx(async () => {
      const r = await this.db.get<ReferralRow>('SELECT * FROM referrals WHERE id = ?', [o.referralId]);
      if (!r) throw new KioskError('NOT_FOUND', 'no such referral');
      if (r.status !== 'open') throw new KioskError('INVALID_STATE', `referral is ${r.status}`);
      await this.db.run('INSERT INTO overrides (id, referral_id, officer_id, kind, reason_code, note_sealed, created_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        overrideId, o.referralId, o.officerId, o.kind, o.reasonCode, noteSealed, o.at, o.status,
      ]);
      await this.db.run('UPDATE referrals SET status = ?, pending_override_id = ? WHERE id = ?', [
        o.status === 'final' ? 'closed' : 'awaiting-confirmation', o.status === 'pending' ? overrideId : null, o.referralId,
      ]);
      if (o.status === 'final') await this.finalise(r, o.kind, o.at);
      const row = { id: overrideId, referral_id: o.referralId, officer_id: o.officerId, kind: o.kind, reason_code: o.reasonCode, created_at: o.at };
      const { seq } = await appendAuditInTx(
        this.db,
        {
          type: 'override',
          actor: o.officerId,
          subject: overrideId,
          data: { referralId: o.referralId, kind: o.kind, reasonCode: o.reasonCode, status: o.status, record: { table: 'overrides', id: overrideId, digest: recordDigest(row, RECORD_DIGESTS.overrides!.columns) } },
        },
        o.at,
      );
      return { overrideId, auditSeq: seq };
    });
  }

  /** A referral closed by a final officer decision: counters, and the images go. */
  private async finalise(r: ReferralRow, kind: OfficerDecisionKind, at: number): Promise<void> {
    await this.bump(dayOf(at), await this.groupOf(r), [`OVERRIDE:${kind}`]);
    await this.db.run('DELETE FROM images WHERE session_id = ?', [r.session_id]);
  }

  async resolveOverride(x: { overrideId: string; by: string; approve: boolean; note: string; at: number }): Promise<{ auditSeq: number }> {
    const noteSealed = await this.sealer.seal(Buffer.from(x.note, 'utf8'), `overrides.resolve:${x.overrideId}`);
    return this.db.tx(async () => {
      const o = await this.db.get<OverrideRow>('SELECT * FROM overrides WHERE id = ?', [x.overrideId]);
      if (!o || o.status !== 'pending') throw new KioskError('INVALID_STATE', 'no pending override with this id');
      if (o.officer_id === x.by) throw new KioskError('SAME_OFFICER', 'the second officer must be a different person');
      const r = (await this.db.get<ReferralRow>('SELECT * FROM referrals WHERE id = ?', [o.referral_id]))!;
      await this.db.run('UPDATE overrides SET status = ?, confirmed_by = ?, confirmed_at = ?, resolve_note_sealed = ? WHERE id = ?', [
        x.approve ? 'final' : 'rejected', x.by, x.at, noteSealed, x.overrideId,
      ]);
      await this.db.run('UPDATE referrals SET status = ?, pending_override_id = NULL WHERE id = ?', [x.approve ? 'closed' : 'open', o.referral_id]);
      if (x.approve) await this.finalise(r, o.kind, x.at);
      const { seq } = await appendAuditInTx(
        this.db,
        { type: x.approve ? 'override-confirmed' : 'override-rejected', actor: x.by, subject: x.overrideId, data: { referralId: o.referral_id, kind: o.kind } },
        x.at,
      );
      return { auditSeq: seq };
    });
  }

  // ------------------------------------------------------------ accounts

  private account(r: AccountRow): AccountRecord {
    return {
      accountId: r.id, username: r.username, role: r.role, passwordHash: r.password_hash, failedAttempts: r.failed_attempts,
      lockedUntil: r.locked_until, createdAt: r.created_at, disabled: r.disabled !== 0,
    };
  }

  async findAccount(username: string): Promise<AccountRecord | undefined> {
    const r = await this.db.exclusive(() => this.db.get<AccountRow>('SELECT * FROM accounts WHERE username = ?', [username]));
    return r ? this.account(r) : undefined;
  }

  async getAccount(id: string): Promise<AccountRecord | undefined> {
    const r = await this.db.exclusive(() => this.db.get<AccountRow>('SELECT * FROM accounts WHERE id = ?', [id]));
    return r ? this.account(r) : undefined;
  }

  async listAccounts(): Promise<AccountRecord[]> {
    return (await this.db.exclusive(() => this.db.all<AccountRow>('SELECT * FROM accounts ORDER BY created_at, id'))).map((r) => this.account(r));
  }

  async insertAccount(a: AccountRecord): Promise<void> {
    await this.db.tx(() =>
      this.db.run('INSERT INTO accounts (id, username, role, password_hash, failed_attempts, locked_until, created_at, disabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        a.accountId, a.username, a.role, a.passwordHash, a.failedAttempts, a.lockedUntil, a.createdAt, a.disabled ? 1 : 0,
      ]),
    );
  }

  async updateAccountAuth(id: string, s: { failedAttempts: number; lockedUntil: number | null; passwordHash?: string; disabled?: boolean }): Promise<void> {
    await this.db.tx(async () => {
      await this.db.run('UPDATE accounts SET failed_attempts = ?, locked_until = ? WHERE id = ?', [s.failedAttempts, s.lockedUntil, id]);
      if (s.passwordHash !== undefined) await this.db.run('UPDATE accounts SET password_hash = ? WHERE id = ?', [s.passwordHash, id]);
      if (s.disabled !== undefined) await this.db.run('UPDATE accounts SET disabled = ? WHERE id = ?', [s.disabled ? 1 : 0, id]);
    });
  }

  async insertOfficerSession(s: OfficerSessionRecord): Promise<void> {
    await this.db.tx(() =>
      this.db.run('INSERT INTO officer_sessions (token_hash, account_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)', [s.tokenHash, s.accountId, s.createdAt, s.lastSeenAt, s.expiresAt]),
    );
  }

  async getOfficerSession(h: string): Promise<OfficerSessionRecord | undefined> {
    const r = await this.db.exclusive(() =>
      this.db.get<{ token_hash: string; account_id: string; created_at: number; last_seen_at: number; expires_at: number }>('SELECT * FROM officer_sessions WHERE token_hash = ?', [h]),
    );
    return r ? { tokenHash: r.token_hash, accountId: r.account_id, createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at } : undefined;
  }

  async touchOfficerSession(h: string, at: number): Promise<void> {
    await this.db.tx(() => this.db.run('UPDATE officer_sessions SET last_seen_at = ? WHERE token_hash = ?', [at, h]));
  }

  async deleteOfficerSession(h: string): Promise<void> {
    await this.db.tx(() => this.db.run('DELETE FROM officer_sessions WHERE token_hash = ?', [h]));
  }

  // ------------------------------------------------------------ statistics and settings

  async queryStats(q: StatsQuery = {}): Promise<StatsRow[]> {
    const where: string[] = [];
    const params: string[] = [];
    const add = (clause: string, v: string | undefined): void => {
      if (v === undefined) return;
      where.push(clause);
      params.push(v);
    };
    add('dimension = ?', q.dimension);
    add('day >= ?', q.fromDay);
    add('day <= ?', q.toDay);
    const rows = await this.db.exclusive(() =>
      this.db.all<{ dimension: StatsRow['dimension']; value: string; metric: string; n: number }>(
        `SELECT dimension, value, metric, SUM(count) AS n FROM group_stats ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY dimension, value, metric ORDER BY dimension, value, metric`,
        params,
      ),
    );
    const min = q.minCount ?? 1;
    return rows.map((r) => ({ dimension: r.dimension, value: r.value, metric: r.metric, count: r.n >= min ? r.n : null }));
  }

  /** Records a configuration change (policy, retention, four-eyes…) with its audit entry. */
  async recordConfigChange(key: string, value: unknown, actor: string, at: number): Promise<{ auditSeq: number }> {
    const json = canonicalJson(value);
    return this.db.tx(async () => {
      const old = await this.db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]);
      await this.db.run('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at', [key, json, at]);
      const { seq } = await appendAuditInTx(
        this.db,
        { type: 'config-change', actor, subject: key, data: { key, previousDigest: old ? sha(old.value) : null, newDigest: sha(json), value: value as Record<string, unknown> } },
        at,
      );
      return { auditSeq: seq };
    });
  }

  async getSetting<T>(key: string): Promise<T | undefined> {
    const r = await this.db.exclusive(() => this.db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]));
    return r ? (JSON.parse(r.value) as T) : undefined;
  }

  // ------------------------------------------------------------ retention

  private async pseudonymKey(): Promise<Buffer> {
    return Buffer.from(hkdfSync('sha256', await this.keys.getKey(), Buffer.alloc(0), 'kiosk pseudonym v1', 32));
  }

  /**
   * Deletes what the retention policy says must go, audits the purge, then checkpoints the WAL
   * and vacuums so that the freed pages (zeroed by secure_delete) leave the file.
   */
  async runRetention(policy: RetentionPolicy = DEFAULT_RETENTION, now = this.clock.now()): Promise<RetentionReport> {
    const before = await fileBytes(this.db.path);
    const personalCut = now - policy.personalDataHours * 3_600_000;
    const decisionCut = now - policy.decisionDays * 86_400_000;
    const toPseudo = await this.db.exclusive(() =>
      this.db.all<{ id: string; inputs_sealed: Uint8Array }>('SELECT id, inputs_sealed FROM decisions WHERE decided_at < ? AND inputs_sealed IS NOT NULL', [decisionCut]),
    );
    const pk = await this.pseudonymKey();
    const pseudonyms: [string, string][] = [];
    for (const d of toPseudo) {
      let p = 'unreadable';
      try {
        const m = await this.sealer.openJson<Record<string, string | undefined>>(d.inputs_sealed, `decisions:${d.id}`);
        p = createHmac('sha256', pk).update(`${m.issuingState ?? ''}:${m.documentNumber ?? ''}`).digest('hex').slice(0, 32);
      } catch (e) {
        this.log.warn('retention: sealed inputs did not open', { code: (e as KioskError).code });
      }
      pseudonyms.push([d.id, p]);
    }
    const report = await this.db.tx(async () => {
      const images = await this.db.run(
        "DELETE FROM images WHERE created_at < ? OR session_id IN (SELECT id FROM sessions WHERE ended_at IS NOT NULL) AND session_id NOT IN (SELECT session_id FROM referrals WHERE status <> 'closed')",
        [personalCut],
      );
      const personal = await this.db.run('DELETE FROM personal_data WHERE created_at < ?', [personalCut]);
      const groups = await this.db.run('UPDATE referrals SET group_sealed = NULL WHERE created_at < ? AND group_sealed IS NOT NULL', [personalCut]);
      const notes = await this.db.run(
        'UPDATE overrides SET note_sealed = NULL, resolve_note_sealed = NULL WHERE created_at < ? AND (note_sealed IS NOT NULL OR resolve_note_sealed IS NOT NULL)',
        [decisionCut],
      );
      let pseudo = 0;
      for (const [id, p] of pseudonyms) {
        pseudo += (await this.db.run('UPDATE decisions SET inputs_sealed = NULL, subject_pseudonym = ?, pseudonymised_at = ? WHERE id = ? AND inputs_sealed IS NOT NULL', [p, now, id])).changes;
      }
      const sessions = await this.db.run('DELETE FROM officer_sessions WHERE expires_at < ?', [now]);
      const counts = {
        imagesDeleted: images.changes, personalDataDeleted: personal.changes, groupsPurged: groups.changes, notesPurged: notes.changes,
        decisionsPseudonymised: pseudo, officerSessionsDeleted: sessions.changes,
      };
      const { seq } = await appendAuditInTx(this.db, { type: 'purge', actor: 'retention', data: { ...counts, policy: { ...policy } } }, now);
      return { ...counts, auditSeq: seq };
    });
    await this.db.exclusive(async () => {
      await this.db.get('PRAGMA wal_checkpoint(TRUNCATE)');
      if (policy.vacuum === 'full') await this.db.exec('VACUUM');
      else await this.db.exec('PRAGMA incremental_vacuum');
      await this.db.get('PRAGMA wal_checkpoint(TRUNCATE)');
    });
    return { ...report, fileBytesBefore: before, fileBytesAfter: await fileBytes(this.db.path) };
  }
}

function sha(s: string): string {
  return sha256Hex(s);
}

async function fileBytes(p: string): Promise<number> {
  let n = 0;
  for (const f of [p, `${p}-wal`]) {
    try {
      n += (await stat(f)).size;
    } catch {
      /* absent */
    }
  }
  return n;
}
