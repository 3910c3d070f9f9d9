import { concatBytes, fromAscii, toHex } from '../../base/bytes.js';
import { FormatError, isKioskError } from '../../base/errors.js';
import { parseTlv, type Tlv } from '../../base/tlv.js';
import { decodeOidBody } from './der.js';

/**
 * Reading DER/BER structures for the PKI code on top of main/base/tlv. Every Tlv keeps absolute
 * offsets into the buffer it came from, so `raw(buf, t)` gives back the exact encoded bytes a
 * signature was computed over. All failures are FormatError with code PKI_PARSE.
 */
export function parseAsn1(buf: Uint8Array, what: string): Tlv {
  try {
    const t = parseTlv(buf, { allowIndefinite: true, maxDepth: 64, maxLength: 64 * 1024 * 1024 });
    return t;
  } catch (e) {
    throw new FormatError('PKI_PARSE', `${what}: not valid BER (${isKioskError(e) ? e.code : 'error'})`, {}, { cause: e });
  }
}

export function fail(what: string, detail: string): never {
  throw new FormatError('PKI_PARSE', `${what}: ${detail}`);
}

export function raw(buf: Uint8Array, t: Tlv): Uint8Array {
  return buf.subarray(t.offset, t.offset + t.totalLength);
}

export function kids(t: Tlv | undefined, what: string): Tlv[] {
  if (!t || !t.children) fail(what, 'expected a constructed value');
  return t.children;
}

export function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t) fail(what, 'missing');
  if (t.tag !== tag) fail(what, `tag 0x${t.tag.toString(16)} where 0x${tag.toString(16)} was expected`);
  return t;
}

export function readOid(t: Tlv | undefined, what: string): string {
  return decodeOidBody(expectTag(t, 0x06, what).value);
}

export function readIntBytes(t: Tlv | undefined, what: string): Uint8Array {
  return expectTag(t, 0x02, what).value;
}

export function readSmallInt(t: Tlv | undefined, what: string): number {
  const v = readIntBytes(t, what);
  if (v.length > 4) fail(what, 'integer too large');
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

/** Serial numbers as upper-case hex without leading zero bytes (00 kept for a zero serial). */
export function serialHex(v: Uint8Array): string {
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  return toHex(v.subarray(i));
}

/** OCTET STRING value, primitive or BER constructed (segments concatenated). */
export function readOctets(t: Tlv | undefined, what: string): Uint8Array {
  if (!t) fail(what, 'missing');
  if (t.tag === 0x04) return t.value;
  if (t.tag === 0x24) return concatBytes(...(t.children ?? []).map((c) => readOctets(c, what)));
  return fail(what, `tag 0x${t.tag.toString(16)} is not an OCTET STRING`);
}

export function readBitString(t: Tlv | undefined, what: string): { bytes: Uint8Array; unused: number } {
  const v = expectTag(t, 0x03, what).value;
  if (v.length < 1) fail(what, 'empty BIT STRING');
  return { bytes: v.subarray(1), unused: v[0] as number };
}

export function readTime(t: Tlv | undefined, what: string): Date {
  if (!t) fail(what, 'missing');
  const s = fromAscii(t.value);
  let m: RegExpMatchArray | null;
  if (t.tag === 0x17 && (m = s.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/))) {
    const yy = Number(m[1]);
    return new Date(Date.UTC(yy < 50 ? 2000 + yy : 1900 + yy, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
  }
  if (t.tag === 0x18 && (m = s.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:\.\d+)?Z$/))) {
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5] ?? 0), Number(m[6] ?? 0)));
  }
  return fail(what, 'not a UTCTime or GeneralizedTime in UTC');
}

export function readString(t: Tlv): string {
  switch (t.tag) {
    case 0x1e: {
      // BMPString (UTF-16BE)
      let s = '';
      for (let i = 0; i + 1 < t.value.length; i += 2) s += String.fromCharCode(((t.value[i] as number) << 8) | (t.value[i + 1] as number));
      return s;
    }
    case 0x0c:
      return new TextDecoder('utf-8', { fatal: false }).decode(t.value);
    default:
      return fromAscii(t.value);
  }
}

export interface AlgorithmIdentifier {
  oid: string;
  /** Encoded parameters (absent → undefined; NULL → 05 00). */
  params?: Uint8Array;
  paramsTlv?: Tlv;
}

export function readAlgId(buf: Uint8Array, t: Tlv | undefined, what: string): AlgorithmIdentifier {
  const k = kids(expectTag(t, 0x30, what), what);
  const oid = readOid(k[0], what);
  const p = k[1];
  return p ? { oid, params: raw(buf, p), paramsTlv: p } : { oid };
}

const SHORT: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.42': 'GN',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

export interface NameInfo {
  /** RFC 4514-like text, most specific first (CN=...,O=...,C=...). */
  text: string;
  /** Order-insensitive, case- and space-folded key for matching issuers to subjects. */
  key: string;
  der: Uint8Array;
  country: string | undefined;
}

export function readName(buf: Uint8Array, t: Tlv | undefined, what: string): NameInfo {
  const seq = expectTag(t, 0x30, what);
  const parts: { type: string; value: string }[] = [];
  for (const rdn of seq.children ?? []) {
    for (const atv of kids(expectTag(rdn, 0x31, what), what)) {
      const k = kids(atv, what);
      const type = readOid(k[0], what);
      parts.push({ type, value: k[1] ? readString(k[1]) : '' });
    }
  }
  const text = [...parts]
    .reverse()
    .map((p) => `${SHORT[p.type] ?? p.type}=${p.value}`)
    .join(',');
  const key = parts
    .map((p) => `${p.type}=${p.value.trim().replace(/\s+/g, ' ').toLowerCase()}`)
    .sort()
    .join('|');
  const country = parts.find((p) => p.type === '2.5.4.6')?.value.toUpperCase();
  return { text, key, der: raw(buf, seq), country };
}
