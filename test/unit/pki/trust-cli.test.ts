import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../main/host/cli/main.js';
import type { CliContext } from '../../../main/host/cli/context.js';
import { nullLogger } from '../../../main/base/log.js';
import { buildCrl, buildMasterList, testPki, toPem } from '../../../main/sim/pki/index.js';

function ctxFor(dataDir: string): { ctx: CliContext; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    ctx: {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      env: { KIOSK_DATA_DIR: dataDir },
      dataDir,
      configPath: undefined,
      log: nullLogger,
      signal: new AbortController().signal,
    },
  };
}

describe('kiosk trust', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kiosk-trust-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, data: string | Uint8Array): string => {
    const f = path.join(dir, name);
    writeFileSync(f, data);
    return f;
  };

  it('imports a PEM CSCA, a CRL and a master list into $KIOSK_DATA_DIR/trust and lists them', async () => {
    const pki = testPki();
    const ml = buildMasterList({ signer: pki.signers.masterListSigner, certificates: [pki.csca.certificate, pki.link, pki.cscaNext.certificate] });
    const files = [write('ml.ml', ml), write('crl.crl', pki.crl), write('csca.pem', toPem(pki.csca.certificate))];
    const a = ctxFor(path.join(dir, 'data'));
    expect(await runCli(['trust', 'import', ...files], a.ctx)).toBe(0);
    const res = JSON.parse(a.out.join(''));
    expect(res.trustStore).toBe(path.join(dir, 'data', 'trust'));
    expect(res.imported.map((o: any) => [o.file, o.kind, o.ok])).toEqual([
      ['csca.pem', 'csca', true],
      ['ml.ml', 'master-list', true],
      ['crl.crl', 'crl', true],
    ]);
    expect(res.imported[1].added).toBe(2); // link + next CSCA; the CSCA itself was already there
    expect(res.imported[1].duplicates).toBe(1);
    expect(res.alerts).toEqual([]);

    const b = ctxFor(path.join(dir, 'data'));
    expect(await runCli(['trust', 'list'], b.ctx)).toBe(0);
    const list = JSON.parse(b.out.join(''));
    expect(list.certificates.map((c: any) => c.kind).sort()).toEqual(['csca', 'csca', 'link']);
    expect(list.crls).toHaveLength(1);
    expect(list.crls[0].revoked).toBe(1);
    expect(list.masterLists).toHaveLength(1);
  });

  it('refuses a Document Signer, a CRL of an unknown CSCA and a master list of an untrusted signer (exit 1)', async () => {
    const pki = testPki();
    const ml = buildMasterList({ signer: pki.signers.masterListSigner, certificates: [pki.csca.certificate] });
    const files = [write('ds.der', pki.signers.valid.certificate), write('crl.der', pki.crl), write('ml.ml', ml)];
    const a = ctxFor(path.join(dir, 'data'));
    expect(await runCli(['trust', 'import', ...files], a.ctx)).toBe(1);
    const res = JSON.parse(a.out.join(''));
    const codes = Object.fromEntries(res.imported.map((o: any) => [o.file, o.error?.code]));
    expect(codes).toEqual({ 'ds.der': 'TRUST_NOT_A_CA', 'ml.ml': 'TRUST_ML_SIGNER_UNTRUSTED', 'crl.der': 'TRUST_CRL_ISSUER' });
    expect(readFileSync(path.join(dir, 'data', 'trust', 'index.json'), 'utf8')).toContain('"certificates": {}');
  });

  it('raises an alert when the newest CRL of a CSCA is past its nextUpdate', async () => {
    const pki = testPki();
    const old = buildCrl(pki.csca, { revoked: [], thisUpdate: new Date('2020-01-01Z'), nextUpdate: new Date('2020-02-01Z') });
    const a = ctxFor(path.join(dir, 'data'));
    expect(await runCli(['trust', 'import', write('csca.der', pki.csca.certificate), write('old.crl', old)], a.ctx)).toBe(0);
    const res = JSON.parse(a.out.join(''));
    expect(res.alerts.map((x: any) => x.code)).toEqual(['CRL_NEXT_UPDATE_PASSED']);
    expect(a.err.join('\n')).toMatch(/ALERT CRL_NEXT_UPDATE_PASSED/);
    // A newer CRL clears the alert.
    const b = ctxFor(path.join(dir, 'data'));
    expect(await runCli(['trust', 'import', write('new.crl', pki.crl)], b.ctx)).toBe(0);
    expect(JSON.parse(b.out.join('')).alerts).toEqual([]);
  });

  it('a damaged file in the store is left out with an alert; the rest still loads', async () => {
    const pki = testPki();
    const a = ctxFor(path.join(dir, 'data'));
    expect(await runCli(['trust', 'import', write('csca.der', pki.csca.certificate), write('link.der', pki.link)], a.ctx)).toBe(0);
    const certs = path.join(dir, 'data', 'trust', 'certs');
    const { readdirSync } = await import('node:fs');
    writeFileSync(path.join(certs, readdirSync(certs)[0]!), 'garbage');
    const b = ctxFor(path.join(dir, 'data'));
    expect(await runCli(['trust', 'list'], b.ctx)).toBe(0);
    const list = JSON.parse(b.out.join(''));
    expect(list.certificates).toHaveLength(1);
    expect(list.alerts.map((x: any) => x.code)).toEqual(['TRUST_FILE_UNREADABLE']);
  });

  it('usage errors exit 2', async () => {
    const a = ctxFor(path.join(dir, 'data'));
    expect(await runCli(['trust'], a.ctx)).toBe(2);
    expect(await runCli(['trust', 'import'], a.ctx)).toBe(2);
    expect(await runCli(['trust', 'import', path.join(dir, 'nope.pem')], a.ctx)).toBe(2);
  });
});
