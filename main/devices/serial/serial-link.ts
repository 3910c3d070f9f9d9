import { existsSync } from 'node:fs';
import { SerialPortStream } from '@serialport/stream';
import type { BindingInterface } from '@serialport/bindings-cpp';
import { DeviceError } from '../../base/errors.js';
import { nullLogger, type Logger } from '../../base/log.js';
import type { ByteLink, LinkStatus } from '../link.js';

/**
 * A ByteLink over a serial port (node-serialport's SerialPortStream) with an injected binding:
 * the native binding (@serialport/bindings-cpp autodetect) by default, @serialport/binding-mock in
 * unit tests. When the device goes away (the port closes with an error, or its path vanishes:
 * USB unplugged, socat stopped) the link reports `closed`, then `reconnecting` per attempt, and
 * reopens by itself when the path comes back (`open`). Data and status listeners survive
 * reconnects. Nothing is ever thrown out of an event handler.
 */
export interface SerialLinkOptions {
  path: string;
  baudRate: number;
  /** The serialport binding. Default: the native autodetect binding of @serialport/bindings-cpp. */
  binding?: BindingInterface;
  /** Reopen the port after it is lost, every intervalMs (default 250 ms). `false`: never reopen. */
  reconnect?: { intervalMs: number } | false;
  /**
   * Poll the port's path while open and treat its disappearance as an unplug (a pty whose socat
   * is gone may not fail a read at once). Default: true with the native binding, false with an
   * injected one (mock ports have no file).
   */
  watchPath?: boolean;
  log?: Logger;
}

export interface SerialLink extends ByteLink {
  readonly path: string;
  readonly baudRate: number;
  /** The current state: 'open', 'reconnecting' (lost, trying to reopen) or 'closed' (closed by the host). */
  readonly state: 'open' | 'reconnecting' | 'closed';
}

let nativeBinding: BindingInterface | undefined;
async function defaultBinding(): Promise<BindingInterface> {
  if (!nativeBinding) {
    const mod = await import('@serialport/bindings-cpp');
    nativeBinding = mod.autoDetect() as unknown as BindingInterface;
  }
  return nativeBinding;
}

/** Opens the port; rejects with DeviceError('SERIAL_OPEN_FAILED') when it cannot be opened now. */
export async function openSerialLink(opts: SerialLinkOptions): Promise<SerialLink> {
  if (!opts.path) throw new DeviceError('SERIAL_BAD_OPTIONS', 'a serial port path is needed');
  if (!Number.isInteger(opts.baudRate) || opts.baudRate <= 0) {
    throw new DeviceError('SERIAL_BAD_OPTIONS', 'the baud rate must be a positive whole number', { baudRate: opts.baudRate });
  }
  const binding = opts.binding ?? (await defaultBinding());
  const link = new SerialLinkImpl(opts, binding, opts.watchPath ?? opts.binding === undefined);
  await link.start();
  return link;
}

function openPort(binding: BindingInterface, path: string, baudRate: number): Promise<SerialPortStream> {
  return new Promise((resolve, reject) => {
    let port: SerialPortStream;
    try {
      port = new SerialPortStream({ binding, path, baudRate, autoOpen: false });
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    port.open((err) => (err ? reject(err) : resolve(port)));
  });
}

class SerialLinkImpl implements SerialLink {
  readonly path: string;
  readonly baudRate: number;
  state: 'open' | 'reconnecting' | 'closed' = 'closed';
  private port: SerialPortStream | undefined;
  private readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly statusListeners = new Set<(s: LinkStatus) => void>();
  private readonly log: Logger;
  private readonly intervalMs: number | undefined;
  private disposed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private watch: ReturnType<typeof setInterval> | undefined;
  private attempt = 0;
  private readonly pendingWrites = new Set<(e?: unknown) => void>();

  constructor(
    opts: SerialLinkOptions,
    private readonly binding: BindingInterface,
    private readonly watchPath: boolean,
  ) {
    this.path = opts.path;
    this.baudRate = opts.baudRate;
    this.log = (opts.log ?? nullLogger).child('serial');
    this.intervalMs = opts.reconnect === false ? undefined : Math.max(10, opts.reconnect?.intervalMs ?? 250);
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  async start(): Promise<void> {
    try {
      this.attach(await openPort(this.binding, this.path, this.baudRate));
    } catch (e) {
      throw new DeviceError('SERIAL_OPEN_FAILED', 'cannot open the serial port', { path: this.path, reason: errText(e) }, { cause: e });
    }
  }

  private attach(port: SerialPortStream): void {
    this.port = port;
    this.state = 'open';
    this.attempt = 0;
    port.on('data', (chunk: Buffer) => {
      if (this.port !== port) return;
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
      for (const l of [...this.dataListeners]) {
        try {
          l(bytes);
        } catch (e) {
          this.log.error('data listener threw', { error: errText(e) });
        }
      }
    });
    port.on('error', (err: Error) => {
      this.log.warn('serial port error', { error: err.message });
    });
    port.on('close', (err?: Error | null) => {
      if (this.port !== port) return;
      this.lost(err ? err.message : 'port closed');
    });
    if (this.watchPath) {
      this.watch = setInterval(() => {
        if (this.port === port && !existsSync(this.path)) this.lost('device path vanished');
      }, 100);
      this.watch.unref?.();
    }
  }

  /** The device went away: report it, release the port, and start reopening. */
  private lost(reason: string): void {
    if (this.disposed || this.state !== 'open') return;
    const port = this.port;
    this.port = undefined;
    this.stopWatch();
    this.state = 'reconnecting';
    this.failPendingWrites(reason);
    if (port?.isOpen) {
      port.close(() => {
        /* already lost; a close error changes nothing */
      });
    }
    this.log.warn('serial device lost', { path: this.path, reason });
    this.emitStatus({ state: 'closed', reason });
    if (this.intervalMs === undefined) {
      this.state = 'closed';
      return;
    }
    this.scheduleReconnect(0);
  }

  private scheduleReconnect(delay: number): void {
    if (this.disposed || this.intervalMs === undefined) return;
    this.timer = setTimeout(() => void this.tryReconnect(), delay);
  }

  private async tryReconnect(): Promise<void> {
    this.timer = undefined;
    if (this.disposed) return;
    this.attempt += 1;
    this.emitStatus({ state: 'reconnecting', attempt: this.attempt });
    let port: SerialPortStream | undefined;
    try {
      port = await openPort(this.binding, this.path, this.baudRate);
    } catch {
      this.scheduleReconnect(this.intervalMs ?? 250);
      return;
    }
    if (this.disposed) {
      port.close(() => {});
      return;
    }
    this.attach(port);
    this.log.info('serial device back', { path: this.path });
    this.emitStatus({ state: 'open' });
  }

  private stopWatch(): void {
    if (this.watch) clearInterval(this.watch);
    this.watch = undefined;
  }

  private emitStatus(s: LinkStatus): void {
    for (const l of [...this.statusListeners]) {
      try {
        l(s);
      } catch (e) {
        this.log.error('status listener threw', { error: errText(e) });
      }
    }
  }

  write(data: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port || this.state !== 'open') {
      return Promise.reject(new DeviceError('LINK_NOT_OPEN', 'the serial port is not open', { state: this.state }));
    }
    return new Promise((resolve, reject) => {
      // SerialPortStream queues writes and drains of a port that is not open until it opens
      // again, which a lost port object never does: pending writes are failed when it is lost.
      let settled = false;
      const settle = (e?: unknown): void => {
        if (settled) return;
        settled = true;
        this.pendingWrites.delete(settle);
        if (e === undefined) resolve();
        else if (e instanceof DeviceError) reject(e);
        else reject(new DeviceError('SERIAL_WRITE_FAILED', 'writing to the serial port failed', { reason: errText(e) }, { cause: e }));
      };
      this.pendingWrites.add(settle);
      try {
        port.write(Buffer.from(data), (err) => {
          if (err) return settle(err);
          port.drain((err2) => settle(err2 ?? undefined));
        });
      } catch (e) {
        settle(e);
      }
    });
  }

  private failPendingWrites(reason: string): void {
    for (const settle of [...this.pendingWrites]) settle(new DeviceError('LINK_LOST', 'the serial port went away during the write', { reason }));
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onStatus(listener: (status: LinkStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.stopWatch();
    const port = this.port;
    this.port = undefined;
    this.state = 'closed';
    this.failPendingWrites('closed by host');
    if (port?.isOpen) {
      await new Promise<void>((resolve) => port.close(() => resolve()));
    }
    this.emitStatus({ state: 'closed', reason: 'closed by host' });
  }
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
