import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../main/base/bytes.js';
import { activeAuthenticate, verifyIso9796Scheme1 } from '../../../main/emrtd/aa.js';
import { establishAccess, mrzInformation } from '../../../main/emrtd/access.js';
import { chipAuthenticate } from '../../../main/emrtd/ca.js';
import { encodeCommandApdu, Cmd, parseResponseApdu } from '../../../main/emrtd/apdu.js';
import type { ApduTransport } from '../../../main/emrtd/transport.js';
import { publicKeyFromSpki } from '../../../main/emrtd/pki/signature.js';
import { createVirtualChip, type ChipExtension } from '../../../main/sim/chip/index.js';
import {
  aaSign,
  iso9796Scheme1Message,
  rsaSignRaw,
  buildDg14,
  buildDg15,
  createActiveAuthExtension,
  createChipAuthExtension,
  generateAaKey,
  generateCaKey,
  type AaKeySpec,
  type CaKeySpec,
} from '../../../main/sim/chip-auth/index.js';
import type { CipherSuite } from '../../../main/emrtd/crypto/kdf.js';

const MRZ_INFO = mrzInformation('L898902C3', '740812', '120415');
const COM = Uint8Array.of(0x60, 0x16, 0x5f, 0x01, 0x04, 0x30, 0x31, 0x30, 0x37, 0x5f, 0x36, 0x06, 0x30, 0x34, 0x30, 0x30, 0x30, 0x30, 0x5c, 0x04, 0x61, 0x75, 0x6e, 0x6f);

function chipWith(files: Map<number, Uint8Array>, extensions: ChipExtension[], pace = false) {
  const chip = createVirtualChip({
    files: new Map([[0x011e, COM], ...files]),
    mrzInformation: MRZ_INFO,
    accessControl: { bac: true, ...(pace ? { pace: { curve: 'brainpoolP256r1', cipher: 'AES-128' } } : {}) },
    chipTimeMs: false,
    extensions,
  });
  const transport: ApduTransport = { maxLe: 231, transmit: async (c) => chip.transceive(c).response };
  return { chip, transport };
}

async function open(files: Map<number, Uint8Array>, extensions: ChipExtension[], pace = false) {
  const { transport } = chipWith(files, extensions, pace);
  const access = await establishAccess(transport, { kind: 'mrz', mrzInformation: MRZ_INFO });
  return access.channel;
}

describe('Active Authentication against the virtual chip', () => {
  const specs: [string, AaKeySpec][] = [
    ['RSA 1024, ISO 9796-2 SHA-1 (trailer BC)', { type: 'rsa', bits: 1024 }],
    ['RSA 2048, ISO 9796-2 SHA-256 (trailer 34CC)', { type: 'rsa', bits: 2048, hash: 'SHA-256' }],
    ['ECDSA P-256 plain r||s', { type: 'ec', curve: 'prime256v1', hash: 'SHA-256', form: 'plain' }],
    ['ECDSA brainpoolP256r1 DER', { type: 'ec', curve: 'brainpoolP256r1', hash: 'SHA-256', form: 'der' }],
    ['ECDSA P-384 with SHA-384 named in DG14', { type: 'ec', curve: 'secp384r1', hash: 'SHA-384', form: 'plain' }],
  ];
  for (const [name, spec] of specs) {
    it(`${name}: genuine → valid; cloned chip (same DG15, other key) → invalid`, async () => {
      const key = generateAaKey(spec);
      const dg15 = buildDg15(key.spki);
      const dg14 = spec.type === 'ec' ? buildDg14({ aaEcdsaHash: spec.hash ?? 'SHA-256' }) : undefined;
      const files = new Map([[0x010f, dg15]]);
      const genuine = await open(files, [createActiveAuthExtension(key)]);
      const ok = await activeAuthenticate(genuine, dg15, { ...(dg14 ? { dg14 } : {}) });
      expect(ok.reasons).toEqual([]);
      expect(ok.status).toBe('valid');
      const clone = await open(files, [createActiveAuthExtension(generateAaKey(spec))]);
      const bad = await activeAuthenticate(clone, dg15, { ...(dg14 ? { dg14 } : {}) });
      expect(bad.status).toBe('invalid');
      expect(bad.reasons[0]!.code).toBe('AA_SIGNATURE');
    });
  }

  it('a chip with DG15 that does not answer INTERNAL AUTHENTICATE is invalid; no DG15 is not-supported', async () => {
    const key = generateAaKey();
    const dg15 = buildDg15(key.spki);
    const ch = await open(new Map([[0x010f, dg15]]), []);
    const r = await activeAuthenticate(ch, dg15);
    expect(r.status).toBe('invalid');
    expect(r.reasons[0]!.code).toBe('AA_REFUSED');
    expect((await activeAuthenticate(ch, undefined)).status).toBe('not-supported');
  });

  it('ICAO 9303-11 Appendix F worked example (RSA 1024, SHA-1): F byte for byte, and the host recovers and checks it', () => {
    const rndIfd = fromHex('F173589974BF40C6');
    const m1 = fromHex(
      '9D2784A67F8E7C659973EA1AEA25D95B6C8F91E5002F369F0FBDCE8A3CEC1991B543F1696546C5524CF23A5303CD6C98' +
        '599F40B79F377B5F3A1406B3B4D8F96784D23AA88DB7E1032A405E69325FA91A6E86F5C71AEA978264C4A207446DAD4E7292E2DCDA3024B47DA8',
    );
    expect(m1.length * 8).toBe(852 - 4); // c - 4 with c = k - Lh - 8t - 4
    const f = iso9796Scheme1Message(m1, rndIfd, 'SHA-1');
    expect(toHex(f)).toBe(
      '6A9D2784A67F8E7C659973EA1AEA25D95B6C8F91E5002F369F0FBDCE8A3CEC1991B543F1696546C5524CF23A5303CD6C' +
        '98599F40B79F377B5F3A1406B3B4D8F96784D23AA88DB7E1032A405E69325FA91A6E86F5C71AEA978264C4A207446DAD' +
        '4E7292E2DCDA3024B47DA8C063AA1E6D22FBD976AB0FE73D94D2D9C6D88127BC',
    );
    // The worked example gives no key pair: any 1024-bit key signs F; the host must accept it for RND.IFD only.
    const key = generateAaKey({ type: 'rsa', bits: 1024 });
    const s = rsaSignRaw(key, f);
    const pub = publicKeyFromSpki(key.spki);
    expect(verifyIso9796Scheme1(pub, rndIfd, s)).toMatchObject({ ok: true, algorithm: 'RSA ISO/IEC 9796-2 scheme 1 SHA-1' });
    expect(verifyIso9796Scheme1(pub, fromHex('F173589974BF40C7'), s).ok).toBe(false);
  });

  it('ISO 9796-2: a signature over another challenge, or with one bit flipped, does not verify', () => {
    const key = generateAaKey({ type: 'rsa', bits: 1024 });
    const pub = publicKeyFromSpki(key.spki);
    const challenge = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    const sig = aaSign(key, challenge);
    expect(verifyIso9796Scheme1(pub, challenge, sig).ok).toBe(true);
    expect(verifyIso9796Scheme1(pub, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 9), sig).ok).toBe(false);
    const flipped = Uint8Array.from(sig);
    flipped[40] = flipped[40]! ^ 0x10;
    expect(verifyIso9796Scheme1(pub, challenge, flipped).ok).toBe(false);
  });
});

describe('Chip Authentication against the virtual chip', () => {
  const cases: [string, CaKeySpec, CipherSuite, boolean][] = [
    ['ECDH brainpoolP256r1, 3DES (MSE:Set KAT), after BAC', { agreement: 'ECDH', curve: 'brainpoolP256r1' }, '3DES', false],
    ['ECDH P-256, AES-128 (MSE:Set AT + GENERAL AUTHENTICATE), after PACE', { agreement: 'ECDH', curve: 'prime256v1' }, 'AES-128', true],
    ['ECDH brainpoolP384r1, AES-256, after BAC', { agreement: 'ECDH', curve: 'brainpoolP384r1' }, 'AES-256', false],
    ['DH 2048 (modp14), 3DES', { agreement: 'DH', group: 'modp14' }, '3DES', false],
  ];
  for (const [name, spec, cipher, pace] of cases) {
    it(`${name}: genuine → valid and reading goes on; wrong chip key → invalid`, async () => {
      const key = generateCaKey(spec);
      const dg14 = buildDg14({ ca: { key, cipher, keyId: 1 } });
      const files = new Map([[0x010e, dg14]]);
      const ch = await open(files, [createChipAuthExtension({ key, cipher, keyId: 1 })], pace);
      const r = await chipAuthenticate(ch, dg14);
      expect(r.reasons).toEqual([]);
      expect(r.status).toBe('valid');
      expect(r.cipher).toBe(cipher);
      expect(r.keyId).toBe('1');
      // Keep reading under the new keys: DG14 itself.
      expect(parseResponseApdu(await ch.transmit(encodeCommandApdu(Cmd.selectEf(0x010e)))).sw).toBe(0x9000);
      const rb = parseResponseApdu(await ch.transmit(encodeCommandApdu(Cmd.readBinary(0, 8))));
      expect(rb.sw).toBe(0x9000);
      expect(Buffer.from(rb.data).equals(Buffer.from(dg14.subarray(0, 8)))).toBe(true);

      const other = generateCaKey(spec);
      const ch2 = await open(files, [createChipAuthExtension({ key: other, cipher, keyId: 1 })], pace);
      const bad = await chipAuthenticate(ch2, dg14);
      expect(bad.status).toBe('invalid');
      expect(bad.reasons[0]!.code).toBe('CA_KEYS_REJECTED');
    }, 20_000);
  }

  it('no DG14 → not-supported; a chip that refuses MSE:Set KAT → invalid', async () => {
    const key = generateCaKey({ agreement: 'ECDH', curve: 'brainpoolP256r1' });
    const dg14 = buildDg14({ ca: { key, cipher: '3DES' } });
    const ch = await open(new Map([[0x010e, dg14]]), []);
    expect((await chipAuthenticate(ch, undefined)).status).toBe('not-supported');
    const r = await chipAuthenticate(ch, dg14);
    expect(r.status).toBe('invalid');
    expect(r.reasons[0]!.code).toBe('CA_REFUSED');
  });
});
