/**
 * Simulated devices on the real wire: two socat pty pairs, the MRZ scanner simulator on one end
 * of the first and the simulated PN532 (with a virtual passport chip in its field) on one end of
 * the second. The kiosk opens the other ends with openSerialDevices, exactly as it opens real
 * devices, so everything from the serial bytes up is the product's code.
 *
 *   MrzScannerSimulator → pty A ═ socat ═ pty B ← openSerialDevices (MrzReader)
 *   PN532 simulator     → pty A ═ socat ═ pty B ← openSerialDevices (Pn532, Pn532CardTransport)
 *
 * Also the simulated passports of each scenario (simulatedPassport) and the trust store that
 * makes the genuine one verify.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeviceError, UsageError } from '../../base/errors.js';
import { nullLogger, type Logger } from '../../base/log.js';
import { openSerialLink, type SerialLink } from '../../devices/serial/index.js';
import type { TrustStore } from '../../emrtd/pki/index.js';
import { trustStoreFromBytes } from '../../emrtd/trust-store.js';
import { buildMrz } from '../../mrz/index.js';
import type { SimCard } from '../../sim/card.js';
import { createVirtualChip } from '../../sim/chip/index.js';
import { MrzScannerSimulator, type ScannerFraming } from '../../sim/mrz-scanner/index.js';
import { buildDg1, generatePassport, type GeneratedPassport } from '../../sim/passport/index.js';
import { testPki, TEST_PKI_SEED, type TestPki } from '../../sim/pki/index.js';
import { openPn532SimulatorOnPort, type Pn532Field, type Pn532SimulatorOnPort } from '../../sim/pn532/index.js';
import type { SimulationScenario } from '../config.js';

// ------------------------------------------------------------------ pty pairs

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new DeviceError('PTY_TIMEOUT', `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A socat pty pair: `stop()` is an unplug (both paths vanish), `start()` plugs it back in with the same paths. */
export class PtyPair {
  private proc: ChildProcess | undefined;

  constructor(
    readonly a: string,
    readonly b: string,
  ) {}

  get running(): boolean {
    return this.proc !== undefined;
  }

  async start(): Promise<void> {
    if (this.proc) return;
    const proc = spawn('socat', [`pty,raw,echo=0,link=${this.a}`, `pty,raw,echo=0,link=${this.b}`], { stdio: 'ignore' });
    this.proc = proc;
    let failed: Error | undefined;
    proc.once('error', (e) => {
      failed = e;
    });
    proc.once('exit', () => {
      if (this.proc === proc) this.proc = undefined;
    });
    try {
      await waitFor(() => failed !== undefined || (existsSync(this.a) && existsSync(this.b)), 5000, 'the socat pty links');
    } catch (e) {
      proc.kill('SIGKILL');
      throw e;
    }
    if (failed) {
      this.proc = undefined;
      throw new DeviceError('PTY_FAILED', `cannot start socat (is it installed?): ${failed.message}`);
    }
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p) return;
    await new Promise<void>((resolve) => {
      if (p.exitCode !== null || p.signalCode !== null) return resolve();
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
    this.proc = undefined;
    await waitFor(() => !existsSync(this.a) && !existsSync(this.b), 5000, 'the socat pty links to go');
  }
}

// ------------------------------------------------------------------ devices on ptys

export interface SimulatedDevicesOptions {
  /** Baud rate of both lines (the simulators pace their bytes to it). Default 115200. */
  baudRate?: number;
  /** Baud rate of the MRZ scanner line. Default: baudRate. */
  mrzBaudRate?: number;
  /** The scanner's framing. Default 'stx-etx'. The config handed to the kiosk names it. */
  framing?: ScannerFraming;
  log?: Logger;
}

export interface SimulatedDevicesConfig {
  mrz: { port: string; baudRate: number; framing: ScannerFraming };
  nfc: { port: string; baudRate: number };
}

export interface SimulatedDevices {
  /** What to give openSerialDevices (the kiosk's ends of the ptys). */
  config: SimulatedDevicesConfig;
  /** Puts the passport on the kiosk: the chip into the reader's field, then the MRZ on the scanner's line. Resolves when the MRZ's last byte is written. */
  placePassport(p: { mrz: readonly string[]; card: SimCard | null }): Promise<void>;
  /** Takes the passport away (the chip leaves the field). */
  liftPassport(): void;
  /** Unplugs the MRZ scanner (its pty pair vanishes) / plugs it back in. */
  unplugScanner(): Promise<void>;
  replugScanner(): Promise<void>;
  /** Unplugs / replugs the NFC reader. */
  unplugReader(): Promise<void>;
  replugReader(): Promise<void>;
  /** The card in the reader's field now. */
  readonly card: SimCard | null;
  close(): Promise<void>;
}

/**
 * Starts the MRZ scanner and PN532 simulators on fresh socat pty pairs in a temp dir. The
 * simulators open their ends with reconnecting serial links, so unplug/replug works both ways.
 */
export async function startSimulatedDevices(opts: SimulatedDevicesOptions = {}): Promise<SimulatedDevices> {
  const log = (opts.log ?? nullLogger).child('sim-devices');
  const baudRate = opts.baudRate ?? 115200;
  const mrzBaud = opts.mrzBaudRate ?? baudRate;
  const framing = opts.framing ?? 'stx-etx';
  if (!Number.isInteger(baudRate) || baudRate < 300 || !Number.isInteger(mrzBaud) || mrzBaud < 300) {
    throw new UsageError('BAD_BAUD', 'the baud rate must be a whole number of at least 300');
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'kiosk-sim-'));
  const scannerPty = new PtyPair(path.join(dir, 'mrz-sim'), path.join(dir, 'mrz'));
  const readerPty = new PtyPair(path.join(dir, 'nfc-sim'), path.join(dir, 'nfc'));
  let scannerLink: SerialLink | undefined;
  let pn532: Pn532SimulatorOnPort | undefined;
  const field: Pn532Field = { card: null };
  const reconnect = { intervalMs: 100 };
  try {
    await Promise.all([scannerPty.start(), readerPty.start()]);
    scannerLink = await openSerialLink({ path: scannerPty.a, baudRate: mrzBaud, reconnect, log });
    pn532 = await openPn532SimulatorOnPort({
      path: readerPty.a,
      baudRate,
      field,
      log,
      openLink: (p, b) => openSerialLink({ path: p, baudRate: b, reconnect, log }),
    });
  } catch (e) {
    await scannerLink?.close().catch(() => undefined);
    await pn532?.close().catch(() => undefined);
    await Promise.all([scannerPty.stop(), readerPty.stop()]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const link = scannerLink;
  const scanner = new MrzScannerSimulator(link, { framing, baudRate: mrzBaud, log });
  const stopAll = new AbortController();
  let closed = false;

  return {
    config: {
      mrz: { port: scannerPty.b, baudRate: mrzBaud, framing },
      nfc: { port: readerPty.b, baudRate },
    },
    get card() {
      return field.card;
    },
    async placePassport(p) {
      if (closed) throw new UsageError('SIM_CLOSED', 'the simulated devices are closed');
      field.card?.reset();
      field.card = p.card;
      await scanner.send(p.mrz, stopAll.signal);
    },
    liftPassport() {
      field.card = null;
    },
    unplugScanner: () => scannerPty.stop(),
    async replugScanner() {
      await scannerPty.start();
      await waitFor(() => link.isOpen || closed, 5000, 'the scanner simulator to reopen its port');
    },
    unplugReader: () => readerPty.stop(),
    async replugReader() {
      await readerPty.start();
      await waitFor(() => pn532?.link.isOpen !== false || closed, 5000, 'the PN532 simulator to reopen its port');
    },
    async close() {
      if (closed) return;
      closed = true;
      stopAll.abort();
      field.card = null;
      await pn532?.close().catch(() => undefined);
      await link.close().catch(() => undefined);
      await Promise.all([scannerPty.stop(), readerPty.stop()]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ------------------------------------------------------------------ simulated passports

export type ConcreteScenario = Exclude<SimulationScenario, 'rotate'>;
/** The order 'rotate' goes through. */
export const ROTATION: readonly ConcreteScenario[] = ['genuine', 'expired', 'unknown-signer', 'tampered', 'wrong-mrz'];

/** The scenario of the index-th passport ('rotate' goes round ROTATION). */
export function scenarioAt(scenario: SimulationScenario, index: number): ConcreteScenario {
  if (scenario !== 'rotate') return scenario;
  return ROTATION[((index % ROTATION.length) + ROTATION.length) % ROTATION.length]!;
}

export interface SimulatedPassport {
  scenario: ConcreteScenario;
  /** The MRZ printed on the data page (what the scanner reads). */
  mrz: string[];
  /** A fresh virtual chip (PACE and BAC) for the reader's field. */
  card: SimCard;
  /** The generated passport behind the chip. */
  passport: GeneratedPassport;
  /** The trust store that makes 'genuine' valid: the test CSCA and its CRL. */
  trustStore: TrustStore;
  /** What the kiosk should find (for tests and the demo). */
  expected: {
    passiveAuthentication: 'valid' | 'invalid' | 'unknown-signer' | null;
    accessDenied: boolean;
    /** Whether the chip and the MRZ alone refer the traveller (CLEAR also needs the document checks to pass). */
    refer: boolean;
  };
}

const IDENTITY = {
  documentCode: 'P',
  issuingState: 'UTO',
  nationality: 'UTO',
  personalNumber: '',
} as const;

const PEOPLE: Record<ConcreteScenario, { surname: string; givenNames: string; documentNumber: string; birthDate: string; sex: string; expiryDate: string }> = {
  genuine: { surname: 'ERIKSSON', givenNames: 'ANNA MARIA', documentNumber: 'L898902C3', birthDate: '740812', sex: 'F', expiryDate: '330415' },
  expired: { surname: 'OKAFOR', givenNames: 'CHIDI', documentNumber: 'U12345678', birthDate: '010305', sex: 'M', expiryDate: '240101' },
  'unknown-signer': { surname: 'LI', givenNames: 'WEI', documentNumber: 'UT0000417', birthDate: '880720', sex: 'F', expiryDate: '320630' },
  tampered: { surname: 'GARCIA LOPEZ', givenNames: 'JOSE', documentNumber: 'UT8837206', birthDate: '550101', sex: 'M', expiryDate: '310101' },
  'wrong-mrz': { surname: 'MARTIN', givenNames: 'ALEX', documentNumber: 'UT5550123', birthDate: '091130', sex: 'X', expiryDate: '340909' },
};

function lines(p: (typeof PEOPLE)[ConcreteScenario], over: Partial<(typeof PEOPLE)[ConcreteScenario]> = {}): string[] {
  return buildMrz('TD3', { ...IDENTITY, ...p, ...over });
}

const passportCache = new Map<string, Promise<{ passport: GeneratedPassport; printed: string[] }>>();
const trustCache = new Map<TestPki, TrustStore>();

/** The trust store of the simulated passports: the test PKI's CSCA and its CRL. */
export function simulatedTrustStore(pki: TestPki = testPki()): TrustStore {
  let t = trustCache.get(pki);
  if (!t) {
    t = trustStoreFromBytes([
      { name: 'csca.der', bytes: pki.csca.certificate },
      { name: 'csca.crl', bytes: pki.crl },
    ]).store;
    trustCache.set(pki, t);
  }
  return t;
}

function pkiSeedOf(pki: TestPki): string {
  // The generator signs with testPki(seed): find the seed whose PKI this is (the default in practice).
  if (pki === testPki()) return TEST_PKI_SEED;
  throw new UsageError('SIM_UNKNOWN_PKI', 'simulatedPassport supports the default test PKI (testPki())');
}

async function buildScenario(s: ConcreteScenario, seed: string): Promise<{ passport: GeneratedPassport; printed: string[] }> {
  const person = PEOPLE[s];
  const faceSeed = ROTATION.indexOf(s) + 1;
  switch (s) {
    case 'genuine':
    case 'expired':
    case 'wrong-mrz': {
      const mrz = lines(person);
      const passport = await generatePassport({ mrz, faceSeed, sod: { signer: 'valid' }, pkiSeed: seed });
      // wrong-mrz: the page's document number differs from the chip's (misprinted or forged page):
      // the access key made from the printed MRZ does not open the chip.
      const printed = s === 'wrong-mrz' ? lines(person, { documentNumber: 'UT5550132' }) : mrz;
      return { passport, printed };
    }
    case 'unknown-signer': {
      const mrz = lines(person);
      return { passport: await generatePassport({ mrz, faceSeed, sod: { signer: 'untrusted' }, pkiSeed: seed }), printed: mrz };
    }
    case 'tampered': {
      // Signed for one holder, then the page and DG1 rewritten for another (same document
      // number and dates, so the access key still opens the chip): the DG1 hash no longer matches.
      const signed = await generatePassport({ mrz: lines(person), faceSeed, sod: { signer: 'valid' }, pkiSeed: seed });
      const forged = lines(person, { surname: 'MALLORY', givenNames: 'EVE' });
      const files = new Map(signed.files);
      files.set(0x0101, buildDg1(forged));
      return { passport: { ...signed, files }, printed: forged };
    }
  }
}

/**
 * A simulated passport of a scenario ('rotate' with `index`), with a fresh virtual chip, and the
 * trust store under which 'genuine' is valid. Passports are generated once per scenario and
 * cached (signing and drawing the face take time); the chip is new on every call.
 */
export async function simulatedPassport(scenario: SimulationScenario, pki: TestPki = testPki(), opts: { index?: number } = {}): Promise<SimulatedPassport> {
  const s = scenarioAt(scenario, opts.index ?? 0);
  const seed = pkiSeedOf(pki);
  const key = `${seed}/${s}`;
  let built = passportCache.get(key);
  if (!built) {
    built = buildScenario(s, seed);
    passportCache.set(key, built);
    built.catch(() => passportCache.delete(key));
  }
  const { passport, printed } = await built;
  const card = createVirtualChip({
    files: passport.files,
    mrzInformation: passport.mrzInformation,
    can: passport.can,
    accessControl: passport.accessControl,
  });
  const expected: SimulatedPassport['expected'] = ({
    genuine: { passiveAuthentication: 'valid', accessDenied: false, refer: false },
    expired: { passiveAuthentication: 'valid', accessDenied: false, refer: true },
    'unknown-signer': { passiveAuthentication: 'unknown-signer', accessDenied: false, refer: true },
    tampered: { passiveAuthentication: 'invalid', accessDenied: false, refer: true },
    'wrong-mrz': { passiveAuthentication: null, accessDenied: true, refer: true },
  } as const satisfies Record<ConcreteScenario, SimulatedPassport['expected']>)[s];
  return { scenario: s, mrz: [...printed], card, passport, trustStore: simulatedTrustStore(pki), expected };
}
