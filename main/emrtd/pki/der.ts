import { concatBytes, fromHex } from '../../base/bytes.js';
import { FormatError } from '../../base/errors.js';
import { encodeTlv, parseTlv, type Tlv } from '../../base/tlv.js';

/**
 * A small DER toolkit: builders (used by the test PKI and by Chip/Active Authentication) and a
 * BER → DER length normaliser (signatures are computed over DER; some chips store BER with
 * indefinite lengths, e.g. the NZ 2013 EF.SOD).
 */
export const der = {
  seq: (...items: Uint8Array[]): Uint8Array => encodeTlv(0x30, ...items),
  set: (...items: Uint8Array[]): Uint8Array => encodeTlv(0x31, ...items),
  /** Context-specific tag [n], constructed (explicit tagging or implicit on a constructed type). */
  ctx: (n: number, ...items: Uint8Array[]): Uint8Array => encodeTlv(0xa0 | n, ...items),
  /** Context-specific tag [n], primitive (implicit tagging of a primitive type). */
  ctxPrim: (n: number, value: Uint8Array): Uint8Array => encodeTlv(0x80 | n, value),
  octets: (v: Uint8Array): Uint8Array => encodeTlv(0x04, v),
  bits: (v: Uint8Array, unused = 0): Uint8Array => encodeTlv(0x03, Uint8Array.of(unused), v),
  null: (): Uint8Array => Uint8Array.of(0x05, 0x00),
  bool: (v: boolean): Uint8Array => Uint8Array.of(0x01, 0x01, v ? 0xff : 0x00),
  printable: (s: string): Uint8Array => encodeTlv(0x13, new TextEncoder().encode(s)),
  utf8: (s: string): Uint8Array => encodeTlv(0x0c, new TextEncoder().encode(s)),
  oid: (dotted: string): Uint8Array => encodeTlv(0x06, encodeOidBody(dotted)),
  /** INTEGER from an unsigned magnitude (a leading 00 is added when the top bit is set). */
  uint: (v: bigint | number | Uint8Array): Uint8Array => encodeTlv(0x02, unsignedIntBody(v)),
  /** UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5). */
  time: (d: Date): Uint8Array => {
    const iso = d.toISOString();
    const y = d.getUTCFullYear();
    const body = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z';
    if (y >= 1950 && y < 2050) return encodeTlv(0x17, new TextEncoder().encode(body.slice(2)));
    return encodeTlv(0x18, new TextEncoder().encode(body));
  },
  generalizedTime: (d: Date): Uint8Array =>
    encodeTlv(0x18, new TextEncoder().encode(d.toISOString().slice(0, 19).replace(/[-:T]/g, '') + 'Z')),
  /** AlgorithmIdentifier; `params` undefined = absent, null = NULL. */
  algId: (oid: string, params?: Uint8Array | null): Uint8Array =>
    params === undefined ? der.seq(der.oid(oid)) : der.seq(der.oid(oid), params === null ? der.null() : params),
};

export function encodeOidBody(dotted: string): Uint8Array {
  const parts = dotted.split('.').map((p) => BigInt(p));
  if (parts.length < 2) throw new FormatError('OID_BAD', 'OID needs at least two arcs');
  const arcs = [parts[0]! * 40n + parts[1]!, ...parts.slice(2)];
  const out: number[] = [];
  for (const arc of arcs) {
    const bytes: number[] = [Number(arc & 0x7fn)];
    let v = arc >> 7n;
    while (v > 0n) {
      bytes.unshift(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(...bytes);
  }
  return Uint8Array.from(out);
}

export function decodeOidBody(body: Uint8Array): string {
  const arcs: bigint[] = [];
  let v = 0n;
  for (const b of body) {
    v = (v << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0n;
    }
  }
  if (arcs.length === 0) throw new FormatError('OID_BAD', 'empty OID');
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

function unsignedIntBody(v: bigint | number | Uint8Array): Uint8Array {
  let bytes: Uint8Array;
  if (v instanceof Uint8Array) {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    bytes = v.subarray(i);
    if (bytes.length === 0) bytes = Uint8Array.of(0);
  } else {
    let hex = BigInt(v).toString(16);
    if (hex.length % 2) hex = '0' + hex;
    bytes = fromHex(hex);
  }
  return (bytes[0] as number) & 0x80 ? concatBytes(Uint8Array.of(0), bytes) : bytes;
}

/** Re-encodes a BER TLV with definite lengths everywhere (other BER freedoms are kept as they are). */
export function toDefiniteLength(ber: Uint8Array): Uint8Array {
  const t = parseTlv(ber, { allowIndefinite: true, maxDepth: 64 });
  return definiteOf(ber, t);
}

/** The bytes of `t` (parsed from `buf`) with definite lengths: a copy of the input when it has none. */
export function definiteOf(buf: Uint8Array, t: Tlv): Uint8Array {
  return hasIndefinite(buf, t) ? reencode(t) : buf.slice(t.offset, t.offset + t.totalLength);
}

function hasIndefinite(buf: Uint8Array, t: Tlv): boolean {
  if (!t.constructed) return false;
  let p = t.offset;
  if (((buf[p] as number) & 0x1f) === 0x1f) {
    p++;
    while (((buf[p] as number) & 0x80) !== 0) p++;
  }
  p++;
  if (buf[p] === 0x80) return true;
  return (t.children ?? []).some((c) => hasIndefinite(buf, c));
}

function reencode(t: Tlv): Uint8Array {
  if (!t.constructed || !t.children) return encodeTlv(t.tag, t.value);
  return encodeTlv(t.tag, ...t.children.map(reencode));
}
