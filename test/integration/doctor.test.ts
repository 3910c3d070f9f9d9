/**
 * `kiosk doctor` end to end: `node bin/kiosk.js doctor` with KIOSK_DATA_DIR in a temp dir, with
 * and without configured devices (the configured ones are the simulators on real ptys), a
 * trust store, a real SQLite database whose audit chain verifies and then does not.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../main/base/clock.js';
import { openTrustStore } from '../../main/emrtd/trust-store.js';
import { startSimulatedDevices, type SimulatedDevices } from '../../main/host/devices/simulated.js';
import { testPki } from '../../main/sim/pki/index.js';
import { openKioskStore } from '../../main/store/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const kiosk = path.join(root, 'bin/kiosk.js');
const tmp = mkdtempSync(path.join(tmpdir(), 'kiosk-doctor-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Check {
  name: string;
  kind: string;
  status: 'ok' | 'warning' | 'error';
  detail: string;
}
interface Report {
  checks: Check[];
  ok: boolean;
}

function doctor(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; report: Report; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [kiosk, 'doctor', ...args], { cwd: root, env: { ...process.env, KIOSK_LOG_LEVEL: 'warn', KIOSK_CONFIG: '', ...env } });
    let out = '';
    let err = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const t = setTimeout(() => p.kill('SIGKILL'), 120_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(t);
      try {
        resolve({ code, report: JSON.parse(out) as Report, stderr: err });
      } catch {
        reject(new Error(`doctor printed no JSON (exit ${code}): ${out}\n${err}`));
      }
    });
  });
}

const byName = (r: Report, name: string): Check => {
  const c = r.checks.find((x) => x.name === name);
  if (!c) throw new Error(`no check ${name} in ${r.checks.map((x) => x.name).join(', ')}`);
  return c;
};

/** A models folder whose manifest matches its files: the real quality model under each id (loadable by ONNX Runtime). */
function healthyModels(): string {
  const dir = mkdtempSync(path.join(tmp, 'models-'));
  const real = JSON.parse(readFileSync(path.join(root, 'models/manifest.json'), 'utf8')) as { models: Record<string, { file: string; sha256: string }> };
  const q = real.models['quality']!;
  copyFileSync(path.join(root, 'models', q.file), path.join(dir, q.file));
  const models: Record<string, unknown> = {};
  for (const id of ['quality', 'face-detector', 'mrz-ocr']) models[id] = { ...q, version: 'test' };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ schema: 1, models }));
  return dir;
}

/** A data dir with the test CSCA in its trust store and a database holding a few audit entries. */
async function healthyDataDir(): Promise<string> {
  const dir = mkdtempSync(path.join(tmp, 'data-'));
  openTrustStore(path.join(dir, 'trust')).importBytes(testPki().csca.certificate, 'csca.der');
  const store = await openKioskStore({ dataDir: dir, clock: systemClock });
  for (let i = 0; i < 3; i++) await store.appendAudit({ type: 'config-change', actor: 'test', data: { i } }, Date.now());
  await store.close();
  return dir;
}

describe('kiosk doctor', () => {
  let models: string;
  let sim: SimulatedDevices;
  beforeAll(async () => {
    models = healthyModels();
    sim = await startSimulatedDevices();
  }, 60_000);
  afterAll(async () => {
    await sim?.close();
  });

  it('no devices configured: the simulators are started and self-tested; a healthy kiosk exits 0', async () => {
    const data = await healthyDataDir();
    const { code, report, stderr } = await doctor({ KIOSK_DATA_DIR: data, KIOSK_MODELS_DIR: models });
    expect(report.checks.filter((c) => c.status === 'error'), stderr).toEqual([]);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(byName(report, 'config').detail).toMatch(/KIOSK_CONFIG not set/);
    expect(byName(report, 'device:mrz-scanner')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^simulated/) });
    expect(byName(report, 'device:nfc-reader')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^simulated.*PN532 v1\.6/) });
    for (const n of ['native:sqlite3', 'native:serialport', 'native:onnxruntime-node']) expect(byName(report, n).status).toBe('ok');
    expect(byName(report, 'models')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^3\/3 models ok \(sha256, loaded by ONNX Runtime\)/) });
    expect(byName(report, 'trust-store')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^1 CSCA certificate \(1 within validity\)/) });
    expect(byName(report, 'storage:data-dir').status).toBe('ok');
    expect(byName(report, 'storage:disk').detail).toMatch(/MiB free/);
    expect(byName(report, 'storage:database')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/audit chain intact \(3 entries\)/) });
    // Status lines for people on standard error.
    expect(stderr).toMatch(/\[OK {5}\] device:nfc-reader: simulated/);
  }, 150_000);

  it('configured devices (the simulators on ptys): ports present and openable, the PN532 firmware version', async () => {
    const data = await healthyDataDir();
    const cfg = path.join(tmp, 'devices.json');
    writeFileSync(cfg, JSON.stringify({ devices: { mrz: sim.config.mrz, nfc: sim.config.nfc } }));
    const { code, report, stderr } = await doctor({ KIOSK_DATA_DIR: data, KIOSK_MODELS_DIR: models, KIOSK_CONFIG: cfg }, ['--quick']);
    expect(byName(report, 'config')).toMatchObject({ status: 'ok', detail: `${cfg} is valid` });
    expect(byName(report, 'device:mrz-scanner')).toMatchObject({ status: 'ok', detail: `${sim.config.mrz.port} opens at ${sim.config.mrz.baudRate} baud` });
    expect(byName(report, 'device:nfc-reader'), stderr).toMatchObject({ status: 'ok', detail: `PN532 v1.6 on ${sim.config.nfc.port} (ISO 14443 A+B)` });
    expect(byName(report, 'models').detail).toMatch(/^3\/3 models ok \(sha256\)/);
    expect(code).toBe(0);
  }, 150_000);

  it('a configured port that is not there, no trust store, no database: errors and warnings, exit 4', async () => {
    const data = mkdtempSync(path.join(tmp, 'empty-'));
    const cfg = path.join(tmp, 'gone.json');
    writeFileSync(cfg, JSON.stringify({ devices: { mrz: { port: path.join(tmp, 'no-such-tty') } } }));
    const { code, report } = await doctor({ KIOSK_DATA_DIR: data, KIOSK_MODELS_DIR: models, KIOSK_CONFIG: cfg }, ['--quick']);
    expect(code).toBe(4);
    expect(report.ok).toBe(false);
    expect(byName(report, 'device:mrz-scanner')).toMatchObject({ status: 'error', detail: expect.stringMatching(/not present/) });
    expect(byName(report, 'device:nfc-reader')).toMatchObject({ status: 'warning', detail: expect.stringMatching(/not configured/) });
    expect(byName(report, 'trust-store')).toMatchObject({ status: 'warning', detail: expect.stringMatching(/no trust store/) });
    expect(byName(report, 'storage:database')).toMatchObject({ status: 'warning', detail: expect.stringMatching(/no database/) });
  }, 120_000);

  it('an invalid configuration file is an error line naming the field', async () => {
    const data = mkdtempSync(path.join(tmp, 'cfg-'));
    const cfg = path.join(tmp, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ devices: { nfc: { port: '/dev/ttyUSB1', baudRate: 'fast' } } }));
    const { code, report } = await doctor({ KIOSK_DATA_DIR: data, KIOSK_MODELS_DIR: models, KIOSK_CONFIG: cfg }, ['--quick']);
    expect(code).toBe(4);
    expect(byName(report, 'config')).toMatchObject({ status: 'error', detail: expect.stringMatching(/CONFIG_INVALID.*devices\.nfc\.baudRate/) });
    expect(byName(report, 'devices').status).toBe('error');
  }, 120_000);

  it('a tampered audit log and a stale CRL', async () => {
    const data = await healthyDataDir();
    const pki = testPki();
    // A CRL past its nextUpdate: the technician must import a newer one.
    const { buildCrl } = await import('../../main/sim/pki/index.js');
    const stale = buildCrl(pki.csca, { revoked: [], thisUpdate: new Date('2020-01-01T00:00:00Z'), nextUpdate: new Date('2020-02-01T00:00:00Z') });
    openTrustStore(path.join(data, 'trust')).importBytes(stale, 'old.crl');
    execFileSync('sqlite3', [path.join(data, 'kiosk.db'), "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"]);
    const { code, report } = await doctor({ KIOSK_DATA_DIR: data, KIOSK_MODELS_DIR: models }, ['--quick']);
    expect(code).toBe(4);
    expect(byName(report, 'storage:database')).toMatchObject({ status: 'error', detail: expect.stringMatching(/audit chain is broken at entry 2/) });
    expect(byName(report, 'trust-store')).toMatchObject({ status: 'warning', detail: expect.stringMatching(/CRL_NEXT_UPDATE_PASSED/) });
  }, 120_000);
});
