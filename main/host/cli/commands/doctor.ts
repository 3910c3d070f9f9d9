/**
 * `kiosk doctor [--quick]`: is this kiosk fit to serve travellers? Prints one JSON document
 *   {"checks": [{"name", "kind", "status": "ok"|"warning"|"error", "detail"}], "ok", "dataDir", "config"}
 * with a line for the configuration, each device (configured serial ports present and openable,
 * the PN532's firmware version; with no device configured, the simulators started on ptys and
 * self-tested), the native modules (sqlite3, serialport bindings, onnxruntime-node), the models
 * (manifest, sha256 of each file, loadable by ONNX Runtime), the trust store ($KIOSK_DATA_DIR/trust:
 * CSCAs, stale CRLs) and storage (data dir writable, free disk space, database opens and its
 * audit chain verifies). Each line also goes to standard error for people.
 * Exit 0 when no line is 'error', 4 otherwise. `--quick` skips loading the models into ONNX
 * Runtime and starting the simulators.
 *
 * Doctor only reads: it never creates the data dir, the trust store or the database (a probe
 * file in the data dir is written and removed to prove it is writable).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isKioskError, UsageError } from '../../../base/errors.js';
import { systemClock } from '../../../base/clock.js';
import { nullLogger } from '../../../base/log.js';
import { loadConfig, usesSimulation, type KioskConfig } from '../../config.js';
import { optFlag, parseArgs } from '../args.js';
import { printJson, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { resolveModelsDir } from './models.js';

export type DoctorStatus = 'ok' | 'warning' | 'error';

export interface DoctorCheck {
  name: string;
  kind: 'config' | 'devices' | 'native' | 'models' | 'trust-store' | 'storage';
  status: DoctorStatus;
  detail: string;
}

export interface DoctorReport {
  checks: DoctorCheck[];
  ok: boolean;
  dataDir: string;
  config: string | null;
}

const MiB = 1024 * 1024;
/** Below these, storage is a warning / an error (the store must be able to commit decisions). */
export const DISK_WARNING_BYTES = 1024 * MiB;
export const DISK_ERROR_BYTES = 100 * MiB;

function errText(e: unknown): string {
  if (isKioskError(e)) return `${e.code}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/** Runs one check with a deadline: a hung device or module gives an 'error' line, not a hung doctor. */
async function guarded(name: string, kind: DoctorCheck['kind'], timeoutMs: number, f: () => Promise<DoctorCheck[]>): Promise<DoctorCheck[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      f(),
      new Promise<DoctorCheck[]>((resolve) => {
        timer = setTimeout(() => resolve([{ name, kind, status: 'error', detail: `no answer within ${timeoutMs} ms` }]), timeoutMs);
      }),
    ]);
  } catch (e) {
    return [{ name, kind, status: 'error', detail: errText(e) }];
  } finally {
    if (timer) clearTimeout(timer);
  }
}

// ------------------------------------------------------------------ devices

async function serialPortCheck(name: string, port: string, baudRate: number, nfc: { ackTimeoutMs?: number } | null): Promise<DoctorCheck> {
  const kind = 'devices' as const;
  if (!existsSync(port)) return { name, kind, status: 'error', detail: `${port} is not present (unplugged?)` };
  const { openSerialLink } = await import('../../../devices/serial/index.js');
  let link;
  try {
    link = await openSerialLink({ path: port, baudRate, reconnect: false });
  } catch (e) {
    const reason = isKioskError(e) ? String(e.details['reason'] ?? e.message) : errText(e);
    return { name, kind, status: 'error', detail: `${port} cannot be opened: ${reason}${/lock|busy/i.test(reason) ? ' (in use by a running kiosk?)' : ''}` };
  }
  try {
    if (!nfc) return { name, kind, status: 'ok', detail: `${port} opens at ${baudRate} baud` };
    const { Pn532 } = await import('../../../devices/pn532/index.js');
    const pn = new Pn532({ link, baudRate, ...(nfc.ackTimeoutMs !== undefined ? { ackTimeoutMs: nfc.ackTimeoutMs } : {}) });
    try {
      await pn.samConfiguration();
      const fw = await pn.getFirmwareVersion();
      const ic = fw.ic === 0x32 ? 'PN532' : `PN5${fw.ic.toString(16).toUpperCase()}`;
      const types = [fw.isoA ? 'A' : '', fw.isoB ? 'B' : ''].filter(Boolean).join('+');
      const status: DoctorStatus = fw.isoA && fw.isoB ? 'ok' : 'warning';
      return { name, kind, status, detail: `${ic} v${fw.ver}.${fw.rev} on ${port} (ISO 14443 ${types || 'none'}${status === 'warning' ? ': passports need both A and B' : ''})` };
    } catch (e) {
      return { name, kind, status: 'error', detail: `${port} opens but no PN532 answers (${isKioskError(e) ? e.code : errText(e)})` };
    } finally {
      pn.close();
    }
  } finally {
    await link.close().catch(() => undefined);
  }
}

async function simulatedDevicesCheck(cfg: KioskConfig, quick: boolean): Promise<DoctorCheck[]> {
  const kind = 'devices' as const;
  const scenario = cfg.simulation.scenario;
  if (quick) {
    return [{ name: 'devices', kind, status: 'ok', detail: `no devices configured: the kiosk runs on the simulators (scenario ${scenario}); not started (--quick)` }];
  }
  const { startSimulatedDevices } = await import('../../devices/simulated.js');
  const { openSerialDevices } = await import('../../devices/serial.js');
  const { MemoryTrustStore } = await import('../../../emrtd/pki/index.js');
  const sim = await startSimulatedDevices({ baudRate: cfg.simulation.baudRate });
  try {
    const dev = await openSerialDevices(sim.config, { trustStore: new MemoryTrustStore(), clock: systemClock, log: nullLogger, simulated: true });
    try {
      const st = await dev.selfTest();
      return st.map((s) => ({
        name: `device:${s.kind}`,
        kind,
        status: s.status === 'ok' ? 'ok' : 'error',
        detail: `simulated (no devices configured, scenario ${scenario}): ${s.detail.replace(/ on \/\S+/, ' over a pty')}`,
      }));
    } finally {
      await dev.close();
    }
  } finally {
    await sim.close();
  }
}

async function deviceChecks(cfg: KioskConfig | null, quick: boolean): Promise<DoctorCheck[]> {
  if (!cfg) return [{ name: 'devices', kind: 'devices', status: 'error', detail: 'not checked: the configuration is invalid' }];
  if (usesSimulation(cfg)) return guarded('devices', 'devices', 30_000, () => simulatedDevicesCheck(cfg, quick));
  const out: DoctorCheck[] = [];
  const d = cfg.devices!;
  if (d.mrz) out.push(...(await guarded('device:mrz-scanner', 'devices', 10_000, async () => [await serialPortCheck('device:mrz-scanner', d.mrz!.port, d.mrz!.baudRate, null)])));
  else out.push({ name: 'device:mrz-scanner', kind: 'devices', status: 'warning', detail: 'not configured: documents cannot be scanned' });
  if (d.nfc) out.push(...(await guarded('device:nfc-reader', 'devices', 15_000, async () => [await serialPortCheck('device:nfc-reader', d.nfc!.port, d.nfc!.baudRate, d.nfc!)])));
  else out.push({ name: 'device:nfc-reader', kind: 'devices', status: 'warning', detail: 'not configured: chips cannot be read, every traveller is referred' });
  return out;
}

// ------------------------------------------------------------------ native modules

async function nativeChecks(): Promise<DoctorCheck[]> {
  const kind = 'native' as const;
  const sqlite = guarded('native:sqlite3', kind, 10_000, async () => {
    const mod = (await import('sqlite3')).default;
    const db = await new Promise<import('sqlite3').Database>((resolve, reject) => {
      const d: import('sqlite3').Database = new mod.Database(':memory:', (err) => (err ? reject(err) : resolve(d)));
    });
    const version = await new Promise<string>((resolve, reject) =>
      db.get('SELECT sqlite_version() AS v', (err: Error | null, row: { v: string } | undefined) => (err ? reject(err) : resolve(row?.v ?? '?'))),
    );
    await new Promise<void>((resolve) => db.close(() => resolve()));
    return [{ name: 'native:sqlite3', kind, status: 'ok', detail: `loads; SQLite ${version}` }];
  });
  const serial = guarded('native:serialport', kind, 10_000, async () => {
    const { autoDetect } = await import('@serialport/bindings-cpp');
    const binding = autoDetect();
    // Listing needs udev on Linux; a failure there does not stop ports from opening.
    const listed = await binding.list().then(
      (ports) => `${ports.length} serial port${ports.length === 1 ? '' : 's'} listed by the OS`,
      (e: unknown) => `port listing unavailable (${errText(e)})`,
    );
    return [{ name: 'native:serialport', kind, status: 'ok', detail: `bindings load; ${listed}` }];
  });
  const ort = guarded('native:onnxruntime-node', kind, 20_000, async () => {
    const mod = (await import('onnxruntime-node')) as unknown as { InferenceSession?: unknown; env?: { versions?: Record<string, string> } };
    if (typeof mod.InferenceSession !== 'function') return [{ name: 'native:onnxruntime-node', kind, status: 'error', detail: 'loads, but has no InferenceSession' }];
    const v = mod.env?.versions?.['node'] ?? mod.env?.versions?.['common'];
    return [{ name: 'native:onnxruntime-node', kind, status: 'ok', detail: `loads${v ? `; version ${v}` : ''}` }];
  });
  return (await Promise.all([sqlite, serial, ort])).flat();
}

// ------------------------------------------------------------------ models


async function modelChecks(env: NodeJS.ProcessEnv, configured: string | undefined, quick: boolean): Promise<DoctorCheck[]> {
  const kind = 'models' as const;
  const dir = resolveModelsDir(configured, env);
  if (!existsSync(path.join(dir, 'manifest.json'))) {
    return [{ name: 'models', kind, status: 'error', detail: `no models/manifest.json in ${dir}: the document checks cannot run (every traveller is referred)` }];
  }
  return guarded('models', kind, 60_000, async () => {
    const { verifyModels } = await import('../../../checks/index.js');
    const r = await verifyModels(dir, { load: !quick });
    if (r.manifest !== 'ok') return [{ name: 'models', kind, status: 'error', detail: `the manifest in ${dir} is invalid: ${r.manifestError ?? ''}` }];
    const bad = r.models.filter((m) => m.status !== 'ok');
    const list = r.models.map((m) => `${m.id}${m.version ? ` ${m.version}` : ''}: ${m.status}`).join(', ');
    return [
      {
        name: 'models',
        kind,
        status: bad.length ? 'error' : 'ok',
        detail: `${r.models.length - bad.length}/${r.models.length} models ok (sha256${quick ? '' : ', loaded by ONNX Runtime'}) in ${dir}: ${list}`,
      },
    ];
  });
}

// ------------------------------------------------------------------ trust store

async function trustChecks(dataDir: string): Promise<DoctorCheck[]> {
  const kind = 'trust-store' as const;
  const dir = path.join(dataDir, 'trust');
  if (!existsSync(dir)) {
    return [{ name: 'trust-store', kind, status: 'warning', detail: `no trust store at ${dir}: no document signer can be verified (travellers are referred); import CSCAs with kiosk trust import` }];
  }
  return guarded('trust-store', kind, 20_000, async () => {
    const { openTrustStore } = await import('../../../emrtd/trust-store.js');
    const listing = openTrustStore(dir).list(new Date());
    const now = Date.now();
    const cscas = listing.certificates.filter((c) => c.kind === 'csca');
    const valid = cscas.filter((c) => Date.parse(c.notAfter) > now);
    const stale = listing.alerts.filter((a) => a.code === 'CRL_NEXT_UPDATE_PASSED');
    const unreadable = listing.alerts.filter((a) => a.code === 'TRUST_FILE_UNREADABLE');
    const parts = [
      `${cscas.length} CSCA certificate${cscas.length === 1 ? '' : 's'} (${valid.length} within validity)`,
      `${listing.certificates.length - cscas.length} link`,
      `${listing.crls.length} CRL${listing.crls.length === 1 ? '' : 's'}`,
      `${listing.masterLists.length} master list${listing.masterLists.length === 1 ? '' : 's'}`,
    ];
    const alerts = listing.alerts.map((a) => `ALERT ${a.code}: ${a.message}`);
    const status: DoctorStatus = cscas.length === 0 || stale.length > 0 || unreadable.length > 0 ? 'warning' : 'ok';
    const detail = `${parts.join(', ')} in ${dir}${cscas.length === 0 ? '; no CSCA: no document signer can be verified' : ''}${alerts.length ? `; ${alerts.join('; ')}` : ''}`;
    return [{ name: 'trust-store', kind, status, detail }];
  });
}

// ------------------------------------------------------------------ storage

function nearestExisting(p: string): string {
  let dir = p;
  while (!existsSync(dir)) {
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
}

async function storageChecks(dataDir: string): Promise<DoctorCheck[]> {
  const kind = 'storage' as const;
  const out: DoctorCheck[] = [];
  const exists = existsSync(dataDir);
  // Writable: a probe file (exclusive create), removed again.
  if (exists) {
    try {
      const probeDir = await mkdtemp(path.join(dataDir, '.doctor-'));
      await writeFile(path.join(probeDir, 'probe'), 'ok', { flag: 'wx' });
      await rm(probeDir, { recursive: true, force: true });
      out.push({ name: 'storage:data-dir', kind, status: 'ok', detail: `${dataDir} is writable` });
    } catch (e) {
      out.push({ name: 'storage:data-dir', kind, status: 'error', detail: `${dataDir} is not writable: ${errText(e)}` });
    }
  } else {
    out.push({ name: 'storage:data-dir', kind, status: 'warning', detail: `${dataDir} does not exist yet (the kiosk creates it at first start)` });
  }
  try {
    const where = nearestExisting(dataDir);
    const s = await statfs(where);
    const free = Number(s.bavail) * Number(s.bsize);
    const status: DoctorStatus = free < DISK_ERROR_BYTES ? 'error' : free < DISK_WARNING_BYTES ? 'warning' : 'ok';
    out.push({ name: 'storage:disk', kind, status, detail: `${Math.floor(free / MiB)} MiB free on the data dir's file system${status !== 'ok' ? ' (decisions must be committed durably: free some space)' : ''}` });
  } catch (e) {
    out.push({ name: 'storage:disk', kind, status: 'warning', detail: `free space unknown: ${errText(e)}` });
  }
  const db = path.join(dataDir, 'kiosk.db');
  if (!existsSync(db)) {
    out.push({ name: 'storage:database', kind, status: 'warning', detail: `no database at ${db} yet (created at first start)` });
  } else {
    out.push(
      ...(await guarded('storage:database', kind, 60_000, async () => {
        const { openKioskStore } = await import('../../../store/index.js');
        const store = await openKioskStore({ dbPath: db, readOnly: true });
        try {
          const r = await store.verifyAudit();
          if (r.ok) return [{ name: 'storage:database', kind, status: 'ok', detail: `${db} opens; audit chain intact (${r.entries} entries)` }];
          const b = r.firstBroken;
          return [
            {
              name: 'storage:database',
              kind,
              status: 'error',
              detail: `${db} opens, but the audit chain is broken at entry ${b?.seq} (${b?.reason}${b?.table ? ` ${b.table} ${b.recordId}` : ''}): see kiosk audit verify`,
            },
          ];
        } finally {
          await store.close();
        }
      })),
    );
  }
  return out;
}

// ------------------------------------------------------------------ command

export async function doctor(ctx: Pick<CliContext, 'dataDir' | 'configPath' | 'env'>, opts: { quick?: boolean } = {}): Promise<DoctorReport> {
  const quick = opts.quick === true;
  const checks: DoctorCheck[] = [];
  let cfg: KioskConfig | null = null;
  try {
    cfg = await loadConfig(ctx.configPath);
    checks.push({
      name: 'config',
      kind: 'config',
      status: 'ok',
      detail: ctx.configPath ? `${ctx.configPath} is valid${usesSimulation(cfg) ? '; no devices configured' : ''}` : 'KIOSK_CONFIG not set: defaults (simulated devices)',
    });
  } catch (e) {
    checks.push({ name: 'config', kind: 'config', status: 'error', detail: errText(e) });
  }
  checks.push(...(await deviceChecks(cfg, quick)));
  checks.push(...(await nativeChecks()));
  checks.push(...(await modelChecks(ctx.env, cfg?.modelsDir, quick)));
  checks.push(...(await trustChecks(ctx.dataDir)));
  checks.push(...(await storageChecks(ctx.dataDir)));
  return { checks, ok: checks.every((c) => c.status !== 'error'), dataDir: ctx.dataDir, config: ctx.configPath ?? null };
}

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, { quick: { type: 'boolean' } });
  if (args.positionals.length > 0) throw new UsageError('USAGE', 'usage: kiosk doctor [--quick]');
  const report = await doctor(ctx, { quick: optFlag(args, 'quick') });
  for (const c of report.checks) ctx.stderr(`[${c.status.toUpperCase().padEnd(7)}] ${c.name}: ${c.detail}`);
  ctx.stderr(report.ok ? 'kiosk doctor: no errors' : `kiosk doctor: ${report.checks.filter((c) => c.status === 'error').length} error(s)`);
  printJson(ctx, report);
  return report.ok ? EXIT.OK : EXIT.DEVICE;
}
