import type { Db } from './db.js';

/** One audit entry as the officer's case view shows it (non-personal by construction). */
export interface AuditTrailEntry {
  seq: number;
  at: number;
  type: string;
  actor: string;
  subject: string | null;
  summary: string;
}

/**
 * The audit trail of one case: every entry whose subject is one of the case's ids (decision,
 * session, referral, overrides) or whose data names the referral. Oldest first.
 */
export async function auditTrail(db: Db, q: { subjects: string[]; referralId?: string; limit?: number }): Promise<AuditTrailEntry[]> {
  const subjects = q.subjects.filter(Boolean);
  if (subjects.length === 0 && !q.referralId) return [];
  const marks = subjects.map(() => '?').join(',');
  const where = [subjects.length ? `subject IN (${marks})` : null, q.referralId ? `json_extract(data, '$.referralId') = ?` : null].filter(Boolean).join(' OR ');
  const params = [...subjects, ...(q.referralId ? [q.referralId] : []), q.limit ?? 200];
  const rows = await db.all<{ seq: number; at: number; type: string; actor: string; subject: string | null; data: string }>(
    `SELECT seq, at, type, actor, subject, data FROM audit_log WHERE ${where} ORDER BY seq LIMIT ?`,
    params,
  );
  return rows.map((r) => ({ seq: r.seq, at: r.at, type: r.type, actor: r.actor, subject: r.subject, summary: summarize(r.type, r.data) }));
}

function summarize(type: string, data: string): string {
  let d: Record<string, unknown> = {};
  try {
    d = JSON.parse(data) as Record<string, unknown>;
  } catch {
    return type;
  }
  const keys = ['outcome', 'kind', 'reasonCode', 'reason', 'status', 'policyVersion', 'reasons'];
  const parts: string[] = [];
  for (const k of keys) {
    const v = d[k];
    if (v === undefined || v === null) continue;
    parts.push(`${k}: ${Array.isArray(v) ? v.map((x) => (typeof x === 'object' && x && 'code' in x ? (x as { code: string }).code : String(x))).join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
  return parts.join('; ') || type;
}
