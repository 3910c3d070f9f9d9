/**
 * Simulated devices on real serial ports: socat pty pairs with the MRZ scanner simulator and
 * the PN532 simulator (holding the virtual passport chip) on one end, the kiosk on the other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeviceError } from '../../base/errors.js';
import { nullLogger, type Logger } from '../../base/log.js';
import { openSerialLink, type SerialLink } from '../../devices/serial/index.js';
import type { SimCard } from '../../sim/card.js';
import { MrzScannerSimulator, type ScannerFraming } from '../../sim/mrz-scanner/index.js';
import { openPn532SimulatorOnPort, type Pn532Field, type Pn532SimulatorOnPort } from '../../sim/pn532/index.js';

export interface PtyPair {
  a: string;
  b: string;
  close(): Promise<void>;
}

/** `socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B` */
export async function openPtyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kiosk-pty-'));
  const a = path.join(dir, 'A');
  const b = path.join(dir, 'B');
  const proc: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
  let exited = false;
  proc.on('exit', () => (exited = true));
  proc.on('error', () => (exited = true));
  const end = Date.now() + 5000;
  while (!(existsSync(a) && existsSync(b))) {
    if (exited || Date.now() > end) {
      proc.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
      throw new DeviceError('PTY_FAILED', 'socat did not make the pty pair (is socat installed?)');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    a,
    b,
    async close() {
      if (!exited) {
        await new Promise<void>((resolve) => {
          proc.once('exit', () => resolve());
          proc.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PtySimulators {
  /** Where the kiosk connects: the MRZ scanner and the PN532. */
  mrzPath: string;
  nfcPath: string;
  framing: ScannerFraming;
  /** Puts a chip in the simulated PN532's field (null: none). */
  placeChip(card: SimCard | null): void;
  /** The simulated scanner reads a document and sends its MRZ over the wire. */
  present(lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export async function startPtySimulators(o: { framing?: ScannerFraming; logger?: Logger } = {}): Promise<PtySimulators> {
  const log = o.logger ?? nullLogger;
  const framing = o.framing ?? 'stx-etx';
  const closers: Array<() => Promise<void>> = [];
  try {
    const mrzPair = await openPtyPair();
    closers.push(() => mrzPair.close());
    const nfcPair = await openPtyPair();
    closers.push(() => nfcPair.close());
    const simLink: SerialLink = await openSerialLink({ path: mrzPair.b, baudRate: 9600, reconnect: false, log });
    closers.push(() => simLink.close());
    const scanner = new MrzScannerSimulator(simLink, { framing, baudRate: 9600, log });
    const field: Pn532Field = { card: null };
    const pn: Pn532SimulatorOnPort = await openPn532SimulatorOnPort({ path: nfcPair.b, baudRate: 115200, field, log });
    closers.push(() => pn.close());
    return {
      mrzPath: mrzPair.a,
      nfcPath: nfcPair.a,
      framing,
      placeChip: (c) => void (field.card = c),
      present: async (lines) => void (await scanner.send(lines)),
      async close() {
        for (const c of closers.reverse()) await c().catch(() => undefined);
      },
    };
  } catch (e) {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    throw e;
  }
}
