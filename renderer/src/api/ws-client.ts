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

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The contract over the browser host's WebSocket. Requests are validated before they are sent,
 * replies and events when they arrive. Reconnects by itself if the host restarts.
 */
export function connectWebSocket(token: string): KioskApi {
  let ws: WebSocket | null = null;
  let nextId = 1;
  let isReady = false;
  const pending = new Map<number, { name: CommandName; resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const outbox: string[] = [];

  const connect = (): void => {
    const url = `ws://${location.host}/ws?token=${encodeURIComponent(token)}`;
    const sock = new WebSocket(url);
    ws = sock;
    sock.onopen = () => {
      if (isReady) sock.send(JSON.stringify({ type: 'ready', v: CONTRACT_VERSION }));
      for (const m of outbox.splice(0)) sock.send(m);
    };
    sock.onmessage = (ev) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if ((msg as { type?: string }).type === 'event') {
        try {
          const e = parseEvent(msg);
          listeners.get(e.name)?.forEach((l) => l(e.payload));
        } catch (err) {
          console.error('invalid event from host', err);
        }
        return;
      }
      const r = ReplyMessage.safeParse(msg);
      if (!r.success) return;
      const p = pending.get(r.data.id);
      if (!p) return;
      pending.delete(r.data.id);
      if (r.data.ok) {
        try {
          p.resolve(parseResponse(p.name, r.data.result));
        } catch (err) {
          p.reject(err as Error);
        }
      } else p.reject(new ApiError(r.data.error.code, r.data.error.message));
    };
    sock.onclose = () => {
      ws = null;
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(new ApiError('DISCONNECTED', 'connection to the kiosk service was lost'));
      }
      setTimeout(connect, 1000);
    };
  };
  connect();

  const send = (m: string): void => {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(m);
    else outbox.push(m);
  };

  return {
    invoke<N extends CommandName>(name: N, payload: unknown): Promise<CommandResponse<N>> {
      const check = COMMANDS[name].request.safeParse(payload);
      if (!check.success) return Promise.reject(new ApiError('BAD_REQUEST', `invalid request for ${name}`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { name, resolve: resolve as (v: unknown) => void, reject });
        send(JSON.stringify({ type: 'command', v: CONTRACT_VERSION, id, name, payload: check.data }));
      });
    },
    on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => set!.delete(l);
    },
    ready() {
      isReady = true;
      send(JSON.stringify({ type: 'ready', v: CONTRACT_VERSION }));
    },
  };
}
