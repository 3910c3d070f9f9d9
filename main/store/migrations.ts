/**
 * Schema migrations, applied in order inside one transaction each and recorded in
 * schema_migrations. Never edit a released migration: add a new one.
 */
import type { Db } from './db.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  kiosk_id TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  end_reason TEXT
);
CREATE TABLE decisions (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id),
  decided_at INTEGER NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('CLEAR', 'REFER')),
  policy_version TEXT NOT NULL,
  reasons TEXT NOT NULL,
  evidence TEXT NOT NULL,
  -- minimal identifying inputs (sealed), replaced by a pseudonym after the retention period
  inputs_sealed BLOB,
  subject_pseudonym TEXT,
  pseudonymised_at INTEGER
);
CREATE INDEX decisions_decided_at ON decisions(decided_at);
CREATE TABLE personal_data (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  decision_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  sealed BLOB NOT NULL
);
CREATE INDEX personal_data_created ON personal_data(created_at);
CREATE INDEX personal_data_decision ON personal_data(decision_id);
CREATE TABLE images (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  format TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  sealed BLOB NOT NULL
);
CREATE INDEX images_session ON images(session_id);
CREATE TABLE referrals (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  decision_id TEXT NOT NULL REFERENCES decisions(id),
  created_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'awaiting-confirmation', 'closed')),
  reasons TEXT NOT NULL,
  pending_override_id TEXT,
  group_sealed BLOB
);
CREATE INDEX referrals_status ON referrals(status, created_at);
CREATE TABLE overrides (
  id TEXT PRIMARY KEY,
  referral_id TEXT NOT NULL REFERENCES referrals(id),
  officer_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('ADMIT', 'SECONDARY', 'REFUSE', 'RESCAN')),
  reason_code TEXT NOT NULL,
  note_sealed BLOB,
  created_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('final', 'pending', 'rejected')),
  confirmed_by TEXT,
  confirmed_at INTEGER,
  resolve_note_sealed BLOB
);
CREATE INDEX overrides_referral ON overrides(referral_id);
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('officer', 'supervisor', 'technician')),
  password_hash TEXT NOT NULL,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,
  created_at INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE officer_sessions (
  token_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  actor TEXT NOT NULL,
  subject TEXT,
  data TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
-- fairness counters: aggregates only, no link to any record
CREATE TABLE group_stats (
  day TEXT NOT NULL,
  dimension TEXT NOT NULL,
  value TEXT NOT NULL,
  metric TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (day, dimension, value, metric)
) WITHOUT ROWID;
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
`,
  },
];

export async function migrate(db: Db, now: number): Promise<number[]> {
  return db.exclusive(async () => {
    await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const done = new Set((await db.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await db.exec('BEGIN IMMEDIATE');
      try {
        await db.exec(m.sql);
        await db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, now]);
        await db.exec('COMMIT');
      } catch (e) {
        await db.exec('ROLLBACK').catch(() => undefined);
        throw e;
      }
      applied.push(m.version);
    }
    return applied;
  });
}
