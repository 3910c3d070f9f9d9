import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nullLogger } from '../../../main/base/log.js';
import { readTrustStore } from '../../../main/host/cli/commands/read.js';
import { openTrustStore } from '../../../main/emrtd/trust-store.js';
import { buildMasterList, testPki, toPem } from '../../../main/sim/pki/index.js';

describe('kiosk read trust inputs (--trust PATH... and $KIOSK_DATA_DIR/trust)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kiosk-read-trust-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const pki = testPki();

  it('merges the data-dir trust store with files and folders given with --trust; a Document Signer given as trust is left out', () => {
    const data = path.join(dir, 'data');
    openTrustStore(path.join(data, 'trust')).importBytes(pki.csca.certificate, 'csca.der');
    const folder = path.join(dir, 'folder');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'link.pem'), toPem(pki.link));
    writeFileSync(path.join(folder, 'crl.der'), pki.crl);
    const ds = path.join(dir, 'ds.der');
    writeFileSync(ds, pki.signers.valid.certificate);
    const ml = path.join(dir, 'list.ml');
    writeFileSync(ml, buildMasterList({ signer: pki.signers.masterListSigner, certificates: [pki.csca.certificate, pki.cscaNext.certificate] }));
    const store = readTrustStore({ trust: [folder, ds, ml], dataDir: data, log: nullLogger });
    const subjects = store.anchors.map((a) => a.subject.text).sort();
    expect(subjects).toEqual(expect.arrayContaining([expect.stringContaining('CN=CSCA Utopia,'), expect.stringContaining('CN=CSCA Utopia 2')]));
    expect(subjects.some((s) => s.includes('DS Utopia'))).toBe(false);
    expect(store.crls).toHaveLength(1);
  });

  it('without a data-dir store or --trust: an empty store (PA says unknown-signer)', () => {
    const store = readTrustStore({ trust: [], dataDir: path.join(dir, 'none'), log: nullLogger });
    expect(store.anchors).toHaveLength(0);
  });

  it('a --trust path that does not exist is a usage error', () => {
    expect(() => readTrustStore({ trust: [path.join(dir, 'missing.pem')], dataDir: dir, log: nullLogger })).toThrow(/no such file/);
  });
});
