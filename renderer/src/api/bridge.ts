import {
  CONTRACT_VERSION,
  COMMANDS,
  parseEvent,
  parseResponse,
  ReplyMessage,
  type CommandName,
  type CommandResponse,
  type EventName,
  type EventPayload,
  type KioskApi,
} from '../../../main/contract/index.js';
import { ApiError } from './ws-client.js';

/** What the Electron preload exposes (renderer/preload/preload.ts). */
export interface RawBridge {
  send(message: unknown): Promise<unknown>;
  onEvent(listener: (message: unknown) => void): () => void;
  ready(): void;
}

/** The contract over the Electron preload's bridge, validated like the WebSocket carrier. */
export function wrapBridge(bridge: RawBridge): KioskApi {
  let nextId = 1;
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  bridge.onEvent((msg) => {
    try {
      const e = parseEvent(msg);
      listeners.get(e.name)?.forEach((l) => l(e.payload));
    } catch (err) {
      console.error('invalid event from host', err);
    }
  });
  return {
    async invoke<N extends CommandName>(name: N, payload: unknown): Promise<CommandResponse<N>> {
      const check = COMMANDS[name].request.safeParse(payload);
      if (!check.success) throw new ApiError('BAD_REQUEST', `invalid request for ${name}`);
      const reply = ReplyMessage.parse(await bridge.send({ type: 'command', v: CONTRACT_VERSION, id: nextId++, name, payload: check.data }));
      if (!reply.ok) throw new ApiError(reply.error.code, reply.error.message);
      return parseResponse(name, reply.result);
    },
    on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => set!.delete(l);
    },
    ready: () => bridge.ready(),
  };
}
