/**
 * The kiosk's real devices on serial ports: the MRZ scanner (main/devices/mrz-reader) as a
 * DocumentSource and the PN532 NFC reader (main/devices/pn532) as a ChipReaderPort over
 * main/emrtd (through the runtime's emrtdChipReader adapter). The same code drives real hardware
 * and the simulators on ptys (./simulated.ts).
 *
 * Failure behaviour (do no harm: the kiosk tells the traveller and refers, it never crashes):
 * - A port that cannot be opened at start is retried in the background; meanwhile status() says
 *   'error' and the document source reports a fault (scanner) / chip reads reject (reader).
 * - Scanner unplugged → `fault` (SCANNER_DISCONNECTED); back → `recovered`. A new subscriber
 *   hears the current fault at once (a fault before the core subscribed is not lost).
 * - Framing errors of one read (noise, bad BCC) are logged by code only: the traveller simply
 *   places the document again; they are not scanner faults.
 * - PN532 that does not answer at start: retried at the next chip read; the read rejects with
 *   READER_UNAVAILABLE meanwhile (the core refers).
 */
import type { BindingInterface } from '@serialport/bindings-cpp';
import type { Clock } from '../../base/clock.js';
import { DeviceError, KioskError, asKioskError } from '../../base/errors.js';
import { nullLogger, type Logger } from '../../base/log.js';
import { MrzReader, type MrzReaderStatus } from '../../devices/mrz-reader/index.js';
import { Pn532, Pn532CardTransport, type FirmwareVersion } from '../../devices/pn532/index.js';
import { openSerialLink, type SerialLink } from '../../devices/serial/index.js';
import type { TrustStore } from '../../emrtd/pki/index.js';
import type { ChipReaderPort, DocumentSource, DocumentSourceEvent } from '../../kiosk/index.js';
import { parseMrz } from '../../mrz/index.js';
import type { MrzResult } from '../../mrz/types.js';
import { emrtdChipReader } from '../runtime/adapters.js';

/** The device status shape of main/contract (DeviceStatus), copied so device code stays contract-free. */
export interface DeviceStatus {
  name: string;
  kind: 'mrz-scanner' | 'nfc-reader' | 'storage' | 'models' | 'trust-store' | 'other';
  status: 'ok' | 'warning' | 'error' | 'unknown';
  detail: string;
  simulated?: boolean;
}

export type MrzFraming = 'auto' | 'lines' | 'stx-etx' | 'fs-gs' | 'rte';

/** What openSerialDevices needs (KioskConfig.devices fits; baud rates and framing have defaults). */
export interface SerialDevicesInput {
  mrz?: { port: string; baudRate?: number; framing?: MrzFraming };
  /**
   * ackTimeoutMs: how long the PN532 driver waits for the module's ACK before resending the
   * command (driver default 100 ms; UM0701-02 says 15). A resend after an ACK that was merely
   * late makes the chip run the APDU twice, so a loaded host or a slow USB adapter wants more.
   */
  nfc?: { port: string; baudRate?: number; ackTimeoutMs?: number };
}

export interface SerialDevicesDeps {
  trustStore: TrustStore;
  clock: Clock;
  log?: Logger;
  /** Injected serialport binding (tests); default the native one. */
  binding?: BindingInterface;
  /** Retry interval for ports that are absent or lost. Default 250 ms. */
  reconnectIntervalMs?: number;
  /** How long a chip read waits for a card in the field (unless aborted first). Default 60 s. */
  cardWaitMs?: number;
  /** Passed to readPassport: how long a lifted passport may be away. Default 5 s. */
  resumeTimeoutMs?: number;
  /** Marks the statuses as simulated (the simulators on ptys). */
  simulated?: boolean;
  /** Same-document window of the MRZ reader (ms). Default 3000. */
  dedupWindowMs?: number;
}

export interface SerialDevices {
  documents: DocumentSource;
  chip: ChipReaderPort;
  /** A snapshot of the devices' states (no I/O): the MRZ scanner first, then the NFC reader (a warning line when not configured). */
  status(): DeviceStatus[];
  /** Talks to the devices: MRZ port open?, PN532 GetFirmwareVersion. */
  selfTest(): Promise<DeviceStatus[]>;
  /** Counters for the technician: documents read, last framing error, PN532 link statistics. */
  stats(): SerialDevicesStats;
  close(): Promise<void>;
}

export interface SerialDevicesStats {
  mrz: { documents: number; lastErrorCode: string | null } | null;
  nfc: { commands: number; resends: number; nacks: number; formatErrors: number; skippedBytes: number; bytesOut: number; bytesIn: number } | null;
}

const MRZ_NAME = 'MRZ scanner';
const NFC_NAME = 'NFC reader (PN532)';

/** Opens a serial link, retrying in the background until it opens (or `stop` is called). */
function openEventually(
  opts: { path: string; baudRate: number; binding?: BindingInterface; intervalMs: number; log: Logger },
  onOpen: (link: SerialLink) => void,
  onFirstFailure: (e: DeviceError) => void,
): { stop(): void; ready: Promise<void> } {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let first = true;
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  const attempt = async (): Promise<void> => {
    timer = undefined;
    if (stopped) return;
    try {
      const link = await openSerialLink({
        path: opts.path,
        baudRate: opts.baudRate,
        reconnect: { intervalMs: opts.intervalMs },
        log: opts.log,
        ...(opts.binding ? { binding: opts.binding } : {}),
      });
      if (stopped) {
        await link.close();
        return;
      }
      onOpen(link);
      resolveReady();
    } catch (e) {
      if (first) {
        first = false;
        onFirstFailure(e instanceof DeviceError ? e : new DeviceError('SERIAL_OPEN_FAILED', 'cannot open the serial port', { path: opts.path }, { cause: e }));
        resolveReady();
      }
      if (!stopped) timer = setTimeout(() => void attempt(), opts.intervalMs);
    }
  };
  void attempt();
  return {
    ready,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/** The MRZ scanner as a DocumentSource. */
class SerialDocumentSource implements DocumentSource {
  private readonly listeners = new Set<(e: DocumentSourceEvent) => void>();
  link: SerialLink | null = null;
  reader: MrzReader<MrzResult> | null = null;
  fault: { code: string; message: string } | null = null;
  lastError: string | null = null;
  documents = 0;

  subscribe(l: (e: DocumentSourceEvent) => void): () => void {
    this.listeners.add(l);
    const f = this.fault;
    if (f) queueMicrotask(() => this.listeners.has(l) && this.fault === f && safeCall(l, { type: 'fault', code: f.code, message: f.message }));
    return () => this.listeners.delete(l);
  }

  emit(e: DocumentSourceEvent): void {
    for (const l of [...this.listeners]) safeCall(l, e);
  }

  setFault(code: string, message: string): void {
    if (this.fault?.code === code) return;
    this.fault = { code, message };
    this.emit({ type: 'fault', code, message });
  }

  clearFault(): void {
    if (!this.fault) return;
    this.fault = null;
    this.emit({ type: 'recovered' });
  }
}

function safeCall<T>(l: (e: T) => void, e: T): void {
  try {
    l(e);
  } catch {
    /* a listener's own problem; the device keeps running */
  }
}

function firmwareText(fw: FirmwareVersion): string {
  const ic = fw.ic === 0x32 ? 'PN532' : `PN5${fw.ic.toString(16).toUpperCase()}`;
  return `${ic} v${fw.ver}.${fw.rev}`;
}

/** Opens the configured serial devices. Resolves once each port has been tried once. */
export async function openSerialDevices(cfg: SerialDevicesInput, deps: SerialDevicesDeps): Promise<SerialDevices> {
  const log = (deps.log ?? nullLogger).child('devices');
  const intervalMs = deps.reconnectIntervalMs ?? 250;
  const simulated = deps.simulated === true ? { simulated: true } : {};
  const openers: Array<{ stop(): void }> = [];
  const readies: Promise<void>[] = [];

  // ------------------------------------------------------------------ MRZ scanner
  const documents = new SerialDocumentSource();
  const mrzCfg = cfg.mrz ? { port: cfg.mrz.port, baudRate: cfg.mrz.baudRate ?? 9600, framing: cfg.mrz.framing ?? 'auto' } : null;
  if (mrzCfg) {
    const o = openEventually(
      { path: mrzCfg.port, baudRate: mrzCfg.baudRate, intervalMs, log, ...(deps.binding ? { binding: deps.binding } : {}) },
      (link) => {
        documents.link = link;
        const reader = new MrzReader<MrzResult>(link, {
          parse: (lines) => parseMrz(lines),
          framing: mrzCfg.framing,
          clock: deps.clock,
          log,
          ...(deps.dedupWindowMs !== undefined ? { dedupWindowMs: deps.dedupWindowMs } : {}),
        });
        documents.reader = reader;
        reader.on('document', (d) => {
          documents.documents++;
          documents.emit({ type: 'document-present' });
          documents.emit({ type: 'document', document: { lines: [...d.lines], mrz: d.result } });
        });
        reader.on('error', (e) => {
          documents.lastError = e.code;
          log.info('MRZ read error (the traveller may place the document again)', { code: e.code });
        });
        reader.on('status', (s: MrzReaderStatus) => {
          if (s.state === 'disconnected') documents.setFault('SCANNER_DISCONNECTED', 'the MRZ scanner is not connected');
          else if (s.state === 'connected') documents.clearFault();
        });
        documents.clearFault();
        log.info('MRZ scanner open', { port: mrzCfg.port, framing: mrzCfg.framing });
      },
      (e) => {
        log.warn('MRZ scanner port cannot be opened; retrying', { port: mrzCfg.port, code: e.code });
        documents.setFault('SCANNER_UNAVAILABLE', 'the MRZ scanner port cannot be opened');
      },
    );
    openers.push(o);
    readies.push(o.ready);
  }

  // ------------------------------------------------------------------ PN532
  const nfcCfg = cfg.nfc ? { port: cfg.nfc.port, baudRate: cfg.nfc.baudRate ?? 115200, ackTimeoutMs: cfg.nfc.ackTimeoutMs } : null;
  const nfc = {
    link: null as SerialLink | null,
    pn532: null as Pn532 | null,
    transport: null as Pn532CardTransport | null,
    firmware: null as FirmwareVersion | null,
    error: null as string | null,
    linkDown: false,
  };
  let initRun: Promise<void> | null = null;
  let nfcOpenedLate = false;
  const initPn532 = (): Promise<void> => {
    if (!nfc.pn532) return Promise.reject(new DeviceError('READER_UNAVAILABLE', 'the NFC reader port is not open'));
    if (nfc.firmware) return Promise.resolve();
    if (!initRun) {
      const pn = nfc.pn532;
      initRun = pn
        .init()
        .then((fw) => {
          nfc.firmware = fw;
          nfc.error = null;
          log.info('NFC reader ready', { firmware: firmwareText(fw) });
        })
        .catch((e: unknown) => {
          const k = asKioskError(e, 'DEVICE');
          nfc.error = k.code;
          log.warn('NFC reader does not answer', { code: k.code });
          throw new DeviceError('READER_UNAVAILABLE', 'the NFC reader does not answer', { cause: k.code }, { cause: e });
        })
        .finally(() => {
          initRun = null;
        });
    }
    return initRun;
  };
  // A module that did not answer yet (still powering up, or its port came back before it did):
  // ask again every second while its port is open, so status() turns ok without waiting for a read.
  let wakeTimer: ReturnType<typeof setTimeout> | undefined;
  let closing = false;
  const keepWaking = (): void => {
    if (wakeTimer || closing) return;
    const attempt = (): void => {
      wakeTimer = undefined;
      if (closing || nfc.firmware || !nfc.link?.isOpen) return;
      initPn532().catch(() => {
        if (!closing && !nfc.firmware && nfc.link?.isOpen) wakeTimer = setTimeout(attempt, 1000);
      });
    };
    attempt();
  };
  if (nfcCfg) {
    const o = openEventually(
      { path: nfcCfg.port, baudRate: nfcCfg.baudRate, intervalMs, log, ...(deps.binding ? { binding: deps.binding } : {}) },
      (link) => {
        nfc.link = link;
        nfc.pn532 = new Pn532({ link, baudRate: nfcCfg.baudRate, log, ...(nfcCfg.ackTimeoutMs !== undefined ? { ackTimeoutMs: nfcCfg.ackTimeoutMs } : {}) });
        nfc.transport = new Pn532CardTransport({ pn532: nfc.pn532, log });
        nfc.error = null;
        // Opened late (the port appeared after start): wake the module now, not at the first read.
        if (nfcOpenedLate) keepWaking();
        link.onStatus((s) => {
          nfc.linkDown = s.state !== 'open';
          if (s.state === 'open' && !nfc.firmware) keepWaking();
          if (s.state === 'closed') log.warn('NFC reader disconnected', { reason: s.reason });
        });
      },
      (e) => {
        nfcOpenedLate = true;
        nfc.error = e.code;
        log.warn('NFC reader port cannot be opened; retrying', { port: nfcCfg.port, code: e.code });
      },
    );
    openers.push(o);
    readies.push(o.ready.then(() => initPn532().catch(() => keepWaking())));
  }

  // The chip port: one read at a time; the transport waits for a card until it comes or the read is aborted.
  let currentSignal: AbortSignal | undefined;
  let chipQueue: Promise<unknown> = Promise.resolve();
  const cardWaitMs = deps.cardWaitMs ?? 60_000;
  const inner = emrtdChipReader({
    trustStore: deps.trustStore,
    clock: deps.clock,
    logger: log,
    ...(deps.resumeTimeoutMs !== undefined ? { resumeTimeoutMs: deps.resumeTimeoutMs } : {}),
    transport: async () => {
      if (!nfcCfg) throw new KioskError('NO_CHIP', 'no NFC reader is configured');
      await initPn532();
      const t = nfc.transport!;
      await t.connect({ timeoutMs: cardWaitMs, ...(currentSignal ? { signal: currentSignal } : {}) });
      return t;
    },
  });
  const chip: ChipReaderPort = {
    read(key, opts) {
      const run = async (): Promise<Awaited<ReturnType<ChipReaderPort['read']>>> => {
        currentSignal = opts.signal;
        try {
          return await inner.read(key, opts);
        } finally {
          currentSignal = undefined;
          // Drop the chip's session: the next read starts from a fresh activation.
          await nfc.transport?.release().catch(() => undefined);
        }
      };
      const p = chipQueue.then(run, run);
      chipQueue = p.catch(() => undefined);
      return p;
    },
  };

  await Promise.all(readies);

  const status = (): DeviceStatus[] => {
    const out: DeviceStatus[] = [];
    if (mrzCfg) {
      const link = documents.link;
      if (link?.isOpen) out.push({ name: MRZ_NAME, kind: 'mrz-scanner', status: 'ok', detail: `connected on ${mrzCfg.port} (${mrzCfg.framing}, ${mrzCfg.baudRate} baud)`, ...simulated });
      else if (link) out.push({ name: MRZ_NAME, kind: 'mrz-scanner', status: 'error', detail: `disconnected from ${mrzCfg.port}: reconnecting`, ...simulated });
      else out.push({ name: MRZ_NAME, kind: 'mrz-scanner', status: 'error', detail: `cannot open ${mrzCfg.port}: retrying`, ...simulated });
    } else {
      out.push({ name: MRZ_NAME, kind: 'mrz-scanner', status: 'warning', detail: 'not configured', ...simulated });
    }
    if (nfcCfg) {
      if (!nfc.link) out.push({ name: NFC_NAME, kind: 'nfc-reader', status: 'error', detail: `cannot open ${nfcCfg.port}: retrying`, ...simulated });
      else if (!nfc.link.isOpen) out.push({ name: NFC_NAME, kind: 'nfc-reader', status: 'error', detail: `disconnected from ${nfcCfg.port}: reconnecting`, ...simulated });
      else if (nfc.firmware) out.push({ name: NFC_NAME, kind: 'nfc-reader', status: 'ok', detail: `${firmwareText(nfc.firmware)} on ${nfcCfg.port}`, ...simulated });
      else out.push({ name: NFC_NAME, kind: 'nfc-reader', status: 'error', detail: `no answer on ${nfcCfg.port}${nfc.error ? ` (${nfc.error})` : ''}`, ...simulated });
    } else {
      out.push({ name: NFC_NAME, kind: 'nfc-reader', status: 'warning', detail: 'not configured: chips cannot be read, travellers are referred', ...simulated });
    }
    return out;
  };

  const selfTest = async (): Promise<DeviceStatus[]> => {
    const base = status();
    if (nfcCfg && nfc.pn532 && nfc.link?.isOpen) {
      const i = base.findIndex((s) => s.kind === 'nfc-reader');
      try {
        await initPn532();
        const fw = await nfc.pn532.getFirmwareVersion();
        nfc.firmware = fw;
        base[i] = { name: NFC_NAME, kind: 'nfc-reader', status: 'ok', detail: `${firmwareText(fw)} on ${nfcCfg.port}`, ...simulated };
      } catch (e) {
        const k = asKioskError(e, 'DEVICE');
        nfc.firmware = null;
        base[i] = { name: NFC_NAME, kind: 'nfc-reader', status: 'error', detail: `no answer to GetFirmwareVersion on ${nfcCfg.port} (${k.code})`, ...simulated };
      }
    }
    return base;
  };

  let closed = false;
  return {
    documents,
    chip,
    status,
    selfTest,
    stats: () => ({
      mrz: mrzCfg ? { documents: documents.documents, lastErrorCode: documents.lastError } : null,
      nfc: nfc.pn532 ? { ...nfc.pn532.stats } : null,
    }),
    async close() {
      if (closed) return;
      closed = true;
      closing = true;
      if (wakeTimer) clearTimeout(wakeTimer);
      for (const o of openers) o.stop();
      documents.reader?.stop();
      nfc.pn532?.close();
      await Promise.all([documents.link?.close(), nfc.link?.close()].map((p) => p?.catch(() => undefined)));
    },
  };
}
