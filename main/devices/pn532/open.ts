/**
 * One call for the composition roots (kiosk read, kiosk doctor, the kiosk host): open the serial
 * port, wake the PN532 up and configure it, and hand back the driver and the APDU transport.
 */
import type { BindingInterface } from '@serialport/bindings-cpp';
import { nullLogger, type Logger } from '../../base/log.js';
import { openSerialLink, type SerialLink } from '../serial/index.js';
import { Pn532CardTransport, type Pn532CardTransportOptions } from './card-transport.js';
import { Pn532, type FirmwareVersion, type Pn532Options } from './driver.js';

export interface OpenPn532Options {
  path: string;
  /** HSU baud rate; the PN532 starts at 115200. */
  baudRate?: number;
  binding?: BindingInterface;
  log?: Logger;
  driver?: Omit<Pn532Options, 'link' | 'log'>;
  transport?: Omit<Pn532CardTransportOptions, 'pn532' | 'log'>;
}

export interface OpenedPn532 {
  link: SerialLink;
  pn532: Pn532;
  transport: Pn532CardTransport;
  firmware: FirmwareVersion;
  /** Releases the card (best effort), stops the driver and closes the port. */
  close(): Promise<void>;
}

/**
 * Rejects with DeviceError 'SERIAL_OPEN_FAILED' when the port cannot be opened, 'PN532_NO_ACK'
 * when nothing on it acknowledges PN532 frames, TimeoutError when it acknowledges but never answers.
 */
export async function openPn532(opts: OpenPn532Options): Promise<OpenedPn532> {
  const log = opts.log ?? nullLogger;
  const link = await openSerialLink({ path: opts.path, baudRate: opts.baudRate ?? 115200, ...(opts.binding ? { binding: opts.binding } : {}), log });
  const pn532 = new Pn532({ ...opts.driver, link, log: log.child('pn532') });
  let firmware: FirmwareVersion;
  try {
    firmware = await pn532.init();
  } catch (e) {
    pn532.close();
    await link.close().catch(() => undefined);
    throw e;
  }
  log.info('PN532 ready', { ic: firmware.ic, version: `${firmware.ver}.${firmware.rev}` });
  const transport = new Pn532CardTransport({ ...opts.transport, pn532, log: log.child('card') });
  return {
    link,
    pn532,
    transport,
    firmware,
    async close() {
      await pn532.inRelease(0, { timeoutMs: 200 }).catch(() => undefined);
      pn532.close();
      await link.close().catch(() => undefined);
    },
  };
}
