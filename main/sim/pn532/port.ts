/**
 * Runs the simulated PN532 on a serial port (typically one end of a socat pty pair).
 *
 * main/sim may not import main/devices (layer rule), so by default the port is opened here with
 * @serialport/stream and the native binding; a composition root (main/host) that wants the
 * reconnecting transport passes `openLink` (e.g. `(p, b) => openSerialLink({ path: p, baudRate: b })`).
 */
import type { BindingInterface } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';
import { DeviceError } from '../../base/errors.js';
import type { Logger } from '../../base/log.js';
import { startPn532Simulator, type Pn532Field, type Pn532Simulator, type Pn532SimulatorOptions, type SimByteLink } from './simulator.js';

export interface Pn532SimulatorPortOptions extends Omit<Pn532SimulatorOptions, 'link'> {
  path: string;
  /** Injected serialport binding (default: the native @serialport/bindings-cpp autodetect binding). */
  binding?: BindingInterface;
  /** Opens the link another way (e.g. main/devices/serial openSerialLink from a composition root). */
  openLink?: (path: string, baudRate: number) => Promise<SimByteLink>;
  field: Pn532Field;
  log?: Logger;
}

export interface Pn532SimulatorOnPort extends Pn532Simulator {
  readonly link: SimByteLink;
  /** Stops the simulator and closes the port. */
  close(): Promise<void>;
}

export async function openPn532SimulatorOnPort(opts: Pn532SimulatorPortOptions): Promise<Pn532SimulatorOnPort> {
  const link = opts.openLink ? await opts.openLink(opts.path, opts.baudRate) : await openStreamLink(opts.path, opts.baudRate, opts.binding);
  const { path: _path, binding: _binding, openLink: _openLink, ...simOpts } = opts;
  const sim = startPn532Simulator({ ...simOpts, link });
  return {
    link,
    get stats() {
      return sim.stats;
    },
    get asleep() {
      return sim.asleep;
    },
    inject: (b) => sim.inject(b),
    stop: (o) => sim.stop(o),
    close: () => sim.stop({ closeLink: true }),
  };
}

async function openStreamLink(path: string, baudRate: number, binding?: BindingInterface): Promise<SimByteLink> {
  const b = binding ?? (await import('@serialport/bindings-cpp')).autoDetect();
  const port = await new Promise<SerialPortStream>((resolve, reject) => {
    let p: SerialPortStream;
    try {
      p = new SerialPortStream({ binding: b, path, baudRate, autoOpen: false });
    } catch (e) {
      reject(e);
      return;
    }
    p.open((err) => (err ? reject(err) : resolve(p)));
  }).catch((e: unknown) => {
    throw new DeviceError('SERIAL_OPEN_FAILED', 'cannot open the serial port', { path, reason: e instanceof Error ? e.message : String(e) }, { cause: e });
  });
  const listeners = new Set<(c: Uint8Array) => void>();
  port.on('data', (chunk: Buffer) => {
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    for (const l of [...listeners]) l(bytes);
  });
  port.on('error', () => undefined);
  return {
    get isOpen() {
      return port.isOpen;
    },
    write(data: Uint8Array): Promise<void> {
      return new Promise((resolve, reject) => {
        if (!port.isOpen) {
          reject(new DeviceError('LINK_CLOSED', 'the serial port is closed'));
          return;
        }
        port.write(Buffer.from(data), (err) => {
          if (err) reject(new DeviceError('SERIAL_WRITE_FAILED', 'write to the serial port failed', { reason: err.message }));
          else port.drain(() => resolve());
        });
      });
    },
    onData(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close(): Promise<void> {
      return new Promise((resolve) => {
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      });
    },
  };
}
