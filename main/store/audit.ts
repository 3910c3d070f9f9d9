/**
 * The hash-chained, append-only audit log. Entry n's hash is
 *   SHA-256( prev_hash(32 bytes) ‖ UTF-8( canonical JSON of {seq, at, type, actor, subject, data} ) )
 * with prev_hash of entry 1 = 32 zero bytes. Entries about a stored record (a decision, an
 * override) carry the SHA-256 digest of that record's immutable columns, so editing the record
 * itself is also detected. Entries never hold personal data.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.js';
import type { Db } from './db.js';

export const GENESIS = '0'.repeat(64);

export interface AuditRow {
  seq: number;
  at: number;
  type: string;
  actor: string;
  subject: string | null;
  data: string;
  prev_hash: string;
  hash: string;
}

export function entryHash(prevHash: string, e: { seq: number; at: number; type: string; actor: string; subject: string | null; data: unknown }): string {
  const h = createHash('sha256');
  h.update(Buffer.from(prevHash, 'hex'));
  h.update(canonicalJson({ seq: e.seq, at: e.at, type: e.type, actor: e.actor, subject: e.subject, data: e.data }), 'utf8');
  return h.digest('hex');
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/** Appends one entry. Must run inside a transaction (db.tx) so the chain cannot fork. */
export async function appendAuditInTx(db: Db, e: { type: string; actor: string; subject?: string | null; data?: Record<string, unknown> }, at: number): Promise<{ seq: number; hash: string }> {
  const last = await db.get<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const seq = (last?.seq ?? 0) + 1;
  const prev = last?.hash ?? GENESIS;
  const data = e.data ?? {};
  const subject = e.subject ?? null;
  const hash = entryHash(prev, { seq, at, type: e.type, actor: e.actor, subject, data });
  await db.run('INSERT INTO audit_log (seq, at, type, actor, subject, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [seq, at, e.type, e.actor, subject, canonicalJson(data), prev, hash]);
  return { seq, hash };
}

/** The immutable columns of the records the audit log vouches for. */
export const RECORD_DIGESTS: Record<string, { sql: string; columns: string[] }> = {
  decisions: { sql: 'SELECT id, session_id, decided_at, outcome, policy_version, reasons, evidence FROM decisions WHERE id = ?', columns: ['id', 'session_id', 'decided_at', 'outcome', 'policy_version', 'reasons', 'evidence'] },
  overrides: { sql: 'SELECT id, referral_id, officer_id, kind, reason_code, created_at FROM overrides WHERE id = ?', columns: ['id', 'referral_id', 'officer_id', 'kind', 'reason_code', 'created_at'] },
  accounts: { sql: 'SELECT id, username, role, created_at FROM accounts WHERE id = ?', columns: ['id', 'username', 'role', 'created_at'] },
};

export function recordDigest(row: Record<string, unknown>, columns: string[]): string {
  return sha256Hex(canonicalJson(Object.fromEntries(columns.map((c) => [c, row[c] ?? null]))));
}

export interface AuditVerifyResult {
  ok: boolean;
  entries: number;
  headHash: string;
  /** The first broken entry, when not ok. */
  firstBroken?: {
    seq: number;
    type?: string;
    reason: 'hash-mismatch' | 'prev-hash-mismatch' | 'sequence-gap' | 'record-modified' | 'record-missing' | 'data-not-json';
    table?: string;
    recordId?: string;
    expected?: string;
    found?: string;
  };
}

/** Walks the whole chain (in pages) and checks every link and every vouched-for record. */
export async function verifyAudit(db: Db): Promise<AuditVerifyResult> {
  return db.exclusive(async () => {
    let prev = GENESIS;
    let expectSeq = 1;
    let n = 0;
    for (;;) {
      const rows = await db.all<AuditRow>('SELECT seq, at, type, actor, subject, data, prev_hash, hash FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT 1000', [expectSeq]);
      if (rows.length === 0) break;
      for (const r of rows) {
        const fail = (f: NonNullable<AuditVerifyResult['firstBroken']>): AuditVerifyResult => ({ ok: false, entries: n, headHash: prev, firstBroken: f });
        if (r.seq !== expectSeq) return fail({ seq: expectSeq, reason: 'sequence-gap', expected: String(expectSeq), found: String(r.seq) });
        if (r.prev_hash !== prev) return fail({ seq: r.seq, type: r.type, reason: 'prev-hash-mismatch', expected: prev, found: r.prev_hash });
        let data: Record<string, unknown>;
        try {
          data = JSON.parse(r.data) as Record<string, unknown>;
        } catch {
          return fail({ seq: r.seq, type: r.type, reason: 'data-not-json' });
        }
        const h = entryHash(prev, { seq: r.seq, at: r.at, type: r.type, actor: r.actor, subject: r.subject, data });
        if (h !== r.hash) return fail({ seq: r.seq, type: r.type, reason: 'hash-mismatch', expected: h, found: r.hash });
        const rec = data.record as { table?: string; id?: string; digest?: string } | undefined;
        if (rec?.table && rec.id && rec.digest && RECORD_DIGESTS[rec.table]) {
          const spec = RECORD_DIGESTS[rec.table]!;
          const row = await db.get<Record<string, unknown>>(spec.sql, [rec.id]);
          if (!row) return fail({ seq: r.seq, type: r.type, reason: 'record-missing', table: rec.table, recordId: rec.id });
          const d = recordDigest(row, spec.columns);
          if (d !== rec.digest) return fail({ seq: r.seq, type: r.type, reason: 'record-modified', table: rec.table, recordId: rec.id, expected: rec.digest, found: d });
        }
        prev = r.hash;
        expectSeq++;
        n++;
      }
    }
    return { ok: true, entries: n, headHash: prev };
  });
}
