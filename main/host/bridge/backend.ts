import type { CommandName, CommandRequest, CommandResponse, EventMessage } from '../../contract/index.js';

/** Who sent a command (for auditing and for checking the sender). */
export interface ClientInfo {
  id: string;
  transport: 'websocket' | 'electron-ipc';
}

/**
 * The services behind the contract, shared by the browser host and the Electron shell:
 * one implementation (over the kiosk runtime), two carriers.
 */
export interface KioskBackend {
  handle<N extends CommandName>(name: N, payload: CommandRequest<N>, client: ClientInfo): Promise<CommandResponse<N>>;
  /** Every event for the renderer; the carrier queues them until its renderer says it is ready. */
  subscribe(listener: (event: EventMessage) => void): () => void;
}
