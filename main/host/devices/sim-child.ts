/**
 * The simulated devices' side of the pty pairs, run as a child process by startSimulatedDevices
 * (./simulated.ts): the MRZ scanner simulator and the simulated PN532 with its virtual chip.
 *
 * Why a process of its own: a real PN532 answers from its own silicon. In the kiosk's thread, the
 * virtual chip's PACE arithmetic (pure JavaScript, tens of ms) would hold the event loop just
 * after the simulator wrote its ACK, so the driver's ACK timer would fire before the ACK is read,
 * the driver would resend, and the chip would run the same APDU twice (seen: PACE failing with
 * 6A80 under load). A worker thread is not enough: the serialport native binding's poller is not
 * worker-safe (it aborts the process). A child process has its own event loop, as a device has,
 * and dies with its parent (it exits when the IPC channel closes).
 *
 * Messages in:  { op: 'place', id, mrz, chip }  { op: 'lift', id }  { op: 'close', id }
 * Messages out: { id, ok: true, result? } | { id, ok: false, error: { code, message } } | { op: 'ready' } | { op: 'fatal', message }
 */
import { createLogger, nullLogger } from '../../base/log.js';
import { rmSync } from 'node:fs';
import { DeviceError, asKioskError } from '../../base/errors.js';
import { openSerialLink, type SerialLink } from '../../devices/serial/index.js';
import { createVirtualChip } from '../../sim/chip/index.js';
import { MrzScannerSimulator, type ScannerFraming } from '../../sim/mrz-scanner/index.js';
import { openPn532SimulatorOnPort, type Pn532Field, type Pn532SimulatorOnPort } from '../../sim/pn532/index.js';
import type { VirtualChipSpec } from './simulated.js';

export interface SimChildData {
  scannerPath: string;
  readerPath: string;
  mrzBaudRate: number;
  nfcBaudRate: number;
  framing: ScannerFraming;
  /** Log level for the child.s own logger (standard error); none by default. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export type SimChildRequest =
  | { op: 'place'; id: number; mrz: string[]; chip: VirtualChipSpec | null }
  | { op: 'lift'; id: number }
  /** Puts the lifted chip back (the same chip: a resumed read), without a new MRZ read. */
  | { op: 'return'; id: number }
  /** Resolves once the simulator has its port open again (after a replug). */
  | { op: 'wait-open'; id: number; device: 'scanner' | 'reader'; timeoutMs: number }
  /** The socat processes of the pty pairs: killed if the parent dies first (SIGKILL included). */
  | { op: 'adopt'; id: number; pids: number[]; dir: string }
  /** Resolves once the simulator has noticed its port is gone (after an unplug). */
  | { op: 'wait-closed'; id: number; device: 'scanner' | 'reader'; timeoutMs: number }
  | { op: 'close'; id: number };

interface Channel {
  postMessage(m: unknown): void;
  close(): void;
}

function channel(): Channel {
  const send = process.send?.bind(process);
  if (!send) throw new Error('sim-child runs as a forked child process (with an IPC channel)');
  return {
    postMessage: (m) => void send(m),
    close: () => process.disconnect(),
  };
}

async function main(d: SimChildData): Promise<void> {
  const port = channel();
  const log = d.logLevel ? createLogger('sim-child', { level: d.logLevel }) : nullLogger;
  const reconnect = { intervalMs: 100 };
  const field: Pn532Field = { card: null };
  let lifted: Pn532Field['card'] = null;
  let scannerLink: SerialLink | undefined;
  let pn532: Pn532SimulatorOnPort | undefined;
  scannerLink = await openSerialLink({ path: d.scannerPath, baudRate: d.mrzBaudRate, reconnect, log });
  pn532 = await openPn532SimulatorOnPort({
    path: d.readerPath,
    baudRate: d.nfcBaudRate,
    field,
    log,
    openLink: (p, b) => openSerialLink({ path: p, baudRate: b, reconnect, log }),
  });
  const scanner = new MrzScannerSimulator(scannerLink, { framing: d.framing, baudRate: d.mrzBaudRate, log });
  const stop = new AbortController();

  const shutdown = async (): Promise<void> => {
    stop.abort();
    field.card = null;
    await pn532?.close().catch(() => undefined);
    await scannerLink?.close().catch(() => undefined);
    pn532 = undefined;
    scannerLink = undefined;
  };
  // The kiosk went away (or closed us): stop, so no simulator outlives its parent, and take the
  // socat pty pairs with us (a parent killed with SIGKILL cannot).
  let socats: number[] = [];
  let tempDir: string | null = null;
  process.on('disconnect', () =>
    void shutdown().finally(() => {
      for (const pid of socats) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
      }
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      process.exit(0);
    }),
  );
  process.on('message', (m: SimChildRequest | { op: 'init'; data: SimChildData }) => {
    if (m.op === 'init') return;
    void (async () => {
      try {
        switch (m.op) {
          case 'place': {
            lifted = null;
            field.card?.reset();
            field.card = m.chip ? createVirtualChip(m.chip) : null;
            await scanner.send(m.mrz, stop.signal);
            port.postMessage({ id: m.id, ok: true });
            break;
          }
          case 'adopt':
            socats = [...m.pids];
            tempDir = m.dir;
            port.postMessage({ id: m.id, ok: true });
            break;
          case 'lift':
            if (field.card) lifted = field.card;
            field.card = null;
            port.postMessage({ id: m.id, ok: true });
            break;
          case 'return':
            if (lifted && !field.card) field.card = lifted;
            port.postMessage({ id: m.id, ok: true });
            break;
          case 'wait-open':
          case 'wait-closed': {
            const end = Date.now() + m.timeoutMs;
            const want = m.op === 'wait-open';
            const open = (): boolean => (m.device === 'scanner' ? scannerLink?.isOpen === true : pn532?.link.isOpen !== false);
            while (open() !== want) {
              if (Date.now() > end) throw new DeviceError('SIM_PORT_STATE', `the ${m.device} simulator's port did not ${want ? 'reopen' : 'close'} in time`);
              await new Promise((r) => setTimeout(r, 20));
            }
            port.postMessage({ id: m.id, ok: true });
            break;
          }
          case 'close':
            await shutdown();
            port.postMessage({ id: m.id, ok: true });
            port.close();
            break;
        }
      } catch (e) {
        const k = asKioskError(e);
        port.postMessage({ id: m.id, ok: false, error: { code: k.code, message: k.message } });
      }
    })();
  });
  port.postMessage({ op: 'ready', scannerOpen: scannerLink.isOpen, readerOpen: pn532.link.isOpen !== false });
}

// The parent sends { op: 'init', data } first.
process.once('message', (m: { op?: string; data?: SimChildData }) => {
  if (m.op !== 'init' || !m.data) return;
  main(m.data).catch((e: unknown) => {
    const k = asKioskError(e);
    process.send?.({ op: 'fatal', code: k.code, message: k.message });
    process.exitCode = 1;
    process.disconnect();
  });
});
