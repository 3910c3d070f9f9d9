import { isKioskError } from '../../base/errors.js';
import type { Logger } from '../../base/log.js';
import { ContractError, parseCommand, parseResponse, type ReplyMessage } from '../../contract/index.js';
import type { ClientInfo, KioskBackend } from './backend.js';

/**
 * Validates a raw command message, runs it on the backend, validates the result, and builds the
 * reply. Never throws: every failure becomes `{ ok: false, error: { code, message } }`.
 */
export async function dispatchCommand(backend: KioskBackend, raw: unknown, client: ClientInfo, log: Logger): Promise<ReplyMessage> {
  let id = -1;
  if (raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'number') id = (raw as { id: number }).id;
  try {
    const cmd = parseCommand(raw);
    id = cmd.id;
    // The payload was validated against the command's request schema by parseCommand.
    const result = await backend.handle(cmd.name, cmd.payload as never, client);
    return { type: 'reply', id, ok: true, result: parseResponse(cmd.name, result) };
  } catch (e) {
    if (e instanceof ContractError || isKioskError(e)) {
      return { type: 'reply', id, ok: false, error: { code: e.code, message: e.message } };
    }
    log.error('command failed', { error: e instanceof Error ? e : new Error(String(e)) });
    return { type: 'reply', id, ok: false, error: { code: 'INTERNAL', message: 'internal error' } };
  }
}
