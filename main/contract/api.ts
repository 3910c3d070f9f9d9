import { z } from 'zod';
import { CaseView, DeviceStatus, Language, OfficerDecision, QueueItem, Role, TravellerView } from './schemas.js';

const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });

/** Officer and technician commands carry the token that signIn returned. */
const Authed = <T extends z.ZodRawShape>(shape: T) => z.object({ token: z.string().min(1), ...shape });

/**
 * Commands: renderer → host, each with a request and a response schema.
 * The host answers every command with either `{ ok: true, result }` or `{ ok: false, error }`.
 */
export const COMMANDS = {
  // Traveller
  'traveller.view': { request: Empty, response: TravellerView },
  'traveller.setLanguage': { request: z.object({ language: Language }), response: TravellerView },
  'traveller.start': { request: Empty, response: TravellerView },
  'traveller.acceptNotice': { request: Empty, response: TravellerView },
  'traveller.cancel': { request: Empty, response: TravellerView },
  'traveller.askOfficer': { request: Empty, response: TravellerView },
  'traveller.requestReview': { request: Empty, response: TravellerView },
  'traveller.extendTime': { request: Empty, response: TravellerView },
  // Officer
  'officer.signIn': {
    request: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
    response: z.object({ token: z.string(), username: z.string(), role: Role, expiresAt: z.string() }),
  },
  'officer.signOut': { request: Authed({}), response: Ok },
  'officer.queue': { request: Authed({}), response: z.object({ items: z.array(QueueItem) }) },
  'officer.case': { request: Authed({ caseId: z.string() }), response: CaseView },
  'officer.decide': {
    request: Authed({
      caseId: z.string(),
      decision: OfficerDecision,
      reasonCode: z.string().min(1),
      text: z.string().min(1).max(2000),
    }),
    response: z.object({ status: z.enum(['recorded', 'awaiting-confirmation']), case: CaseView }),
  },
  'officer.confirm': {
    request: Authed({ caseId: z.string(), approve: z.boolean(), text: z.string().max(2000).default('') }),
    response: z.object({ status: z.enum(['recorded', 'rejected']), case: CaseView }),
  },
  'officer.reasonCodes': {
    request: Authed({}),
    response: z.object({ codes: z.array(z.object({ code: z.string(), text: z.string(), decisions: z.array(OfficerDecision) })) }),
  },
  'officer.stats': {
    request: Authed({}),
    response: z.object({
      rows: z.array(z.object({ group: z.string(), value: z.string(), outcome: z.string(), count: z.number() })),
    }),
  },
  // Technician
  'tech.status': { request: Authed({}), response: z.object({ devices: z.array(DeviceStatus) }) },
  'tech.selfTest': { request: Authed({}), response: z.object({ devices: z.array(DeviceStatus) }) },
  'tech.models': {
    request: Authed({}),
    response: z.object({ models: z.array(z.object({ id: z.string(), version: z.string(), status: z.string(), detail: z.string() })) }),
  },
  'tech.trustList': {
    request: Authed({}),
    response: z.object({
      entries: z.array(z.object({ kind: z.string(), subject: z.string(), country: z.string().optional(), notAfter: z.string().optional(), status: z.string() })),
      alerts: z.array(z.string()),
    }),
  },
  'tech.trustImport': {
    request: Authed({ fileName: z.string().min(1).max(255), base64: z.string().min(1) }),
    response: z.object({ imported: z.number(), messages: z.array(z.string()) }),
  },
  'tech.storage': {
    request: Authed({}),
    response: z.object({
      databaseBytes: z.number(),
      freeBytes: z.number().nullable(),
      retention: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])),
      counts: z.record(z.string(), z.number()),
      auditChain: z.object({ ok: z.boolean(), entries: z.number(), firstBroken: z.number().nullable() }),
    }),
  },
  'tech.runRetention': { request: Authed({}), response: z.object({ purged: z.record(z.string(), z.number()) }) },
  'tech.logs': { request: Authed({ limit: z.number().int().min(1).max(1000).default(200) }), response: z.object({ lines: z.array(z.string()) }) },
} as const;

export type CommandName = keyof typeof COMMANDS;
export type CommandRequest<N extends CommandName> = z.input<(typeof COMMANDS)[N]['request']>;
export type CommandResponse<N extends CommandName> = z.infer<(typeof COMMANDS)[N]['response']>;

/** Events: host → renderer. Device events raised before the renderer is ready are queued by the host. */
export const EVENTS = {
  'traveller.view': TravellerView,
  'devices.status': z.object({ devices: z.array(DeviceStatus) }),
  'officer.queueChanged': z.object({ open: z.number() }),
} as const;

export type EventName = keyof typeof EVENTS;
export type EventPayload<N extends EventName> = z.infer<(typeof EVENTS)[N]>;

export function isCommandName(s: string): s is CommandName {
  return Object.prototype.hasOwnProperty.call(COMMANDS, s);
}

export function isEventName(s: string): s is EventName {
  return Object.prototype.hasOwnProperty.call(EVENTS, s);
}
