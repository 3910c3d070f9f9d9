import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fromHex, toHex, ascii } from '../../../main/base/bytes.js';
import { pad, unpad } from '../../../main/emrtd/crypto/padding.js';
import { retailMac, tdesCbcEncrypt, tdesCbcDecrypt, adjustParity } from '../../../main/emrtd/crypto/des.js';
import { aesCmac, aesCbcEncrypt, aesCbcDecrypt } from '../../../main/emrtd/crypto/aes.js';
import { kdf, deriveKeys, bacKeySeed, sha1 } from '../../../main/emrtd/crypto/kdf.js';
import { FormatError } from '../../../main/base/errors.js';

const bac = JSON.parse(readFileSync(new URL('../../fixtures/icao/icao9303-p11-bac.json', import.meta.url), 'utf8'));
const pace = JSON.parse(readFileSync(new URL('../../fixtures/icao/icao9303-p11-pace-ecdh-gm.json', import.meta.url), 'utf8'));

describe('padding ISO 9797-1 method 2', () => {
  it('pads to the block size and always adds a byte', () => {
    expect(toHex(pad(fromHex('0102'), 8))).toBe('0102800000000000');
    expect(pad(new Uint8Array(8), 8).length).toBe(16);
    expect(toHex(pad(new Uint8Array(0), 16))).toBe('80' + '00'.repeat(15));
    expect(toHex(unpad(fromHex('0102800000000000')))).toBe('0102');
  });
  it('rejects missing padding with FormatError', () => {
    expect(() => unpad(fromHex('0102030000000000'))).toThrow(FormatError);
    expect(() => unpad(new Uint8Array(8))).toThrow(FormatError);
  });
});

describe('AES-CMAC (RFC 4493 test vectors)', () => {
  const key = fromHex('2b7e151628aed2a6abf7158809cf4f3c');
  const msg = fromHex('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710');
  it('matches RFC 4493 examples 1-4', () => {
    expect(toHex(aesCmac(key, new Uint8Array(0)))).toBe('BB1D6929E95937287FA37D129B756746');
    expect(toHex(aesCmac(key, msg.subarray(0, 16)))).toBe('070A16B46B4D4144F79BDD9DD04A287C');
    expect(toHex(aesCmac(key, msg.subarray(0, 40)))).toBe('DFA66747DE9AE63030CA32611497C827');
    expect(toHex(aesCmac(key, msg))).toBe('51F0BEBF7E3B9D92FC49741779363CFE');
  });
});

describe('ciphers', () => {
  it('3DES and AES CBC round-trip', () => {
    const k = fromHex('AB94FDECF2674FDFB9B391F85D7F76F2');
    const d = fromHex('00112233445566778899AABBCCDDEEFF');
    expect(toHex(tdesCbcDecrypt(k, tdesCbcEncrypt(k, d)))).toBe(toHex(d));
    expect(toHex(aesCbcDecrypt(k, aesCbcEncrypt(k, d)))).toBe(toHex(d));
  });
  it('DES parity adjustment sets odd parity', () => {
    for (const b of adjustParity(fromHex('00FF7E81'))) {
      let ones = 0;
      for (let j = 0; j < 8; j++) ones += (b >> j) & 1;
      expect(ones % 2).toBe(1);
    }
  });
});

describe('ICAO 9303-11 Appendix D.2: BAC key derivation', () => {
  for (const v of bac.keyDerivation) {
    it(`K_seed of ${v.mrzInformation.length}-char MRZ information`, () => {
      expect(toHex(bacKeySeed(v.mrzInformation))).toBe(v.kseed);
      if (v.kenc) {
        expect(toHex(kdf(fromHex(v.kseed), 1, '3DES'))).toBe(v.kenc);
        expect(toHex(kdf(fromHex(v.kseed), 2, '3DES'))).toBe(v.kmac);
      }
    });
  }
  it('session keys from K_IFD xor K_IC (D.3)', () => {
    const a = bac.authentication;
    const keys = deriveKeys(fromHex(a.sessionKeySeed), '3DES');
    expect(toHex(keys.kEnc)).toBe(a.ksEnc);
    expect(toHex(keys.kMac)).toBe(a.ksMac);
  });
  it('retail MAC of E_IFD (D.3)', () => {
    const a = bac.authentication;
    const kMac = fromHex(bac.keyDerivation[0].kmac);
    expect(toHex(retailMac(kMac, fromHex(a.eIFD)))).toBe(a.mIFD);
    const kEnc = fromHex(bac.keyDerivation[0].kenc);
    expect(toHex(tdesCbcEncrypt(kEnc, fromHex(a.S)))).toBe(a.eIFD);
  });
});

describe('ICAO 9303-11 Appendix G.1: PACE key derivation', () => {
  it('K = SHA-1(MRZ information) and K_pi = KDF(K, 3) for AES-128', () => {
    expect(toHex(sha1(ascii(pace.mrzInformation)))).toBe(pace.K);
    expect(toHex(kdf(fromHex(pace.K), 3, 'AES-128'))).toBe(pace.Kpi);
  });
  it('nonce decryption with K_pi, AES-CBC, zero IV', () => {
    expect(toHex(aesCbcDecrypt(fromHex(pace.Kpi), fromHex(pace.encryptedNonce)))).toBe(pace.nonce);
  });
  it('session keys from the shared secret', () => {
    const keys = deriveKeys(fromHex(pace.keyAgreement.sharedSecret), 'AES-128');
    expect(toHex(keys.kEnc)).toBe(pace.ksEnc);
    expect(toHex(keys.kMac)).toBe(pace.ksMac);
  });
  it('AES-192/256 use SHA-256', () => {
    expect(kdf(fromHex('01'), 1, 'AES-192').length).toBe(24);
    expect(kdf(fromHex('01'), 1, 'AES-256').length).toBe(32);
  });
});
