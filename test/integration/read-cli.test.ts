/**
 * End to end over real ptys (socat): `kiosk simulate nfc` (a simulated PN532 with the virtual
 * passport) on one end, `kiosk read --nfc` on the other, both as real processes. Also the
 * simulator in this process (to inject garbage on the line, or to have no card in the field).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../main/base/bytes.js';
import { parseDg1 } from '../../main/emrtd/lds/index.js';
import { createPtyPair, type PtyPair } from '../helpers/pty.js';
import { ROOT as root, runKiosk, startNfcSimulator as startSimulator, stopProcess as stop } from '../helpers/kiosk-cli.js';
import { generatePassport, savePassport, SPECIMEN_MRZ, type GeneratedPassport } from '../../main/sim/passport/index.js';
import { openPn532SimulatorOnPort, type Pn532SimulatorOnPort } from '../../main/sim/pn532/index.js';
import { buildChip } from '../../main/host/cli/commands/simulate-nfc.js';

const mrzArgs = ['--mrz', ...SPECIMEN_MRZ];

let pty: PtyPair;
let dir: string;
let pacePassport: GeneratedPassport;
let bacPassport: GeneratedPassport;
let sim: ChildProcess | undefined;
let inProcess: Pn532SimulatorOnPort | undefined;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kiosk-read-'));
  pacePassport = await generatePassport({ dg15: true });
  bacPassport = await generatePassport({ accessControl: { bac: true }, face: 'jpeg2000' });
  await savePassport(path.join(dir, 'pace'), pacePassport);
  await savePassport(path.join(dir, 'bac'), bacPassport);
}, 60_000);

afterEach(async () => {
  await stop(sim);
  sim = undefined;
  await inProcess?.close();
  inProcess = undefined;
  await pty?.dispose();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectFiles(out: Record<string, unknown>, p: GeneratedPassport): void {
  const files = out.files as Record<string, string>;
  expect(files.COM).toBe(toHex(p.files.get(0x011e)!));
  expect(files.DG1).toBe(toHex(p.files.get(0x0101)!));
  expect(files.DG2).toBe(toHex(p.files.get(0x0102)!));
  expect(files.SOD).toBe(toHex(p.files.get(0x011d)!));
}

describe('kiosk read over a pty against kiosk simulate nfc', () => {
  it('reads by PACE with the contract JSON', async () => {
    pty = await createPtyPair();
    sim = await startSimulator(['--port', pty.a, '--passport', path.join(dir, 'pace')]);
    const r = await runKiosk(['read', '--nfc', pty.b, ...mrzArgs]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, any>;
    expect(out.chip).toMatchObject({ type: 'A' });
    expect(out.chip.uid).toMatch(/^[0-9A-F]{8,20}$/);
    expect(out.accessControl).toMatchObject({ protocol: 'PACE', status: 'success' });
    expectFiles(out, pacePassport);
    expect(out.files.DG15).toBe(toHex(pacePassport.files.get(0x010f)!));
    expect(out.dg1).toMatchObject({ valid: true, format: 'TD3', fields: { documentNumber: 'L898902C3', surname: 'ERIKSSON' } });
    expect(out.faceImage).toMatchObject({ format: 'jpeg', width: 240, height: 320, bytes: toHex(pacePassport.face.bytes) });
    // No CSCA given (no --trust, no trust store in the data dir): the SOD verifies but is not verifiable to a CSCA.
    // Without --trust the Document Signer cannot be chained: "not verifiable", never "forged".
    // (Every status is tested in read-auth.test.ts.)
    expect(out.passiveAuthentication.status).toBe('unknown-signer');
    expect(out.passiveAuthentication).toHaveProperty('dataGroupHashes');
    expect(['valid', 'invalid', 'not-supported', 'not-performed']).toContain(out.activeAuthentication.status);
    expect(out.chipAuthentication.status).toBe('not-supported');
    expect(Object.keys(out.timings.perFileMs)).toEqual(['COM', 'DG1', 'SOD', 'DG2', 'DG15']);
    expect(out.timings.totalMs).toBeGreaterThan(0);
    expect(out.timings.accessControlMs).toBeGreaterThan(0);
    // Progress lines went to standard error, never to standard output.
    expect(r.stderr).toContain('"progress"');
  }, 90_000);

  it('reads by BAC (no EF.CardAccess) a passport with a JPEG 2000 face, key from the MRZ fields', async () => {
    pty = await createPtyPair();
    sim = await startSimulator(['--port', pty.a, '--passport', path.join(dir, 'bac')]);
    const r = await runKiosk(['read', '--nfc', pty.b, '--document-number', 'L898902C3', '--birth-date', '740812', '--expiry-date', '340415']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, any>;
    expect(out.accessControl.protocol).toBe('BAC');
    expectFiles(out, bacPassport);
    expect(out.faceImage).toMatchObject({ format: 'jpeg2000', container: 'j2k' });
  }, 90_000);

  it('resumes after the passport is lifted mid-DG2, with a small maximum Le (Le ladder)', async () => {
    pty = await createPtyPair();
    sim = await startSimulator(['--port', pty.a, '--generate', '--lift-after-bytes', '6000', '--back-after-ms', '400', '--max-le', '120']);
    const r = await runKiosk(['read', '--nfc', pty.b, ...mrzArgs]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, any>;
    expect(out.resumes).toBe(1);
    expect(out.accessControl.runs).toBe(2);
    expect(out.le).toBe(96);
    expect(out.dg1.valid).toBe(true);
    expect(out.faceImage.width).toBe(240);
  }, 90_000);

  it('reads by PACE with the CAN', async () => {
    pty = await createPtyPair();
    sim = await startSimulator(['--port', pty.a, '--passport', path.join(dir, 'pace')]);
    const r = await runKiosk(['read', '--nfc', pty.b, '--can', pacePassport.can, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, any>;
    expect(out.accessControl.protocol).toBe('PACE');
    expectFiles(out, pacePassport);
    expect(r.stderr).not.toContain('"progress"');
  }, 90_000);

  it('exits 3 when the passport is lifted and not put back', async () => {
    pty = await createPtyPair();
    sim = await startSimulator(['--port', pty.a, '--passport', path.join(dir, 'bac'), '--lift-after-bytes', '3000', '--back-after-ms', '600000']);
    const r = await runKiosk(['read', '--nfc', pty.b, '--timeout-ms', '1500', ...mrzArgs]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toBe('');
  }, 90_000);

  it('reads the files of a real specimen passport (NL 2006, JP2 face) served from a --passport folder', async () => {
    const nl = JSON.parse(readFileSync(path.join(root, 'test/fixtures/passports/NL-loes2006-specimen.json'), 'utf8')) as {
      efCom: string;
      sod: string;
      dataGroups: Record<string, string>;
    };
    const folder = path.join(dir, 'nl');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'COM.bin'), fromHex(nl.efCom));
    writeFileSync(path.join(folder, 'SOD.bin'), fromHex(nl.sod));
    for (const [n, hex] of Object.entries(nl.dataGroups)) writeFileSync(path.join(folder, `DG${n}.bin`), fromHex(hex));
    const lines = parseDg1(fromHex(nl.dataGroups['1']!)).lines;
    writeFileSync(path.join(folder, 'passport.json'), JSON.stringify({ mrz: lines, accessControl: { bac: true } }));
    pty = await createPtyPair();
    sim = await startSimulator(['--port', pty.a, '--passport', folder]);
    const r = await runKiosk(['read', '--nfc', pty.b, '--quiet', '--mrz', ...lines]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, any>;
    expect(out.accessControl.protocol).toBe('BAC');
    expect(out.files.DG2).toBe(nl.dataGroups['2']!.toUpperCase());
    expect(out.files.SOD).toBe(nl.sod.toUpperCase());
    expect(out.dg1).toMatchObject({ valid: true, fields: { documentNumber: 'XX0001328' } });
    expect(out.faceImage).toMatchObject({ format: 'jpeg2000', container: 'jp2', width: 449, height: 598 });
  }, 90_000);

  it('exits 5 with "the MRZ may be misread" for a wrong MRZ', async () => {
    pty = await createPtyPair();
    sim = await startSimulator(['--port', pty.a, '--passport', path.join(dir, 'pace')]);
    const r = await runKiosk(['read', '--nfc', pty.b, '--document-number', 'L898902C3', '--birth-date', '740813', '--expiry-date', '340415']);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('the MRZ may be misread');
  }, 90_000);

  it('reads through garbage on the line', async () => {
    pty = await createPtyPair();
    inProcess = await openPn532SimulatorOnPort({ path: pty.a, baudRate: 115200, field: { card: buildChip(bacPassport) } });
    const noise = setInterval(() => {
      void inProcess?.inject(Uint8Array.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x00, 0xff, 0x05, 0xfa, 0xd5, 0x99]));
    }, 120);
    try {
      const r = await runKiosk(['read', '--nfc', pty.b, ...mrzArgs]);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as Record<string, any>;
      expectFiles(out, bacPassport);
      // The driver really met the garbage and skipped it.
      expect(out.timings.wire.skippedBytes).toBeGreaterThan(0);
    } finally {
      clearInterval(noise);
    }
    expect(inProcess.stats.bytesOut).toBeGreaterThan(0);
  }, 90_000);

  it('exits 3 when no chip is in the field, 4 when no reader answers, 2 on bad usage', async () => {
    pty = await createPtyPair();
    inProcess = await openPn532SimulatorOnPort({ path: pty.a, baudRate: 115200, field: { card: null } });
    const none = await runKiosk(['read', '--nfc', pty.b, '--timeout-ms', '800', ...mrzArgs]);
    expect(none.code).toBe(3);
    await inProcess.close();
    inProcess = undefined;
    const dead = await runKiosk(['read', '--nfc', pty.b, '--timeout-ms', '800', ...mrzArgs]);
    expect(dead.code).toBe(4);
    const usage = await runKiosk(['read', '--nfc', pty.b]);
    expect(usage.code).toBe(2);
  }, 90_000);
});
