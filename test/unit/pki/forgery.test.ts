import { beforeAll, describe, expect, it } from 'vitest';
import { readPassport } from '../../../main/emrtd/reader.js';
import type { ApduTransport } from '../../../main/emrtd/transport.js';
import { authenticateChip, MemoryTrustStore, parseCertificate, parseCrl, parseSod, type ChipAuthenticationReport } from '../../../main/emrtd/pki/index.js';
import { createVirtualChip, type ChipExtension } from '../../../main/sim/chip/index.js';
import { chipAuthExtensions, createChipAuthExtension, caKeyFromTestKey } from '../../../main/sim/chip-auth/index.js';
import { chipKeys, generatePassport, type GeneratedPassport, type SodSigner } from '../../../main/sim/passport/index.js';
import { testPki } from '../../../main/sim/pki/index.js';

/**
 * The forgery corpus: a genuine virtual passport and one forgery per attack, each read through the
 * virtual chip and authenticated like the kiosk does. None of the forgeries may come out valid.
 */
const NOW = new Date('2026-11-22T12:00:00Z');
const pki = testPki();
const store = (): MemoryTrustStore =>
  new MemoryTrustStore([parseCertificate(pki.csca.certificate), parseCertificate(pki.link)], [parseCrl(pki.crl)]);

const cache = new Map<string, GeneratedPassport>();
async function passport(signer: SodSigner = 'valid'): Promise<GeneratedPassport> {
  const hit = cache.get(signer);
  if (hit) return hit;
  const p = await generatePassport({ dg14: true, dg15: true, sod: { signer } });
  cache.set(signer, p);
  return p;
}

async function readAndAuthenticate(
  p: GeneratedPassport,
  o: { files?: Map<number, Uint8Array>; extensions?: ChipExtension[] } = {},
): Promise<ChipAuthenticationReport> {
  const chip = createVirtualChip({
    files: o.files ?? p.files,
    mrzInformation: p.mrzInformation,
    accessControl: p.accessControl,
    chipTimeMs: false,
    extensions: o.extensions ?? chipAuthExtensions(p.keys),
  });
  const transport: ApduTransport = { maxLe: 231, transmit: async (c) => chip.transceive(c).response };
  const read = await readPassport(transport, { kind: 'mrz', mrzInformation: p.mrzInformation }, { resume: false });
  return authenticateChip({ files: read.files, channel: () => read.session.channel, trustStore: store(), now: NOW });
}

function withFile(p: GeneratedPassport, fid: number, edit: (b: Uint8Array) => void): Map<number, Uint8Array> {
  const files = new Map(p.files);
  const b = Uint8Array.from(files.get(fid)!);
  edit(b);
  files.set(fid, b);
  return files;
}

const codes = (r: { reasons: { code: string }[] }): string[] => r.reasons.map((x) => x.code);

describe('forgery corpus (virtual chip, in process)', () => {
  beforeAll(async () => {
    await passport('valid');
  }, 30_000);

  it('genuine passport: PA, AA and CA all valid', async () => {
    const r = await readAndAuthenticate(await passport());
    expect(codes(r.passiveAuthentication)).toEqual([]);
    expect(r.passiveAuthentication.status).toBe('valid');
    expect(Object.keys(r.passiveAuthentication.dataGroupHashes).sort()).toEqual(['DG1', 'DG14', 'DG15', 'DG2']);
    expect(Object.values(r.passiveAuthentication.dataGroupHashes).every(Boolean)).toBe(true);
    expect(r.activeAuthentication.status).toBe('valid');
    expect(r.chipAuthentication.status).toBe('valid');
  });

  it('DG1 altered (a name letter) → PA invalid', async () => {
    const p = await passport();
    const r = await readAndAuthenticate(p, { files: withFile(p, 0x0101, (b) => (b[b.length - 60] = 0x58)) });
    expect(r.passiveAuthentication.status).toBe('invalid');
    expect(r.passiveAuthentication.dataGroupHashes.DG1).toBe(false);
    expect(codes(r.passiveAuthentication)).toContain('DG_HASH_MISMATCH');
  });

  it('DG2 altered (one byte of the portrait) → PA invalid', async () => {
    const p = await passport();
    const r = await readAndAuthenticate(p, { files: withFile(p, 0x0102, (b) => (b[b.length - 100] = b[b.length - 100]! ^ 0x01)) });
    expect(r.passiveAuthentication.status).toBe('invalid');
    expect(r.passiveAuthentication.dataGroupHashes.DG2).toBe(false);
    expect(r.passiveAuthentication.dataGroupHashes.DG1).toBe(true);
  });

  it('hash list edited to match an altered DG1 → PA invalid (the signature no longer covers it)', async () => {
    const p = await passport();
    const sodBytes = p.files.get(0x011d)!;
    const oldHash = parseSod(sodBytes).dataGroupHashes.get(1)!;
    const files = withFile(p, 0x0101, (b) => (b[b.length - 60] = 0x58));
    const newHash = new Uint8Array(await crypto.subtle.digest('SHA-256', files.get(0x0101)!));
    const sod = Uint8Array.from(sodBytes);
    const at = Buffer.from(sod).indexOf(Buffer.from(oldHash));
    expect(at).toBeGreaterThan(0);
    sod.set(newHash, at);
    files.set(0x011d, sod);
    const r = await readAndAuthenticate(p, { files });
    expect(r.passiveAuthentication.dataGroupHashes.DG1).toBe(true);
    expect(r.passiveAuthentication.signatureValid).toBe(false);
    expect(r.passiveAuthentication.status).toBe('invalid');
    expect(codes(r.passiveAuthentication)).toContain('SOD_MESSAGE_DIGEST');
  });

  it('SOD signature broken → PA invalid', async () => {
    const p = await passport();
    const r = await readAndAuthenticate(p, { files: withFile(p, 0x011d, (b) => (b[b.length - 5] = b[b.length - 5]! ^ 0x40)) });
    expect(r.passiveAuthentication.signatureValid).toBe(false);
    expect(r.passiveAuthentication.status).toBe('invalid');
    expect(codes(r.passiveAuthentication)).toContain('SOD_SIGNATURE');
  });

  it('Document Signer under an untrusted CSCA → unknown-signer (not verifiable, never "forged")', async () => {
    const r = await readAndAuthenticate(await passport('untrusted'));
    expect(r.passiveAuthentication.signatureValid).toBe(true);
    expect(r.passiveAuthentication.status).toBe('unknown-signer');
    expect(codes(r.passiveAuthentication)).toContain('CSCA_NOT_FOUND');
  });

  it('expired Document Signer → PA invalid with DS_EXPIRED', async () => {
    const r = await readAndAuthenticate(await passport('expired'));
    expect(r.passiveAuthentication.signatureValid).toBe(true);
    expect(r.passiveAuthentication.status).toBe('invalid');
    expect(codes(r.passiveAuthentication)).toContain('DS_EXPIRED');
  });

  it('revoked Document Signer → PA invalid with DS_REVOKED', async () => {
    const r = await readAndAuthenticate(await passport('revoked'));
    expect(r.passiveAuthentication.status).toBe('invalid');
    expect(r.passiveAuthentication.documentSigner?.revoked).toBe(true);
    expect(codes(r.passiveAuthentication)).toContain('DS_REVOKED');
  });

  it('cloned chip (all files copied, other chip keys) → PA valid but AA and CA invalid', async () => {
    const p = await passport();
    const cloneKeys = chipKeys('a forger', { aa: true, ca: true });
    const r = await readAndAuthenticate(p, { extensions: chipAuthExtensions(cloneKeys) });
    expect(r.passiveAuthentication.status).toBe('valid');
    expect(r.activeAuthentication.status).toBe('invalid');
    expect(r.chipAuthentication.status).toBe('invalid');
  });

  it('wrong Chip Authentication key → CA invalid (AA still valid)', async () => {
    const p = await passport();
    const wrong = chipKeys('another chip', { ca: true }).chipAuthentication!;
    const ext = [...chipAuthExtensions({ activeAuthentication: p.keys.activeAuthentication! }), createChipAuthExtension({ key: caKeyFromTestKey(wrong), cipher: 'AES-128' })];
    const r = await readAndAuthenticate(p, { extensions: ext });
    expect(r.activeAuthentication.status).toBe('valid');
    expect(r.chipAuthentication.status).toBe('invalid');
    expect(codes(r.chipAuthentication)).toContain('CA_KEYS_REJECTED');
  });

  it('a Document Signer of the next CSCA generation verifies through the link certificate', async () => {
    const r = await readAndAuthenticate(await passport('underLink'));
    expect(r.passiveAuthentication.status).toBe('valid');
    expect(r.passiveAuthentication.csca?.subject).toContain('CSCA Utopia 2');
  });
});
