/**
 * Domain types of the kiosk core. They mirror the JSON contracts of ARCHITECTURE.md (`kiosk read`,
 * `kiosk check`) structurally, so that the host can hand the emrtd and checks results straight in
 * without the core importing those layers at run time.
 */
import type { MrzResult } from '../mrz/types.js';

export type { MrzResult };

/** Outcome the kiosk itself can reach. It never outputs REFUSE. */
export type KioskOutcome = 'CLEAR' | 'REFER';
/** What only an officer records. RESCAN sends the traveller back to the scanner. */
export type OfficerDecisionKind = 'ADMIT' | 'SECONDARY' | 'REFUSE' | 'RESCAN';
export const OFFICER_DECISION_KINDS: readonly OfficerDecisionKind[] = ['ADMIT', 'SECONDARY', 'REFUSE', 'RESCAN'];

export type CheckStatus = 'pass' | 'fail' | 'inconclusive' | 'not-run';

/** One check's evidence (the `kiosk check` contract, plus the checks the core derives itself). */
export interface CheckEvidence {
  check: string;
  status: CheckStatus;
  score?: number;
  threshold?: number;
  modelVersion?: string;
  reasonCode: string;
  regions?: unknown[];
}

export type PaStatus = 'valid' | 'invalid' | 'unknown-signer' | 'not-performed';
export type AaStatus = 'valid' | 'invalid' | 'not-supported' | 'not-performed';
export type CaStatus = 'valid' | 'invalid' | 'not-supported' | 'not-performed';

/** The chip part of `kiosk read` as the core needs it (per-protocol statuses, as commercial readers report). */
export interface ChipReadResult {
  chip?: { type: string; uid?: Uint8Array | string };
  accessControl: { protocol: 'PACE' | 'BAC'; status: string };
  /** DG1 parsed as `kiosk mrz` output, null when DG1 could not be read or parsed. */
  dg1: MrzResult | null;
  faceImage?: { format: 'jpeg' | 'jpeg2000'; width?: number; height?: number; bytes: Uint8Array } | null;
  passiveAuthentication: {
    status: PaStatus;
    signatureValid?: boolean;
    dataGroupHashes?: Record<string, boolean>;
    documentSigner?: Record<string, unknown>;
    reasons?: string[];
  };
  activeAuthentication: { status: AaStatus | string };
  chipAuthentication: { status: CaStatus | string };
  timings?: { totalMs: number; accessControlMs?: number; perFileMs?: Record<string, number> };
}

/** A document as the MRZ reader delivers it. */
export interface ScannedDocument {
  lines: string[];
  mrz: MrzResult;
  /** Data-page image when the scanner provides one (kept in memory only). */
  pageImage?: { format: 'png' | 'jpeg'; bytes: Uint8Array };
}

/** Chip read progress, as the reader reports it (bytes of the current file). */
export interface ChipProgress {
  file: string;
  bytesRead: number;
  totalBytes?: number;
  /** 0..1 over the whole read when the reader knows it. */
  fraction?: number;
}

/** A reason attached to a decision. `code` keys the plain-language texts in reasons.ts. */
export interface DecisionReason {
  code: string;
  /** The check the reason is about, when there is one. */
  check?: string;
  /** A short non-personal technical detail (error code, status). Never personal data. */
  detail?: string;
}

export interface Decision {
  outcome: KioskOutcome;
  policyVersion: string;
  reasons: DecisionReason[];
  evidence: CheckEvidence[];
  decidedAt: number;
}

/** Non-identifying group attributes for the fairness counters. */
export interface GroupAttributes {
  nationality: string;
  sex: string;
  ageBand: string;
}

/** Everything the decision was based on. Personal: stored sealed only. */
export interface DecisionInputs {
  mrz: MrzResult | null;
  mrzLines?: string[];
  chip: ChipReadResult | null;
  chipError?: { code: string; message: string } | null;
  checksError?: { code: string; message: string } | null;
  travellerRequestedReview: boolean;
}
