import { FormatError } from '../../base/errors.js';
import { parseTlv, type Tlv, type TlvOptions } from '../../base/tlv.js';

/** Parses the outer TLV of an LDS file and checks its tag. Throws FormatError only. */
export function parseFileTlv(bytes: Uint8Array, expectedTag: number, what: string, opts: TlvOptions = {}): Tlv {
  if (!(bytes instanceof Uint8Array)) throw new FormatError('LDS_NOT_BYTES', `${what}: not a byte array`);
  const tlv = parseTlv(bytes, { maxLength: 1 << 24, ...opts });
  if (tlv.tag !== expectedTag) {
    throw new FormatError('LDS_BAD_TAG', `${what}: expected tag 0x${expectedTag.toString(16).toUpperCase()}, got 0x${tlv.tag.toString(16).toUpperCase()}`, {
      expected: expectedTag,
      tag: tlv.tag,
    });
  }
  if (!tlv.constructed || !tlv.children) throw new FormatError('LDS_NOT_CONSTRUCTED', `${what}: outer TLV is not constructed`);
  return tlv;
}

/** Latin-1/ASCII text (MRZ, dates). */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

const UTF8 = new TextDecoder('utf-8', { fatal: false });

/** DG11/DG12 text fields are UTF-8 (ICAO 9303-10 §4.7.11: ISO/IEC 10646 in UTF-8). */
export function utf8(bytes: Uint8Array): string {
  return UTF8.decode(bytes);
}

export function uint(bytes: Uint8Array, offset: number, length: number, what: string): number {
  if (offset + length > bytes.length) throw new FormatError('LDS_TRUNCATED', `${what}: needs ${length} bytes at offset ${offset}`);
  let v = 0;
  for (let i = 0; i < length; i++) v = v * 256 + (bytes[offset + i] as number);
  return v;
}
