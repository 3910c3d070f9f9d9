import { mkdtempSync, statSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AesGcmSealer, FileKeyProvider, canonicalJson, entryHash, gcmDecrypt, gcmEncrypt, GENESIS } from '../../../main/store/index.js';

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'kiosk-seal-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('AES-256-GCM against the published test vectors (McGrew & Viega, GCM spec test cases 13-16)', () => {
  const K = 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308';
  const IV = 'cafebabefacedbaddecaf888';
  const P = 'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
  const C = '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad';
  it.each([
    ['TC13', '00'.repeat(32), '00'.repeat(12), '', '', '', '530f8afbc74536b9a963b4f1c4cb738b'],
    ['TC14', '00'.repeat(32), '00'.repeat(12), '00'.repeat(16), '', 'cea7403d4d606b6e074ec5d3baf39d18', 'd0d1c8a799996bf0265b98b5d48ab919'],
    ['TC15', K, IV, P, '', C, 'b094dac5d93471bdec1a502270e3cc6c'],
    ['TC16', K, IV, P.slice(0, 120), 'feedfacedeadbeeffeedfacedeadbeefabaddad2', C.slice(0, 120), '76fc6ece0f4e1768cddf8853bb2d551b'],
  ])('%s', (_n, k, iv, p, aad, c, t) => {
    const out = gcmEncrypt(hex(k), hex(iv), hex(p), hex(aad));
    expect(toHex(out.ciphertext)).toBe(c);
    expect(toHex(out.tag)).toBe(t);
    expect(toHex(gcmDecrypt(hex(k), hex(iv), out.ciphertext, out.tag, hex(aad)))).toBe(p);
  });
});

describe('sealer and key file', () => {
  it('creates a 0600 key file in a 0700 folder and reuses it', async () => {
    const d = tmp();
    const f = path.join(d, 'keys', 'seal.key');
    const k1 = await new FileKeyProvider(f).getKey();
    expect(k1).toHaveLength(32);
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(f)).mode & 0o777).toBe(0o700);
    expect(await new FileKeyProvider(f).getKey()).toEqual(k1);
  });

  it('refuses a key file others can read, and a key of the wrong size', async () => {
    const d = tmp();
    const f = path.join(d, 'seal.key');
    writeFileSync(f, Buffer.alloc(32, 1), { mode: 0o644 });
    chmodSync(f, 0o644);
    await expect(new FileKeyProvider(f).getKey()).rejects.toMatchObject({ code: 'KEY_FILE_PERMISSIONS' });
    writeFileSync(f, Buffer.alloc(16, 1));
    chmodSync(f, 0o600);
    await expect(new FileKeyProvider(f).getKey()).rejects.toMatchObject({ code: 'SEAL_KEY_INVALID' });
  });

  it('seals with a fresh nonce per record and binds the blob to its row', async () => {
    const s = new AesGcmSealer({ keyId: 'test', getKey: async () => new Uint8Array(32).fill(7) });
    const plain = new TextEncoder().encode('ERIKSSON ANNA');
    const a = await s.seal(plain, 'decisions:1');
    const b = await s.seal(plain, 'decisions:1');
    expect(toHex(a.subarray(1, 13))).not.toBe(toHex(b.subarray(1, 13)));
    expect(a).toHaveLength(1 + 12 + plain.length + 16);
    expect(Buffer.from(a).includes(Buffer.from(plain))).toBe(false);
    expect(await s.open(a, 'decisions:1')).toEqual(plain);
    await expect(s.open(a, 'decisions:2')).rejects.toMatchObject({ code: 'SEAL_OPEN_FAILED' });
    const t = a.slice();
    t[20]! ^= 1;
    await expect(s.open(t, 'decisions:1')).rejects.toMatchObject({ code: 'SEAL_OPEN_FAILED' });
    const obj = { mrz: 'x', photo: new Uint8Array([1, 2, 3]) };
    expect(await s.openJson(await s.sealJson(obj, 'x:1'), 'x:1')).toEqual(obj);
  });
});

describe('audit hashing', () => {
  it('canonical JSON sorts keys and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined, d: { z: 1, y: 2 } })).toBe('{"a":[true,null,"x"],"b":1,"d":{"y":2,"z":1}}');
    expect(() => canonicalJson({ x: NaN })).toThrow();
  });

  it('hash = SHA-256(prev ‖ canonical JSON of the entry)', async () => {
    const { createHash } = await import('node:crypto');
    const e = { seq: 1, at: 5, type: 't', actor: 'a', subject: null, data: { k: 'v' } };
    const want = createHash('sha256').update(Buffer.alloc(32)).update('{"actor":"a","at":5,"data":{"k":"v"},"seq":1,"subject":null,"type":"t"}').digest('hex');
    expect(entryHash(GENESIS, e)).toBe(want);
  });
});
