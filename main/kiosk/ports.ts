/**
 * Ports: what the kiosk core needs from the outside world. Devices, checks and storage implement
 * them in main/devices + main/host (adapters), main/store (SQLite) or tests (fakes), so the core
 * runs the same with real devices, simulators and in tests.
 */
import type {
  CheckEvidence,
  ChipProgress,
  ChipReadResult,
  Decision,
  DecisionInputs,
  GroupAttributes,
  OfficerDecisionKind,
  ScannedDocument,
} from './types.js';

// ---------------------------------------------------------------- devices

export type DocumentSourceEvent =
  /** A document was put on the scanner (before its MRZ was decoded). Optional: some scanners only send `document`. */
  | { type: 'document-present' }
  /** The MRZ was read. */
  | { type: 'document'; document: ScannedDocument }
  | { type: 'document-removed' }
  /** The scanner stopped working (unplugged, protocol error). */
  | { type: 'fault'; code: string; message?: string }
  | { type: 'recovered' };

/** The MRZ scanner (or anything that delivers documents). */
export interface DocumentSource {
  subscribe(listener: (e: DocumentSourceEvent) => void): () => void;
}

export interface ChipAccessKey {
  documentNumber: string;
  birthDate: string;
  expiryDate: string;
  /** The MRZ lines, when the reader prefers them. */
  mrzLines?: string[];
}

/**
 * The chip reader. Rejects with a KioskError: code 'ACCESS_DENIED' when the chip refuses the key,
 * 'TIMEOUT' when no chip answers, 'CARD_LOST' when the document was lifted for good, others for
 * reader faults.
 */
export interface ChipReaderPort {
  read(key: ChipAccessKey, opts: { onProgress?: (p: ChipProgress) => void; signal?: AbortSignal }): Promise<ChipReadResult>;
}

export interface ChecksInput {
  document: ScannedDocument;
  chip: ChipReadResult | null;
}

/** The document checks (main/checks behind an adapter). */
export interface DocumentChecksPort {
  run(input: ChecksInput, opts: { signal?: AbortSignal }): Promise<CheckEvidence[]>;
}

/** A checks port for when the checks module is absent: every named check is reported not-run. */
export function notRunChecks(names: readonly string[], reasonCode = 'CHECKS_UNAVAILABLE'): DocumentChecksPort {
  return { run: async () => names.map((check) => ({ check, status: 'not-run' as const, reasonCode })) };
}

// ---------------------------------------------------------------- sealing

/** The sealing key's source: a 0600 key file today, a TPM or OS keystore tomorrow. */
export interface KeyProvider {
  /** The 32-byte AES-256 key. */
  getKey(): Promise<Uint8Array>;
  /** A stable, non-secret identifier of the key (stored with sealed records). */
  readonly keyId: string;
}

/** Authenticated encryption of personal data; `aad` binds the blob to its row (table + id). */
export interface Sealer {
  seal(plain: Uint8Array, aad: string): Promise<Uint8Array>;
  open(sealed: Uint8Array, aad: string): Promise<Uint8Array>;
}

// ---------------------------------------------------------------- storage

export type SessionEndReason = 'clear' | 'officer' | 'cancelled' | 'abandoned' | 'released' | 'rescan' | 'fault';

export interface StoredImage {
  kind: 'chip-face' | 'page';
  format: string;
  bytes: Uint8Array;
}

/** What the core commits when it decides: one atomic, durable write. */
export interface DecisionCommit {
  sessionId: string;
  kioskId: string;
  startedAt: number;
  decision: Decision;
  /** Personal: sealed by the store. */
  inputs: DecisionInputs;
  /** For the fairness counters (aggregated, never stored per record). */
  group: GroupAttributes;
  /** Stored (sealed) only when the settings allow storing biometric images. */
  images?: StoredImage[];
}

export interface DecisionCommitResult {
  decisionId: string;
  referralId: string | null;
  auditSeq: number;
}

export type ReferralStatus = 'open' | 'awaiting-confirmation' | 'closed';

export interface ReferralSummary {
  referralId: string;
  sessionId: string;
  decisionId: string;
  createdAt: number;
  status: ReferralStatus;
  reasons: Decision['reasons'];
  /** The override waiting for a second officer, when status is awaiting-confirmation. */
  pendingOverrideId: string | null;
}

export interface ReferralRecord extends ReferralSummary {
  decision: Decision;
  /** Null once personal data was purged by retention. */
  inputs: DecisionInputs | null;
  overrides: OverrideRecord[];
}

export interface OverrideRecord {
  overrideId: string;
  referralId: string;
  officerId: string;
  kind: OfficerDecisionKind;
  reasonCode: string;
  /** Free text (sealed at rest; null once purged). */
  note: string | null;
  createdAt: number;
  status: 'final' | 'pending' | 'rejected';
  confirmedBy: string | null;
  confirmedAt: number | null;
}

export type Role = 'officer' | 'supervisor' | 'technician';

export interface AccountRecord {
  accountId: string;
  username: string;
  role: Role;
  /** `scrypt$N$r$p$saltHex$hashHex` */
  passwordHash: string;
  failedAttempts: number;
  lockedUntil: number | null;
  createdAt: number;
  disabled: boolean;
}

export interface OfficerSessionRecord {
  tokenHash: string;
  accountId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export interface AuditAppend {
  type: string;
  actor: string;
  subject?: string | null;
  /** Non-personal details only. */
  data?: Record<string, unknown>;
}

export interface StatsQuery {
  dimension?: 'nationality' | 'sex' | 'ageBand';
  /** Inclusive day range, YYYY-MM-DD (UTC). */
  fromDay?: string;
  toDay?: string;
  /** Counts below this are reported as suppressed (small groups could identify people). Default 1. */
  minCount?: number;
}

export interface StatsRow {
  dimension: 'nationality' | 'sex' | 'ageBand';
  value: string;
  /** 'CLEAR', 'REFER', 'REFER:<reason code>', 'OVERRIDE:<kind>' */
  metric: string;
  /** Null when suppressed (below minCount). */
  count: number | null;
}

export interface OverrideWrite {
  referralId: string;
  officerId: string;
  kind: OfficerDecisionKind;
  reasonCode: string;
  note: string;
  at: number;
  /** final: the referral closes; pending: it waits for a second officer. */
  status: 'final' | 'pending';
}

/** The storage the core and the officer service need. main/store implements it with SQLite. */
export interface KioskStore {
  commitDecision(c: DecisionCommit): Promise<DecisionCommitResult>;
  closeSession(sessionId: string, reason: SessionEndReason, at: number): Promise<void>;
  appendAudit(entry: AuditAppend, at: number): Promise<{ seq: number; hash: string }>;

  listReferrals(filter?: { status?: ReferralStatus[] }): Promise<ReferralSummary[]>;
  getReferral(referralId: string): Promise<ReferralRecord | undefined>;
  recordOverride(o: OverrideWrite): Promise<{ overrideId: string; auditSeq: number }>;
  resolveOverride(r: { overrideId: string; by: string; approve: boolean; note: string; at: number }): Promise<{ auditSeq: number }>;

  findAccount(username: string): Promise<AccountRecord | undefined>;
  getAccount(accountId: string): Promise<AccountRecord | undefined>;
  listAccounts(): Promise<AccountRecord[]>;
  insertAccount(a: AccountRecord): Promise<void>;
  updateAccountAuth(accountId: string, state: { failedAttempts: number; lockedUntil: number | null; passwordHash?: string; disabled?: boolean }): Promise<void>;
  insertOfficerSession(s: OfficerSessionRecord): Promise<void>;
  getOfficerSession(tokenHash: string): Promise<OfficerSessionRecord | undefined>;
  touchOfficerSession(tokenHash: string, lastSeenAt: number): Promise<void>;
  deleteOfficerSession(tokenHash: string): Promise<void>;

  queryStats(q: StatsQuery): Promise<StatsRow[]>;
}
