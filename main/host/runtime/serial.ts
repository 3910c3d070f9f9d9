/**
 * Real serial devices for the runtime: an MRZ scanner (any supported framing) and a PN532 NFC
 * module, each on a serial port. The same code drives the simulators over socat pty pairs.
 */
import type { Clock } from '../../base/clock.js';
import { nullLogger, type Logger } from '../../base/log.js';
import type { TrustStore } from '../../emrtd/pki/index.js';
import { MrzReader, type FramingMode } from '../../devices/mrz-reader/index.js';
import { Pn532, Pn532CardTransport } from '../../devices/pn532/index.js';
import { openSerialLink, type SerialLink } from '../../devices/serial/index.js';
import type { ChipReaderPort, DocumentSourceEvent, MrzResult } from '../../kiosk/index.js';
import { parseMrz } from '../../mrz/index.js';
import { emrtdChipReader } from './adapters.js';
import type { CustomDevicesConfig } from './types.js';

export interface SerialDevicesConfig {
  mrz: { path: string; baudRate?: number; framing?: FramingMode; dedupWindowMs?: number };
  nfc: { path: string; baudRate?: number };
  /** How long to wait for a chip in the field once the MRZ was read. Default 5000 ms. */
  chipWaitMs?: number;
  trustStore: TrustStore;
  clock: Clock;
  logger?: Logger;
}

/** Opens both devices; the result plugs into createKioskRuntime({ devices }). */
export async function openSerialDevices(cfg: SerialDevicesConfig): Promise<CustomDevicesConfig> {
  const log = (cfg.logger ?? nullLogger).child('devices');
  const links: SerialLink[] = [];
  try {
    const mrzLink = await openSerialLink({ path: cfg.mrz.path, baudRate: cfg.mrz.baudRate ?? 9600, reconnect: { intervalMs: 250 }, log });
    links.push(mrzLink);
    const reader = new MrzReader<MrzResult>(mrzLink, { framing: cfg.mrz.framing ?? 'auto', parse: (lines) => parseMrz(lines), log, clock: cfg.clock, ...(cfg.mrz.dedupWindowMs !== undefined ? { dedupWindowMs: cfg.mrz.dedupWindowMs } : {}) });
    const listeners = new Set<(e: DocumentSourceEvent) => void>();
    const emit = (e: DocumentSourceEvent): void => {
      for (const l of [...listeners]) l(e);
    };
    reader.on('document', (d) => {
      emit({ type: 'document-present' });
      emit({ type: 'document', document: { lines: d.lines, mrz: d.result } });
    });
    reader.on('status', (s) => {
      if (s.state === 'connected') emit({ type: 'recovered' });
      else if (s.state === 'disconnected') emit({ type: 'fault', code: 'SCANNER_DISCONNECTED' });
    });
    reader.on('error', (e) => log.warn('MRZ scanner framing error', { code: e.code }));

    const nfcLink = await openSerialLink({ path: cfg.nfc.path, baudRate: cfg.nfc.baudRate ?? 115200, reconnect: { intervalMs: 250 }, log });
    links.push(nfcLink);
    const pn = new Pn532({ link: nfcLink, log });
    await pn.init();
    const transport = new Pn532CardTransport({ pn532: pn, pollIntervalMs: 50, log });
    const inner = emrtdChipReader({ transport: () => transport, trustStore: cfg.trustStore, clock: cfg.clock, logger: log });
    const chip: ChipReaderPort = {
      async read(key, opts) {
        await transport.connect({ timeoutMs: cfg.chipWaitMs ?? 5000, ...(opts.signal ? { signal: opts.signal } : {}) });
        try {
          return await inner.read(key, opts);
        } finally {
          await transport.release().catch(() => undefined);
        }
      },
    };
    return {
      kind: 'custom',
      documents: {
        subscribe: (l) => {
          listeners.add(l);
          return () => listeners.delete(l);
        },
      },
      chip,
      async close() {
        reader.stop();
        pn.close();
        for (const l of links) await l.close().catch(() => undefined);
      },
    };
  } catch (e) {
    for (const l of links) await l.close().catch(() => undefined);
    throw e;
  }
}
