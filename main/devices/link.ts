import type { DeviceError } from '../base/errors.js';

/**
 * A byte link to a device: what the MRZ reader and the PN532 driver are written against.
 * main/devices/serial provides it over a serial port (with an injected serialport binding);
 * tests use createLinkPair() below or a real pty pair.
 */
export type LinkStatus =
  | { state: 'open' }
  | { state: 'closed'; reason?: string }
  | { state: 'reconnecting'; attempt: number }
  | { state: 'error'; error: DeviceError };

export interface ByteLink {
  /** Writes bytes; resolves once they are handed to the OS (drained). Rejects with DeviceError. */
  write(data: Uint8Array): Promise<void>;
  /** Subscribes to incoming bytes; returns the unsubscribe function. */
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /** Subscribes to status changes (opened, lost, reconnecting); returns the unsubscribe function. */
  onStatus(listener: (status: LinkStatus) => void): () => void;
  readonly isOpen: boolean;
  close(): Promise<void>;
}

/** Two in-memory links wired back to back (bytes written on one arrive on the other). */
export function createLinkPair(): [ByteLink, ByteLink] {
  const make = (): ByteLink & { peer?: ByteLink & { deliver(b: Uint8Array): void } } & { deliver(b: Uint8Array): void } => {
    const dataListeners = new Set<(c: Uint8Array) => void>();
    const statusListeners = new Set<(s: LinkStatus) => void>();
    let open = true;
    const link = {
      peer: undefined as unknown as ByteLink & { deliver(b: Uint8Array): void },
      deliver(b: Uint8Array) {
        if (!open) return;
        for (const l of [...dataListeners]) l(b);
      },
      async write(data: Uint8Array) {
        if (!open) throw new (await import('../base/errors.js')).DeviceError('LINK_CLOSED', 'link is closed');
        const copy = Uint8Array.from(data);
        setImmediate(() => link.peer.deliver(copy));
      },
      onData(l: (c: Uint8Array) => void) {
        dataListeners.add(l);
        return () => dataListeners.delete(l);
      },
      onStatus(l: (s: LinkStatus) => void) {
        statusListeners.add(l);
        return () => statusListeners.delete(l);
      },
      get isOpen() {
        return open;
      },
      async close() {
        if (!open) return;
        open = false;
        for (const l of [...statusListeners]) l({ state: 'closed', reason: 'closed by host' });
      },
    };
    return link;
  };
  const a = make();
  const b = make();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
