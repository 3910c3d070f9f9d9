import { z } from 'zod';
import { COMMANDS, EVENTS, isCommandName, isEventName, type CommandName, type CommandResponse, type EventName, type EventPayload } from './api.js';
import { CONTRACT_VERSION } from './schemas.js';

/**
 * The wire envelope, the same over Electron IPC (channel `kiosk:message`) and over the browser
 * host's WebSocket. Every message is JSON.
 */
export const IPC_CHANNEL_PREFIX = 'kiosk:';
export const IPC_COMMAND_CHANNEL = 'kiosk:command';
export const IPC_EVENT_CHANNEL = 'kiosk:event';
export const IPC_READY_CHANNEL = 'kiosk:ready';

export const CommandMessage = z.object({
  type: z.literal('command'),
  v: z.number().int(),
  id: z.number().int().nonnegative(),
  name: z.string(),
  payload: z.unknown(),
});
export type CommandMessage = z.infer<typeof CommandMessage>;

export const ErrorBody = z.object({ code: z.string(), message: z.string() });
export type ErrorBody = z.infer<typeof ErrorBody>;

export const ReplyMessage = z.union([
  z.object({ type: z.literal('reply'), id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ type: z.literal('reply'), id: z.number().int(), ok: z.literal(false), error: ErrorBody }),
]);
export type ReplyMessage = z.infer<typeof ReplyMessage>;

export const EventMessage = z.object({ type: z.literal('event'), v: z.number().int(), name: z.string(), payload: z.unknown() });
export type EventMessage = z.infer<typeof EventMessage>;

export const ReadyMessage = z.object({ type: z.literal('ready'), v: z.number().int() });

export class ContractError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ContractError';
  }
}

/** Validates an incoming command (host side). Throws ContractError with code BAD_COMMAND. */
export function parseCommand(msg: unknown): { id: number; name: CommandName; payload: unknown } {
  const m = CommandMessage.safeParse(msg);
  if (!m.success) throw new ContractError('BAD_COMMAND', 'malformed command message');
  if (m.data.v !== CONTRACT_VERSION) throw new ContractError('VERSION_MISMATCH', `contract version ${m.data.v}, host speaks ${CONTRACT_VERSION}`);
  if (!isCommandName(m.data.name)) throw new ContractError('UNKNOWN_COMMAND', `unknown command ${m.data.name}`);
  const p = COMMANDS[m.data.name].request.safeParse(m.data.payload ?? {});
  if (!p.success) throw new ContractError('BAD_REQUEST', `invalid request for ${m.data.name}: ${z.prettifyError(p.error)}`);
  return { id: m.data.id, name: m.data.name, payload: p.data };
}

/** Validates a command's result against its response schema (both sides). */
export function parseResponse<N extends CommandName>(name: N, result: unknown): CommandResponse<N> {
  const p = COMMANDS[name].response.safeParse(result);
  if (!p.success) throw new ContractError('BAD_RESPONSE', `invalid response for ${name}: ${z.prettifyError(p.error)}`);
  return p.data as CommandResponse<N>;
}

/** Validates an event (renderer side; the host validates before sending too). */
export function parseEvent(msg: unknown): { name: EventName; payload: EventPayload<EventName> } {
  const m = EventMessage.safeParse(msg);
  if (!m.success || !isEventName(m.data.name)) throw new ContractError('BAD_EVENT', 'malformed event message');
  const p = EVENTS[m.data.name].safeParse(m.data.payload);
  if (!p.success) throw new ContractError('BAD_EVENT', `invalid ${m.data.name} event: ${z.prettifyError(p.error)}`);
  return { name: m.data.name, payload: p.data };
}

export function makeEvent<N extends EventName>(name: N, payload: EventPayload<N>): EventMessage {
  const p = EVENTS[name].parse(payload);
  return { type: 'event', v: CONTRACT_VERSION, name, payload: p };
}

/** The API the renderer uses, whatever carries it (Electron preload or WebSocket). */
export interface KioskApi {
  invoke<N extends CommandName>(name: N, payload: z.input<(typeof COMMANDS)[N]['request']>): Promise<CommandResponse<N>>;
  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void;
  /** Tells the host the renderer is ready: queued events are delivered after this. */
  ready(): void;
}
