import { z } from 'zod';

export const CONTRACT_VERSION = 1;

/** UI languages. `ar` is written right to left. */
export const LANGUAGES = ['en', 'fr', 'es', 'ar', 'ru', 'zh'] as const;
export const Language = z.enum(LANGUAGES);
export type Language = z.infer<typeof Language>;
export const RTL_LANGUAGES: readonly Language[] = ['ar'];

export const CheckStatus = z.enum(['pass', 'fail', 'inconclusive', 'not-run']);

/** One check's evidence (../shared/ARCHITECTURE.md, "Decisions and evidence"). */
export const Evidence = z.object({
  check: z.string(),
  status: CheckStatus,
  score: z.number().optional(),
  threshold: z.number().optional(),
  modelVersion: z.string().optional(),
  reasonCode: z.string(),
  regions: z.array(z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number(), label: z.string().optional() })).optional(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type Evidence = z.infer<typeof Evidence>;

/** A reason as the traveller or officer sees it: the code and its plain-language text. */
export const Reason = z.object({ code: z.string(), text: z.string() });
export type Reason = z.infer<typeof Reason>;

/** What the traveller screens show. `phase` drives which screen is on. */
export const TravellerPhase = z.enum([
  'welcome',        // idle: language choice
  'notice',         // what will be read and why
  'place-document', // guidance to place the passport
  'reading-mrz',
  'reading-chip',   // with progress
  'checking',
  'clear',          // CLEAR: done
  'refer',          // please see an officer (reason + how to ask for review)
  'officer-called', // waiting for an officer (asked, or referred)
  'device-problem', // a scanner fault: what to do
  'closed',
]);
export type TravellerPhase = z.infer<typeof TravellerPhase>;

export const TravellerView = z.object({
  sessionId: z.string().nullable(),
  phase: TravellerPhase,
  language: Language,
  progress: z.object({ bytesRead: z.number(), totalBytes: z.number(), file: z.string().optional() }).nullable(),
  reasons: z.array(Reason),
  /** The timeout warning, when one is showing: seconds left and whether it can be extended. */
  timeout: z.object({ secondsLeft: z.number(), canExtend: z.boolean() }).nullable(),
  /** A message for device problems (already in the traveller's language). */
  message: z.string().nullable(),
  /** Set once the traveller asked for a review / an officer; the screen confirms it. */
  officerRequested: z.boolean(),
});
export type TravellerView = z.infer<typeof TravellerView>;

export const Role = z.enum(['officer', 'supervisor', 'technician']);
export type Role = z.infer<typeof Role>;

export const OfficerDecision = z.enum(['ADMIT', 'SECONDARY', 'REFUSE', 'RESCAN']);
export type OfficerDecision = z.infer<typeof OfficerDecision>;

export const DeviceStatus = z.object({
  name: z.string(),
  kind: z.enum(['mrz-scanner', 'nfc-reader', 'storage', 'models', 'trust-store', 'other']),
  status: z.enum(['ok', 'warning', 'error', 'unknown']),
  detail: z.string(),
  simulated: z.boolean().optional(),
});
export type DeviceStatus = z.infer<typeof DeviceStatus>;

export const QueueItem = z.object({
  caseId: z.string(),
  createdAt: z.string(),
  decision: z.enum(['CLEAR', 'REFER']),
  reasons: z.array(Reason),
  nationality: z.string().optional(),
  status: z.enum(['open', 'awaiting-confirmation', 'closed']),
});
export type QueueItem = z.infer<typeof QueueItem>;

export const ChipProtocolResult = z.object({ status: z.string(), detail: z.record(z.string(), z.unknown()).optional() });

export const CaseView = z.object({
  caseId: z.string(),
  /** open: waiting for an officer; awaiting-confirmation: four-eyes pending; closed: decided. */
  status: z.enum(['open', 'awaiting-confirmation', 'closed']),
  createdAt: z.string(),
  decision: z.enum(['CLEAR', 'REFER']),
  policyVersion: z.string(),
  reasons: z.array(Reason),
  mrz: z.record(z.string(), z.string()).nullable(),
  chip: z
    .object({
      accessControl: ChipProtocolResult.nullable(),
      passiveAuthentication: ChipProtocolResult.nullable(),
      activeAuthentication: ChipProtocolResult.nullable(),
      chipAuthentication: ChipProtocolResult.nullable(),
      dg1: z.record(z.string(), z.string()).nullable(),
    })
    .nullable(),
  evidence: z.array(Evidence),
  /** data: URLs (in memory only; absent once purged). */
  chipPhoto: z.string().nullable(),
  printedPhoto: z.string().nullable(),
  officerDecisions: z.array(
    z.object({ decision: OfficerDecision, reasonCode: z.string(), text: z.string(), officer: z.string(), at: z.string(), confirmedBy: z.string().nullable() }),
  ),
  pendingConfirmation: z.object({ decision: OfficerDecision, by: z.string() }).nullable(),
  audit: z.array(z.object({ seq: z.number(), at: z.string(), kind: z.string(), actor: z.string().nullable(), summary: z.string() })),
});
export type CaseView = z.infer<typeof CaseView>;
