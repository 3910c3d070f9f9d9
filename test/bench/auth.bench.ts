/**
 * Authentication benchmark (prints, asserts nothing):
 *  - Passive Authentication per document: real EF.SODs (RSA, RSA-PSS, ECDSA brainpool/NIST) against
 *    their CSCA, and a test-PKI SOD with DG1/DG2; and the cost of opening a trust store holding the
 *    German and Dutch master lists (about 1000 CSCAs);
 *  - Active Authentication (RSA 1024/2048 ISO 9796-2, ECDSA P-256) and Chip Authentication
 *    (ECDH P-256 AES-128, brainpoolP256r1 3DES, DH 2048) against the in-process virtual chip,
 *    host and chip work together (no link time), each as a ratio to one BAC session setup.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { activeAuthenticate } from '../../main/emrtd/aa.js';
import { establishAccess, mrzInformation } from '../../main/emrtd/access.js';
import { chipAuthenticate } from '../../main/emrtd/ca.js';
import type { CipherSuite } from '../../main/emrtd/crypto/kdf.js';
import { MemoryTrustStore, parseCertificate, pemBlocks, passiveAuthenticate } from '../../main/emrtd/pki/index.js';
import type { ApduTransport } from '../../main/emrtd/transport.js';
import { openTrustStore } from '../../main/emrtd/trust-store.js';
import { createVirtualChip, type ChipExtension } from '../../main/sim/chip/index.js';
import { buildDg14, buildDg15, createActiveAuthExtension, createChipAuthExtension, generateAaKey, generateCaKey, type AaKeySpec, type CaKeySpec } from '../../main/sim/chip-auth/index.js';
import { buildSod, testPki } from '../../main/sim/pki/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '../fixtures/real-sod');
const NOW = new Date('2026-11-22T00:00:00Z');
const MRZ_INFO = mrzInformation('L898902C3', '740812', '120415');

function stat(xs: number[]): { p50: number; p90: number; mean: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length / 2)]!, p90: s[Math.floor(s.length * 0.9)]!, mean: xs.reduce((a, b) => a + b, 0) / xs.length };
}
const ms = (x: number): string => `${x.toFixed(2)} ms`;

async function time(n: number, f: () => Promise<unknown>): Promise<number[]> {
  await f(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    out.push(performance.now() - t);
  }
  return out;
}

async function session(files: Map<number, Uint8Array>, extensions: ChipExtension[]) {
  const chip = createVirtualChip({ files: new Map([[0x011e, Uint8Array.of(0x60, 0x03, 0x5c, 0x01, 0x61)], ...files]), mrzInformation: MRZ_INFO, accessControl: { bac: true }, chipTimeMs: false, extensions });
  const transport: ApduTransport = { maxLe: 231, transmit: async (c) => chip.transceive(c).response };
  return (await establishAccess(transport, { kind: 'mrz', mrzInformation: MRZ_INFO })).channel;
}

export default async function bench(): Promise<void> {
  // Passive Authentication.
  console.log('Passive Authentication (per document, signature + chain + hashes):');
  for (const id of ['AT', 'DE', 'MY', 'US', 'FI']) {
    const j = JSON.parse(readFileSync(path.join(fixtures, `${id}.json`), 'utf8'));
    const store = new MemoryTrustStore(pemBlocks(Buffer.from(j.cscaCertificate.pem), ['CERTIFICATE'])!.map((b) => parseCertificate(b.der)));
    const sod = new Uint8Array(Buffer.from(j.sod, 'hex'));
    const s = stat(await time(30, () => passiveAuthenticate({ sod, dataGroups: {}, trustStore: store, now: NOW })));
    console.log(`  ${id.padEnd(3)} ${j.expected.signatureAlgorithm.name.padEnd(20)} DS ${j.expected.dsCertificate.publicKey.keyType} p50 ${ms(s.p50)}  p90 ${ms(s.p90)}`);
  }
  const pki = testPki();
  const dgs = new Map([[1, new Uint8Array(93).fill(0x41)], [2, new Uint8Array(18_000).fill(0x42)]]);
  const sod = buildSod({ dataGroups: dgs, signer: pki.signers.valid });
  const store = new MemoryTrustStore([parseCertificate(pki.csca.certificate)]);
  const paTest = stat(await time(30, () => passiveAuthenticate({ sod, dataGroups: { DG1: dgs.get(1)!, DG2: dgs.get(2)! }, trustStore: store, now: NOW })));
  console.log(`  test PKI, ECDSA P-256, DG1 + 18 kB DG2: p50 ${ms(paTest.p50)}  p90 ${ms(paTest.p90)}`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'kiosk-bench-trust-'));
  try {
    const lists = JSON.parse(readFileSync(path.join(fixtures, 'master-lists.json'), 'utf8')).lists as { file: string; trustAnchor: { pem: string } }[];
    const ts = openTrustStore(dir);
    let t = performance.now();
    for (const l of lists) {
      ts.importBytes(new Uint8Array(Buffer.from(l.trustAnchor.pem)), 'anchor.pem', { now: NOW });
      ts.importBytes(new Uint8Array(readFileSync(path.join(fixtures, l.file))), l.file, { now: NOW });
    }
    const importMs = performance.now() - t;
    t = performance.now();
    const reopened = openTrustStore(dir);
    const openMs = performance.now() - t;
    const j = JSON.parse(readFileSync(path.join(fixtures, 'DE.json'), 'utf8'));
    const s = stat(await time(30, () => passiveAuthenticate({ sod: new Uint8Array(Buffer.from(j.sod, 'hex')), dataGroups: {}, trustStore: reopened, now: NOW })));
    console.log(`  trust store with DE+NL master lists (${reopened.anchors.length} CSCAs): import ${ms(importMs)}, open ${ms(openMs)}, PA (DE) p50 ${ms(s.p50)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // BAC session setup as the unit of comparison.
  const bac = stat(await time(10, () => session(new Map(), [])));
  console.log(`\nBAC session setup (in process, for scale): p50 ${ms(bac.p50)}`);

  console.log('Active Authentication (INTERNAL AUTHENTICATE, chip signs + host verifies):');
  const aaSpecs: [string, AaKeySpec][] = [
    ['RSA 1024 ISO 9796-2 SHA-1', { type: 'rsa', bits: 1024 }],
    ['RSA 2048 ISO 9796-2 SHA-256', { type: 'rsa', bits: 2048, hash: 'SHA-256' }],
    ['ECDSA P-256 plain', { type: 'ec', curve: 'prime256v1', hash: 'SHA-256' }],
  ];
  for (const [name, spec] of aaSpecs) {
    const key = generateAaKey(spec);
    const dg15 = buildDg15(key.spki);
    const ch = await session(new Map([[0x010f, dg15]]), [createActiveAuthExtension(key)]);
    const s = stat(await time(20, () => activeAuthenticate(ch, dg15)));
    console.log(`  ${name.padEnd(30)} p50 ${ms(s.p50)}  p90 ${ms(s.p90)}  (${(s.p50 / bac.p50).toFixed(2)}× BAC)`);
  }

  console.log('Chip Authentication (key agreement both sides, new keys, one verifying read):');
  const caSpecs: [string, CaKeySpec, CipherSuite][] = [
    ['ECDH P-256 AES-128', { agreement: 'ECDH', curve: 'prime256v1' }, 'AES-128'],
    ['ECDH brainpoolP256r1 3DES', { agreement: 'ECDH', curve: 'brainpoolP256r1' }, '3DES'],
    ['DH 2048 3DES', { agreement: 'DH', group: 'modp14' }, '3DES'],
  ];
  for (const [name, spec, cipher] of caSpecs) {
    const key = generateCaKey(spec);
    const dg14 = buildDg14({ ca: { key, cipher } });
    const ext = [createChipAuthExtension({ key, cipher })];
    // CA changes the session keys: a fresh session per run, its setup time subtracted.
    const runs: number[] = [];
    for (let i = 0; i < 11; i++) {
      const ch = await session(new Map([[0x010e, dg14]]), ext);
      const t = performance.now();
      await chipAuthenticate(ch, dg14);
      if (i > 0) runs.push(performance.now() - t);
    }
    const s = stat(runs);
    console.log(`  ${name.padEnd(30)} p50 ${ms(s.p50)}  p90 ${ms(s.p90)}  (${(s.p50 / bac.p50).toFixed(2)}× BAC)`);
  }
}
