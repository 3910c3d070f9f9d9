import { FormatError } from './errors.js';
import { concatBytes } from './bytes.js';

/**
 * BER-TLV (ISO/IEC 8825-1 as profiled by ISO 7816-4 and ICAO 9303 Part 10).
 * Tags are kept as numbers holding their raw bytes big-endian (0x5F1F, 0x7F61 ...).
 * Every malformed input raises FormatError with a code; nothing else is thrown.
 */
export interface Tlv {
  tag: number;
  /** True when bit 6 of the first tag byte marks a constructed encoding. */
  constructed: boolean;
  /** Offset of the tag's first byte in the parsed buffer. */
  offset: number;
  /** Bytes of tag + length + value (for indefinite lengths, including the end-of-contents). */
  totalLength: number;
  /** The value bytes (a view on the input). */
  value: Uint8Array;
  /** Parsed children when constructed; undefined for primitive encodings. */
  children?: Tlv[];
}

export interface TlvOptions {
  /** Accept BER indefinite lengths (0x80 ... 00 00). Default false (DER-like LDS files). */
  allowIndefinite?: boolean;
  /** Largest value length accepted, to refuse absurd lengths early. Default 16 MiB. */
  maxLength?: number;
  /** Nesting depth limit. Default 32. */
  maxDepth?: number;
}

interface Header {
  tag: number;
  constructed: boolean;
  headerLength: number;
  /** -1 for indefinite. */
  length: number;
}

export function readTlvHeader(buf: Uint8Array, offset: number, opts: TlvOptions = {}): Header {
  const maxLength = opts.maxLength ?? 16 * 1024 * 1024;
  let p = offset;
  if (p >= buf.length) throw new FormatError('TLV_TRUNCATED', 'TLV ends before its tag', { offset });
  const first = buf[p++] as number;
  if (first === 0x00 || first === 0xff) throw new FormatError('TLV_BAD_TAG', `invalid tag byte 0x${first.toString(16)}`, { offset });
  const constructed = (first & 0x20) !== 0;
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    let n = 0;
    for (;;) {
      if (p >= buf.length) throw new FormatError('TLV_TRUNCATED', 'TLV ends inside a multi-byte tag', { offset });
      const b = buf[p++] as number;
      tag = tag * 256 + b;
      if (++n > 3) throw new FormatError('TLV_BAD_TAG', 'tag longer than 4 bytes', { offset });
      if ((b & 0x80) === 0) break;
    }
  }
  if (p >= buf.length) throw new FormatError('TLV_TRUNCATED', 'TLV ends before its length', { offset, tag });
  const lb = buf[p++] as number;
  let length: number;
  if (lb < 0x80) length = lb;
  else if (lb === 0x80) {
    if (!opts.allowIndefinite) throw new FormatError('TLV_INDEFINITE', 'indefinite length not allowed here', { offset, tag });
    if (!constructed) throw new FormatError('TLV_INDEFINITE', 'indefinite length on a primitive encoding', { offset, tag });
    length = -1;
  } else {
    const n = lb & 0x7f;
    if (n > 4) throw new FormatError('TLV_BAD_LENGTH', `length of ${n} bytes is not supported`, { offset, tag });
    if (p + n > buf.length) throw new FormatError('TLV_TRUNCATED', 'TLV ends inside its length', { offset, tag });
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + (buf[p++] as number);
  }
  if (length > maxLength) throw new FormatError('TLV_TOO_LONG', `length ${length} exceeds the limit ${maxLength}`, { offset, tag, length });
  return { tag, constructed, headerLength: p - offset, length };
}

function parseOne(buf: Uint8Array, offset: number, end: number, opts: TlvOptions, depth: number): Tlv {
  if (depth > (opts.maxDepth ?? 32)) throw new FormatError('TLV_TOO_DEEP', 'TLV nesting too deep', { offset });
  const h = readTlvHeader(buf.subarray(0, end), offset, opts);
  const start = offset + h.headerLength;
  if (h.length >= 0) {
    if (start + h.length > end) {
      throw new FormatError('TLV_TRUNCATED', `TLV value needs ${h.length} bytes, ${end - start} left`, { offset, tag: h.tag });
    }
    const value = buf.subarray(start, start + h.length);
    const tlv: Tlv = { tag: h.tag, constructed: h.constructed, offset, totalLength: h.headerLength + h.length, value };
    if (h.constructed) tlv.children = parseSeq(buf, start, start + h.length, opts, depth + 1);
    return tlv;
  }
  // Indefinite: children until 00 00.
  const children: Tlv[] = [];
  let p = start;
  for (;;) {
    if (p + 2 > end) throw new FormatError('TLV_TRUNCATED', 'indefinite-length TLV has no end-of-contents', { offset, tag: h.tag });
    if (buf[p] === 0 && buf[p + 1] === 0) break;
    const c = parseOne(buf, p, end, opts, depth + 1);
    children.push(c);
    p += c.totalLength;
  }
  return {
    tag: h.tag,
    constructed: true,
    offset,
    totalLength: p + 2 - offset,
    value: buf.subarray(start, p),
    children,
  };
}

function parseSeq(buf: Uint8Array, start: number, end: number, opts: TlvOptions, depth: number): Tlv[] {
  const out: Tlv[] = [];
  let p = start;
  while (p < end) {
    const t = parseOne(buf, p, end, opts, depth);
    out.push(t);
    p += t.totalLength;
  }
  return out;
}

/** Parses one TLV at the start of `buf` (trailing bytes are allowed and ignored). */
export function parseTlv(buf: Uint8Array, opts: TlvOptions = {}): Tlv {
  return parseOne(buf, 0, buf.length, opts, 0);
}

/** Parses a whole buffer as a sequence of TLVs. */
export function parseTlvs(buf: Uint8Array, opts: TlvOptions = {}): Tlv[] {
  return parseSeq(buf, 0, buf.length, opts, 0);
}

/** First child with the given tag, or undefined. */
export function findTlv(list: readonly Tlv[] | undefined, tag: number): Tlv | undefined {
  return list?.find((t) => t.tag === tag);
}

/** Like findTlv but throws FormatError when absent. */
export function requireTlv(list: readonly Tlv[] | undefined, tag: number, what = 'TLV'): Tlv {
  const t = findTlv(list, tag);
  if (!t) throw new FormatError('TLV_MISSING', `${what}: tag 0x${tag.toString(16).toUpperCase()} missing`, { tag });
  return t;
}

export function encodeTag(tag: number): Uint8Array {
  const bytes: number[] = [];
  let t = tag;
  do {
    bytes.unshift(t & 0xff);
    t = Math.floor(t / 256);
  } while (t > 0);
  return Uint8Array.from(bytes);
}

export function encodeLength(len: number): Uint8Array {
  if (len < 0) throw new FormatError('TLV_BAD_LENGTH', 'negative length');
  if (len < 0x80) return Uint8Array.of(len);
  const bytes: number[] = [];
  let l = len;
  while (l > 0) {
    bytes.unshift(l & 0xff);
    l = Math.floor(l / 256);
  }
  return Uint8Array.from([0x80 | bytes.length, ...bytes]);
}

/** Encodes tag + definite length + value. `value` may be several parts, concatenated. */
export function encodeTlv(tag: number, ...value: Uint8Array[]): Uint8Array {
  const v = value.length === 1 ? (value[0] as Uint8Array) : concatBytes(...value);
  return concatBytes(encodeTag(tag), encodeLength(v.length), v);
}
