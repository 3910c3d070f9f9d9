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
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DeviceError, KioskError, UsageError } from '../../base/errors.js';
import { nullLogger, type Logger } from '../../base/log.js';
import { openSerialLink, type SerialLink } from '../../devices/serial/index.js';
import type { TrustStore } from '../../emrtd/pki/index.js';
import { trustStoreFromBytes } from '../../emrtd/trust-store.js';
import { buildMrz } from '../../mrz/index.js';
import type { SimCard } from '../../sim/card.js';
import { createVirtualChip, type VirtualChipOptions } from '../../sim/chip/index.js';
import { MrzScannerSimulator, type ScannerFraming } from '../../sim/mrz-scanner/index.js';
import { buildDg1, generatePassport, type GeneratedPassport } from '../../sim/passport/index.js';
import { testPki, TEST_PKI_SEED, type TestPki } from '../../sim/pki/index.js';
import { openPn532SimulatorOnPort, type Pn532Field, type Pn532SimulatorOnPort } from '../../sim/pn532/index.js';
import type { SimulationScenario } from '../config.js';
import type { SimChildData, SimChildRequest } from './sim-child.js';

// ------------------------------------------------------------------ pty pairs

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new DeviceError('PTY_TIMEOUT', `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** socat processes of this process: killed when it exits (a crash must not leave pty pairs behind). */
const LIVE_SOCATS = new Set<ChildProcess>();
let exitHook = false;
function hookExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const p of LIVE_SOCATS) p.kill('SIGTERM');
  });
}

/** A socat pty pair: `stop()` is an unplug (both paths vanish), `start()` plugs it back in with the same paths. */
export class PtyPair {
  private proc: ChildProcess | undefined;

  constructor(
    readonly a: string,
    readonly b: string,
  ) {
    hookExit();
  }

  get running(): boolean {
    return this.proc !== undefined;
  }

  /** The socat process id while running. */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  async start(): Promise<void> {
    if (this.proc) return;
    const proc = spawn('socat', [`pty,raw,echo=0,link=${this.a}`, `pty,raw,echo=0,link=${this.b}`], { stdio: 'ignore' });
    this.proc = proc;
    LIVE_SOCATS.add(proc);
    proc.once('exit', () => LIVE_SOCATS.delete(proc));
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

/** What a virtual chip is made of, in a form that can cross to the simulator process. */
export type VirtualChipSpec = Pick<VirtualChipOptions, 'files' | 'mrzInformation' | 'can' | 'accessControl' | 'faults' | 'chipTimeMs' | 'kind' | 'uid'>;

export interface SimulatedDevicesOptions {
  /** Baud rate of both lines (the simulators pace their bytes to it). Default 115200. */
  baudRate?: number;
  /** Baud rate of the MRZ scanner line. Default: baudRate. */
  mrzBaudRate?: number;
  /** The scanner's framing. Default 'stx-etx'. The config handed to the kiosk names it. */
  framing?: ScannerFraming;
  /**
   * Where the simulators run. 'process' (default outside Electron): a child process of their own, like a device
   * with its own processor (the kiosk's event loop and the virtual chip's arithmetic do not
   * stall each other; see sim-child.ts). 'in-process': the caller's thread, so any SimCard
   * object (fault wrappers, spies) can be placed — but the driver may then see false ACK
   * timeouts while the virtual chip computes.
   */
  mode?: 'process' | 'in-process';
  log?: Logger;
  /** Process mode: the simulators' own log level (to standard error). Default: silent. */
  simLogLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export interface SimulatedDevicesConfig {
  mrz: { port: string; baudRate: number; framing: ScannerFraming };
  /** ackTimeoutMs: generous, because the simulator is a process on a possibly loaded host, not a PN532's own silicon. */
  nfc: { port: string; baudRate: number; ackTimeoutMs: number };
}

/**
 * A passport to place (a SimulatedPassport fits). `chip` (a VirtualChipSpec) works in both modes;
 * `card` works in both modes when it was made from a spec (simulatedPassport, virtualChipCard),
 * else only in-process. Neither: a document without a chip.
 */
export interface PlacedPassport {
  mrz: readonly string[];
  chip?: VirtualChipSpec | null;
  card?: SimCard | null;
}

export interface SimulatedDevices {
  /** What to give openSerialDevices (the kiosk's ends of the ptys). */
  config: SimulatedDevicesConfig;
  readonly mode: 'process' | 'in-process';
  /** Puts the passport on the kiosk: the chip into the reader's field, then the MRZ on the scanner's line. Resolves when the MRZ's last byte is written. */
  placePassport(p: PlacedPassport): Promise<void>;
  /** Takes the passport away (the chip leaves the field). Resolves when the chip is out of the field. */
  liftPassport(): Promise<void>;
  /** Puts the lifted passport back on the reader: the same chip, no new MRZ read (a read resumes). */
  returnPassport(): Promise<void>;
  /** Unplugs the MRZ scanner (its pty pair vanishes; resolves when the simulator noticed) / plugs it back in (resolves when the simulator has its end open again). */
  unplugScanner(): Promise<void>;
  replugScanner(): Promise<void>;
  /** Unplugs the NFC reader (resolves when the simulator noticed) / plugs it back in. */
  unplugReader(): Promise<void>;
  replugReader(): Promise<void>;
  /** Whether a passport is on the kiosk now. */
  readonly placed: boolean;
  close(): Promise<void>;
}

/** Cards made from a spec (simulatedPassport, virtualChipCard) remember it, so they can be placed in a simulator process too. */
const SPECS = new WeakMap<SimCard, VirtualChipSpec>();

/** A virtual chip object made from a spec; placePassport can send it to the simulator process. */
export function virtualChipCard(spec: VirtualChipSpec): SimCard {
  const card = createVirtualChip(spec);
  SPECS.set(card, spec);
  return card;
}

/** The simulators' side: in this process or in a child process. */
interface SimBackend {
  place(mrz: readonly string[], chip: VirtualChipSpec | null, card: SimCard | null): Promise<void>;
  lift(): Promise<void>;
  putBack(): Promise<void>;
  /** Waits until the simulator's end of a pty is open again (after a replug). */
  waitOpen(device: 'scanner' | 'reader', timeoutMs: number): Promise<void>;
  /** Process mode: the simulator process kills these socat pids if this process dies first (SIGKILL included). */
  adopt(pids: number[], dir: string): Promise<void>;
  /** Waits until the simulator has noticed that its end of a pty is gone (after an unplug). */
  waitClosed(device: 'scanner' | 'reader', timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

async function inProcessBackend(o: { scannerPath: string; readerPath: string; mrzBaud: number; nfcBaud: number; framing: ScannerFraming; log: Logger }): Promise<SimBackend> {
  const reconnect = { intervalMs: 100 };
  const field: Pn532Field = { card: null };
  let lifted: SimCard | null = null;
  let scannerLink: SerialLink | undefined;
  let pn532: Pn532SimulatorOnPort | undefined;
  try {
    scannerLink = await openSerialLink({ path: o.scannerPath, baudRate: o.mrzBaud, reconnect, log: o.log });
    pn532 = await openPn532SimulatorOnPort({
      path: o.readerPath,
      baudRate: o.nfcBaud,
      field,
      log: o.log,
      openLink: (p, b) => openSerialLink({ path: p, baudRate: b, reconnect, log: o.log }),
    });
  } catch (e) {
    await scannerLink?.close().catch(() => undefined);
    throw e;
  }
  const link = scannerLink;
  const sim = pn532;
  const scanner = new MrzScannerSimulator(link, { framing: o.framing, baudRate: o.mrzBaud, log: o.log });
  const stop = new AbortController();
  return {
    async place(mrz, chip, card) {
      lifted = null;
      field.card?.reset();
      field.card = card ?? (chip ? createVirtualChip(chip) : null);
      await scanner.send(mrz, stop.signal);
    },
    async lift() {
      if (field.card) lifted = field.card;
      field.card = null;
    },
    async putBack() {
      if (lifted && !field.card) field.card = lifted;
    },
    waitOpen: (device, timeoutMs) =>
      waitFor(() => (device === 'scanner' ? link.isOpen : sim.link.isOpen !== false), timeoutMs, `the ${device} simulator to reopen its port`),
    adopt: async () => undefined,
    waitClosed: (device, timeoutMs) =>
      waitFor(() => !(device === 'scanner' ? link.isOpen : sim.link.isOpen !== false), timeoutMs, `the ${device} simulator to notice the unplug`),
    async close() {
      stop.abort();
      field.card = null;
      await sim.close().catch(() => undefined);
      await link.close().catch(() => undefined);
    },
  };
}

/** The child's module: sim-child.ts run through tsx in a checkout, sim-child.js when compiled. */
function childEntry(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return { file: path.join(path.dirname(here), 'sim-child.js'), execArgv: [] };
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { file: path.join(path.dirname(here), 'sim-child.ts'), execArgv: ['--import', tsxLoader] };
}

async function processBackend(data: SimChildData, log: Logger): Promise<SimBackend> {
  const { file, execArgv } = childEntry();
  const child: ChildProcess = fork(file, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  let nextId = 1;
  const pending = new Map<number, { resolve: () => void; reject: (e: unknown) => void }>();
  let dead: KioskError | null = null;
  const failAll = (e: KioskError): void => {
    if (!dead) dead = e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m: { op?: string; id?: number; ok?: boolean; code?: string; message?: string; error?: { code: string; message: string } }) => {
      if (m.op === 'ready') return resolve();
      if (m.op === 'fatal') {
        const e = new DeviceError(m.code ?? 'SIM_PROCESS_FAILED', `the device simulators could not start: ${m.message ?? ''}`);
        failAll(e);
        return reject(e);
      }
      const p = m.id !== undefined ? pending.get(m.id) : undefined;
      if (!p) return;
      pending.delete(m.id!);
      if (m.ok) p.resolve();
      else p.reject(new DeviceError(m.error?.code ?? 'SIM_FAILED', m.error?.message ?? 'the simulator failed'));
    });
    child.on('error', (err) => {
      const e = new DeviceError('SIM_PROCESS_FAILED', `the device simulators failed: ${err.message}`, {}, { cause: err });
      failAll(e);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      const e = new DeviceError('SIM_PROCESS_EXITED', 'the device simulators have stopped', { code, signal });
      if (!dead) log.warn('device simulators exited', { code, signal });
      failAll(e);
      reject(e);
    });
  });
  const call = (req: DistributiveOmit<SimChildRequest, 'id'>): Promise<void> => {
    if (dead) return Promise.reject(dead);
    const id = nextId++;
    return new Promise<void>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      child.send({ ...req, id }, (err) => {
        if (err && pending.delete(id)) reject(new DeviceError('SIM_PROCESS_EXITED', 'the device simulators have stopped', {}, { cause: err }));
      });
    });
  };
  const kill = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    const t = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.kill('SIGTERM');
    await gone;
    clearTimeout(t);
  };
  try {
    child.send({ op: 'init', data });
    await ready;
  } catch (e) {
    await kill();
    throw e;
  }
  return {
    place: (mrz, chip, card) => {
      // A card made from a spec goes across as its spec (a fresh chip in the simulator process).
      if (card && !chip) chip = SPECS.get(card) ?? null;
      if (card && !chip) return Promise.reject(new UsageError('SIM_CARD_NOT_TRANSFERABLE', "the simulators run in their own process: place a chip spec (`chip`), not a SimCard object, or use mode 'in-process'"));
      return call({ op: 'place', mrz: [...mrz], chip });
    },
    lift: () => call({ op: 'lift' }),
    putBack: () => call({ op: 'return' }),
    waitOpen: (device, timeoutMs) => call({ op: 'wait-open', device, timeoutMs }),
    waitClosed: (device, timeoutMs) => call({ op: 'wait-closed', device, timeoutMs }),
    adopt: (pids, dir) => call({ op: 'adopt', pids, dir }),
    async close() {
      if (!dead) {
        const closing = call({ op: 'close' }).catch(() => undefined);
        const timer = new Promise((r) => setTimeout(r, 2000).unref());
        await Promise.race([closing, timer]);
      }
      dead ??= new DeviceError('SIM_CLOSED', 'the simulated devices are closed');
      await kill();
    },
  };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The PN532 ACK wait the kiosk should use with the simulators (see SimulatedDevicesConfig). */
export const SIMULATED_ACK_TIMEOUT_MS = 1000;

/**
 * Starts the MRZ scanner and PN532 simulators on fresh socat pty pairs in a temp dir (in a
 * child process by default). They open their ends with reconnecting serial links, so unplugging
 * and replugging (stopping and restarting socat) works both ways.
 */
export async function startSimulatedDevices(opts: SimulatedDevicesOptions = {}): Promise<SimulatedDevices> {
  const log = (opts.log ?? nullLogger).child('sim-devices');
  const baudRate = opts.baudRate ?? 115200;
  const mrzBaud = opts.mrzBaudRate ?? baudRate;
  const framing = opts.framing ?? 'stx-etx';
  // Inside Electron, fork() needs the RunAsNode fuse, which the packaged shell turns off.
  const mode = opts.mode ?? (process.versions['electron'] ? 'in-process' : 'process');
  if (!Number.isInteger(baudRate) || baudRate < 300 || !Number.isInteger(mrzBaud) || mrzBaud < 300) {
    throw new UsageError('BAD_BAUD', 'the baud rate must be a whole number of at least 300');
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'kiosk-sim-'));
  const scannerPty = new PtyPair(path.join(dir, 'mrz-sim'), path.join(dir, 'mrz'));
  const readerPty = new PtyPair(path.join(dir, 'nfc-sim'), path.join(dir, 'nfc'));
  let backend: SimBackend;
  try {
    await Promise.all([scannerPty.start(), readerPty.start()]);
    backend =
      mode === 'process'
        ? await processBackend(
            {
            scannerPath: scannerPty.a,
            readerPath: readerPty.a,
            mrzBaudRate: mrzBaud,
            nfcBaudRate: baudRate,
            framing,
              ...(opts.simLogLevel ? { logLevel: opts.simLogLevel } : {}),
            },
            log,
          )
        : await inProcessBackend({ scannerPath: scannerPty.a, readerPath: readerPty.a, mrzBaud, nfcBaud: baudRate, framing, log });
  } catch (e) {
    await Promise.all([scannerPty.stop(), readerPty.stop()]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const adopt = (): Promise<void> =>
    backend.adopt([scannerPty.pid, readerPty.pid].filter((p): p is number => p !== undefined), dir).catch((e: unknown) => {
      log.warn('the simulator process did not take the socat pids', { error: e instanceof Error ? e.message : String(e) });
    });
  await adopt();
  let closed = false;
  let placed = false;
  log.info('simulated devices on ptys', { mode, mrz: scannerPty.b, nfc: readerPty.b });

  return {
    config: {
      mrz: { port: scannerPty.b, baudRate: mrzBaud, framing },
      nfc: { port: readerPty.b, baudRate, ackTimeoutMs: SIMULATED_ACK_TIMEOUT_MS },
    },
    mode,
    get placed() {
      return placed;
    },
    async placePassport(p) {
      if (closed) throw new UsageError('SIM_CLOSED', 'the simulated devices are closed');
      placed = true;
      await backend.place(p.mrz, p.chip ?? null, p.card ?? null);
    },
    async liftPassport() {
      placed = false;
      if (!closed) await backend.lift();
    },
    async returnPassport() {
      if (closed) throw new UsageError('SIM_CLOSED', 'the simulated devices are closed');
      placed = true;
      await backend.putBack();
    },
    // An unplug is over when both sides have noticed it: a replug within the simulator's
    // path-watch interval would otherwise leave it on the dead pty.
    async unplugScanner() {
      await scannerPty.stop();
      await adopt();
      await backend.waitClosed('scanner', 5000);
    },
    async replugScanner() {
      await scannerPty.start();
      await adopt();
      await backend.waitOpen('scanner', 5000);
    },
    async unplugReader() {
      await readerPty.stop();
      await adopt();
      await backend.waitClosed('reader', 5000);
    },
    async replugReader() {
      await readerPty.start();
      await adopt();
      await backend.waitOpen('reader', 5000);
    },
    async close() {
      if (closed) return;
      closed = true;
      await backend.close().catch(() => undefined);
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
  /** The virtual chip (PACE and BAC) as a spec: what placePassport sends to the simulator process. */
  chip: VirtualChipSpec;
  /** A fresh virtual chip object made from `chip` (for in-process use). */
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
  const chip: VirtualChipSpec = { files: passport.files, mrzInformation: passport.mrzInformation, can: passport.can, accessControl: passport.accessControl };
  const card = virtualChipCard(chip);
  const expected: SimulatedPassport['expected'] = ({
    genuine: { passiveAuthentication: 'valid', accessDenied: false, refer: false },
    expired: { passiveAuthentication: 'valid', accessDenied: false, refer: true },
    'unknown-signer': { passiveAuthentication: 'unknown-signer', accessDenied: false, refer: true },
    tampered: { passiveAuthentication: 'invalid', accessDenied: false, refer: true },
    'wrong-mrz': { passiveAuthentication: null, accessDenied: true, refer: true },
  } as const satisfies Record<ConcreteScenario, SimulatedPassport['expected']>)[s];
  return { scenario: s, mrz: [...printed], chip, card, passport, trustStore: simulatedTrustStore(pki), expected };
}
