/** AES in CBC and ECB mode with node:crypto, and AES-CMAC (NIST SP 800-38B / RFC 4493). */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { UsageError } from '../../base/errors.js';

const ZERO16 = new Uint8Array(16);

function algo(key: Uint8Array, mode: 'cbc' | 'ecb'): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) throw new UsageError('CRYPTO_KEY', `AES key of ${key.length} bytes`);
  return `aes-${key.length * 8}-${mode}`;
}

function run(decrypt: boolean, name: string, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array): Uint8Array {
  if (data.length % 16 !== 0) throw new UsageError('CRYPTO_BLOCK', 'AES input is not a multiple of 16 bytes');
  const c = decrypt ? createDecipheriv(name, key, iv) : createCipheriv(name, key, iv);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

export function aesCbcEncrypt(key: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO16): Uint8Array {
  return run(false, algo(key, 'cbc'), key, iv, data);
}

export function aesCbcDecrypt(key: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO16): Uint8Array {
  return run(true, algo(key, 'cbc'), key, iv, data);
}

export function aesEcbEncrypt(key: Uint8Array, data: Uint8Array): Uint8Array {
  return run(false, algo(key, 'ecb'), key, null, data);
}

function shiftLeft1(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  let carry = 0;
  for (let i = 15; i >= 0; i--) {
    const v = b[i]!;
    out[i] = ((v << 1) | carry) & 0xff;
    carry = v >> 7;
  }
  return out;
}

function subkey(l: Uint8Array): Uint8Array {
  const k = shiftLeft1(l);
  if (l[0]! & 0x80) k[15] = k[15]! ^ 0x87;
  return k;
}

/** AES-CMAC (full 16 bytes; ICAO secure messaging truncates to 8). */
export function aesCmac(key: Uint8Array, data: Uint8Array): Uint8Array {
  const l = aesEcbEncrypt(key, ZERO16);
  const k1 = subkey(l);
  const k2 = subkey(k1);
  const n = Math.max(1, Math.ceil(data.length / 16));
  const complete = data.length > 0 && data.length % 16 === 0;
  const last = new Uint8Array(16);
  const lastStart = (n - 1) * 16;
  if (complete) {
    for (let i = 0; i < 16; i++) last[i] = data[lastStart + i]! ^ k1[i]!;
  } else {
    const rem = data.length - lastStart;
    for (let i = 0; i < 16; i++) {
      const v = i < rem ? data[lastStart + i]! : i === rem ? 0x80 : 0;
      last[i] = v ^ k2[i]!;
    }
  }
  const m = new Uint8Array(n * 16);
  m.set(data.subarray(0, lastStart), 0);
  m.set(last, lastStart);
  const cbc = aesCbcEncrypt(key, m);
  return cbc.slice(cbc.length - 16);
}
