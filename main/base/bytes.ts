import { FormatError } from './errors.js';

/** Bytes helpers. All binary data in the kiosk is a Uint8Array (Buffer is a Uint8Array too). */

export function toHex(bytes: Uint8Array, sep = ''): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0 && sep) s += sep;
    s += (bytes[i] as number).toString(16).padStart(2, '0');
  }
  return s.toUpperCase();
}

/** Parses hex; whitespace and ':' separators are ignored. Throws FormatError on odd length or bad digits. */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0) throw new FormatError('HEX_ODD_LENGTH', 'hex string has an odd number of digits');
  if (!/^[0-9a-fA-F]*$/.test(clean)) throw new FormatError('HEX_BAD_DIGIT', 'hex string has a non-hex character');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Constant-time comparison for MACs and secrets. */
export function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

export function xorBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== b.length) throw new FormatError('XOR_LENGTH', 'xor of arrays of different lengths');
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) ^ (b[i] as number);
  return out;
}

/** Big-endian unsigned integer of `length` bytes. */
export function uintToBytes(value: number | bigint, length: number): Uint8Array {
  let v = BigInt(value);
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (v !== 0n) throw new FormatError('INT_TOO_LARGE', `integer does not fit in ${length} bytes`);
  return out;
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

export function bigIntToBytes(value: bigint, length?: number): Uint8Array {
  if (value < 0n) throw new FormatError('INT_NEGATIVE', 'negative integer');
  let hex = value.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  const raw = fromHex(hex);
  if (length === undefined) return raw;
  if (raw.length > length) throw new FormatError('INT_TOO_LARGE', `integer does not fit in ${length} bytes`);
  const out = new Uint8Array(length);
  out.set(raw, length - raw.length);
  return out;
}

export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

export function fromUtf8(b: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(b);
}

/** ASCII/Latin-1 bytes of a string (one byte per char). */
export function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

export function fromAscii(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += String.fromCharCode(c);
  return s;
}
