import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPtyPair, type PtyPair } from '../helpers/pty.js';
import { runKiosk as runKioskCli, startNfcSimulator, stopProcess as stop } from '../helpers/kiosk-cli.js';

const runKiosk = (args: string[], env: Record<string, string> = {}) => runKioskCli(args, { env });
const startSimulator = (args: string[]) => startNfcSimulator(['--no-chip-time', ...args]);
import { generatePassport, savePassport, SPECIMEN_MRZ, type SodSigner } from '../../main/sim/passport/index.js';
import { testPki, toPem } from '../../main/sim/pki/index.js';

/**
 * `kiosk read --trust CSCA` over a real pty pair against `kiosk simulate nfc --passport DIR`:
 * valid for a genuine virtual passport, the right non-valid status for forgeries.
 */
let dir: string;
let cscaFile: string;
let crlFile: string;
let pty: PtyPair | undefined;
let sim: ChildProcess | undefined;

async function passportDir(name: string, signer: SodSigner, edit?: (d: string) => void): Promise<string> {
  const d = path.join(dir, name);
  await savePassport(d, await generatePassport({ dg14: true, dg15: true, sod: { signer } }));
  edit?.(d);
  return d;
}

async function readWith(passport: string, extra: string[] = [], env: Record<string, string> = {}): Promise<any> {
  pty = await createPtyPair();
  sim = await startSimulator(['--port', pty.a, '--passport', passport]);
  const r = await runKiosk(['read', '--nfc', pty.b, '--mrz', ...SPECIMEN_MRZ, '--quiet', ...extra], env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kiosk-read-auth-'));
  cscaFile = path.join(dir, 'csca.pem');
  writeFileSync(cscaFile, toPem(testPki().csca.certificate));
  crlFile = path.join(dir, 'csca.crl');
  writeFileSync(crlFile, testPki().crl);
});
afterEach(async () => {
  await stop(sim);
  sim = undefined;
  await pty?.dispose();
  pty = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kiosk read with Passive, Active and Chip Authentication over a pty', () => {
  it('genuine virtual passport with --trust CSCA: PA, AA and CA valid', async () => {
    const out = await readWith(await passportDir('genuine', 'valid'), ['--trust', cscaFile, crlFile]);
    expect(out.passiveAuthentication.status).toBe('valid');
    expect(out.passiveAuthentication.signatureValid).toBe(true);
    expect(out.passiveAuthentication.dataGroupHashes).toEqual({ DG1: true, DG2: true, DG14: true, DG15: true });
    expect(out.passiveAuthentication.documentSigner.subject).toContain('DS Utopia 1');
    expect(out.activeAuthentication.status).toBe('valid');
    expect(out.chipAuthentication.status).toBe('valid');
    expect(out.timings.verification.passiveAuthenticationMs).toBeGreaterThan(0);
  }, 90_000);

  it('the trust store of KIOSK_DATA_DIR is used without --trust', async () => {
    const data = path.join(dir, 'data');
    const imp = await runKiosk(['trust', 'import', cscaFile], { KIOSK_DATA_DIR: data });
    expect(imp.code, imp.stderr).toBe(0);
    const out = await readWith(path.join(dir, 'genuine'), [], { KIOSK_DATA_DIR: data });
    expect(out.passiveAuthentication.status).toBe('valid');
  }, 90_000);

  it('DG1 altered on the chip: PA invalid (exit 0: the chip was read)', async () => {
    const p = await passportDir('dg1', 'valid', (d) => {
      const f = path.join(d, 'DG1.bin');
      const b = readFileSync(f);
      b[b.length - 60] = 0x58;
      writeFileSync(f, b);
    });
    const out = await readWith(p, ['--trust', cscaFile]);
    expect(out.passiveAuthentication.status).toBe('invalid');
    expect(out.passiveAuthentication.dataGroupHashes.DG1).toBe(false);
  }, 90_000);

  it('Document Signer under an untrusted CSCA: unknown-signer', async () => {
    const out = await readWith(await passportDir('untrusted', 'untrusted'), ['--trust', cscaFile]);
    expect(out.passiveAuthentication.status).toBe('unknown-signer');
  }, 90_000);

  it('revoked Document Signer with the CRL: invalid', async () => {
    const out = await readWith(await passportDir('revoked', 'revoked'), ['--trust', cscaFile, crlFile]);
    expect(out.passiveAuthentication.status).toBe('invalid');
    expect(out.passiveAuthentication.reasons.map((r: any) => r.code)).toContain('DS_REVOKED');
  }, 90_000);

  it('cloned chip (same files, other chip keys): PA valid, AA and CA invalid', async () => {
    const p = await passportDir('clone', 'valid', (d) => {
      const f = path.join(d, 'passport.json');
      const j = JSON.parse(readFileSync(f, 'utf8'));
      j.keys.seed = 'a forger';
      writeFileSync(f, JSON.stringify(j));
    });
    const out = await readWith(p, ['--trust', cscaFile]);
    expect(out.passiveAuthentication.status).toBe('valid');
    expect(out.activeAuthentication.status).toBe('invalid');
    expect(out.chipAuthentication.status).toBe('invalid');
  }, 90_000);
});
