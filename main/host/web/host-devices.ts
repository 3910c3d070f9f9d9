/**
 * The devices behind the browser host and the Electron shell: real serial devices when the
 * configuration names them, the simulators otherwise (so a newcomer sees the whole flow), plus
 * the document checks and the first staff accounts.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../base/log.js';
import type { DeviceStatus } from '../../contract/index.js';
import { createDocumentChecker, verifyModels, type DocumentChecker } from '../../checks/index.js';
import type { TrustStore } from '../../emrtd/pki/index.js';
import { MemoryTrustStore } from '../../emrtd/pki/index.js';
import { openTrustStore } from '../../emrtd/trust-store.js';
import type { ChipReaderPort, DocumentChecksPort, DocumentSource } from '../../kiosk/index.js';
import { systemClock } from '../../base/clock.js';
import type { KioskConfig } from '../config.js';
import { openSerialDevices } from '../devices/serial.js';
import type { KioskRuntime } from '../runtime/index.js';
import { checksPort } from './checks-port.js';
import { startSimulation, type Simulation } from './simulation.js';

export type HostConfig = KioskConfig & { modelsDir?: string };

export interface HostDevices {
  documents: DocumentSource;
  chip: ChipReaderPort;
  trustStore: TrustStore;
  checks: DocumentChecksPort | null;
  simulated: boolean;
  status(): DeviceStatus[];
  selfTest(): Promise<DeviceStatus[]>;
  /** Models and trust store lines for the technician. */
  extraStatus(): Promise<DeviceStatus[]>;
  models(): Promise<{ id: string; version: string; status: string; detail: string }[]>;
  onStatus(l: (list: DeviceStatus[]) => void): () => void;
  /** The traveller accepted the notice: a simulated traveller places the passport now. */
  travellerReady(): void;
  bootstrapAccounts(rt: KioskRuntime): Promise<void>;
  close(): Promise<void>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Demo staff accounts, created only on simulated devices and only when no account exists. */
export const DEMO_ACCOUNTS = [
  { username: 'supervisor', password: 'demo-supervisor-pass', role: 'supervisor' },
  { username: 'officer1', password: 'demo-officer1-pass', role: 'officer' },
  { username: 'officer2', password: 'demo-officer2-pass', role: 'officer' },
  { username: 'tech', password: 'demo-tech-pass', role: 'technician' },
] as const;

export async function createHostDevices(config: HostConfig, deps: { log: Logger; dataDir: string }): Promise<HostDevices> {
  const log = deps.log;
  const modelsDir = config.modelsDir ?? path.join(repoRoot, 'models');
  let checker: DocumentChecker | null = null;
  try {
    checker = await createDocumentChecker({ modelsDir, threads: 1, log: log.child('checks') });
  } catch (e) {
    log.warn('document checks unavailable: every check will report not-run', { error: e instanceof Error ? e : new Error(String(e)) });
  }
  const checks = checker ? checksPort(checker, log) : null;

  const trustDir = path.join(deps.dataDir, 'trust');
  const listeners = new Set<(l: DeviceStatus[]) => void>();

  const configured = !!(config.devices && (config.devices.mrz || config.devices.nfc));
  let sim: Simulation | null = null;
  let documents: DocumentSource;
  let chip: ChipReaderPort;
  let trustStore: TrustStore;
  let deviceStatus: () => DeviceStatus[];
  let selfTest: () => Promise<DeviceStatus[]>;
  let closeDevices: () => Promise<void>;

  if (!configured) {
    sim = await startSimulation({
      log: log.child('sim'),
      scenario: config.simulation?.scenario ?? 'genuine',
      placeDelayMs: config.simulation?.placeDelayMs ?? 1500,
      ...(config.simulation?.baudRate ? { baudRate: config.simulation.baudRate } : {}),
    });
    documents = sim.documents;
    chip = sim.chip;
    trustStore = sim.trustStore;
    deviceStatus = () => sim!.status();
    selfTest = () => sim!.selfTest();
    closeDevices = () => sim!.close();
  } else {
    trustStore = existsSync(trustDir) ? openTrustStore(trustDir) : new MemoryTrustStore();
    const d = await openSerialDevices(config.devices ?? {}, { trustStore, clock: systemClock, log });
    documents = d.documents;
    chip = d.chip;
    deviceStatus = () => d.status();
    selfTest = () => d.selfTest();
    closeDevices = () => d.close();
  }

  const models = async (): Promise<{ id: string; version: string; status: string; detail: string }[]> => {
    try {
      const r = await verifyModels(modelsDir);
      return r.models.map((m) => ({ id: m.id, version: m.version ?? '', status: m.status, detail: m.error ?? (m.actualSha256 ? `sha256 ${m.actualSha256.slice(0, 12)}…` : '') }));
    } catch (e) {
      return [{ id: 'manifest', version: '', status: 'error', detail: e instanceof Error ? e.message : String(e) }];
    }
  };

  return {
    documents,
    chip,
    trustStore,
    checks,
    simulated: !configured,
    status: () => deviceStatus(),
    selfTest: () => selfTest(),
    async extraStatus() {
      const out: DeviceStatus[] = [];
      const ms = await models();
      const bad = ms.filter((m) => m.status !== 'ok');
      out.push({ name: 'Models', kind: 'models', status: bad.length ? 'error' : 'ok', detail: bad.length ? `${bad.length} of ${ms.length} not usable: ${bad.map((m) => m.id).join(', ')}` : `${ms.length} models verified` });
      if (existsSync(trustDir)) {
        const l = openTrustStore(trustDir).list();
        out.push({
          name: 'Trust store',
          kind: 'trust-store',
          status: l.alerts.length ? 'warning' : l.certificates.length ? 'ok' : 'warning',
          detail: l.alerts.length ? l.alerts.map((a) => a.message).join('; ') : `${l.certificates.length} CSCA certificates, ${l.crls.length} CRLs`,
        });
      } else {
        out.push({ name: 'Trust store', kind: 'trust-store', status: sim ? 'ok' : 'warning', detail: sim ? 'simulation: the test CSCA' : 'empty: import CSCA certificates or a master list' });
      }
      return out;
    },
    models,
    onStatus(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    travellerReady() {
      sim?.travellerReady();
    },
    async bootstrapAccounts(rt) {
      const existing = await rt.store.listAccounts();
      if (existing.length > 0) return;
      if (sim) {
        const sup = DEMO_ACCOUNTS[0];
        await rt.officers.bootstrapSupervisor(sup.username, sup.password);
        const { token } = await rt.officers.signIn(sup.username, sup.password);
        for (const a of DEMO_ACCOUNTS.slice(1)) await rt.officers.createAccount(token, { username: a.username, password: a.password, role: a.role });
        await rt.officers.signOut(token);
        log.warn('simulated devices: demo staff accounts created', { accounts: DEMO_ACCOUNTS.map((a) => `${a.username} (${a.role})`).join(', ') });
        process.stderr.write(`Demo staff accounts (simulation only): ${DEMO_ACCOUNTS.map((a) => `${a.username} / ${a.password}`).join(', ')}\n`);
        return;
      }
      const pw = process.env.KIOSK_BOOTSTRAP_PASSWORD;
      if (pw) {
        await rt.officers.bootstrapSupervisor(process.env.KIOSK_BOOTSTRAP_USER ?? 'supervisor', pw);
        log.info('first supervisor account created from KIOSK_BOOTSTRAP_PASSWORD');
      } else {
        log.warn('no staff account exists: set KIOSK_BOOTSTRAP_PASSWORD (and KIOSK_BOOTSTRAP_USER) once to create the first supervisor');
      }
    },
    async close() {
      await closeDevices();
      await checker?.close();
    },
  };
}
