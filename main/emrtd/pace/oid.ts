import { FormatError } from '../../base/errors.js';

/** Dotted OID text from the content bytes of an ASN.1 OBJECT IDENTIFIER. Throws FormatError. */
export function decodeOid(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new FormatError('OID_EMPTY', 'empty object identifier');
  const arcs: number[] = [];
  let v = 0;
  let started = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (!started && b === 0x80) throw new FormatError('OID_BAD', 'object identifier arc with a leading 0x80');
    started = true;
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 256) throw new FormatError('OID_BAD', 'object identifier arc too large');
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0;
      started = false;
    } else if (i === bytes.length - 1) {
      throw new FormatError('OID_BAD', 'object identifier ends inside an arc');
    }
  }
  const first = arcs.shift()!;
  const a = first < 40 ? 0 : first < 80 ? 1 : 2;
  return [a, first - a * 40, ...arcs].join('.');
}

/** Content bytes of an OBJECT IDENTIFIER from dotted text. */
export function encodeOid(oid: string): Uint8Array {
  const parts = oid.split('.').map((p) => Number(p));
  if (parts.length < 2 || parts.some((p) => !Number.isSafeInteger(p) || p < 0)) throw new FormatError('OID_BAD', 'bad dotted OID');
  const out: number[] = [];
  const arcs = [parts[0]! * 40 + parts[1]!, ...parts.slice(2)];
  for (const arc of arcs) {
    const bytes: number[] = [];
    let v = arc;
    do {
      bytes.unshift(v % 128);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let i = 0; i < bytes.length - 1; i++) bytes[i]! |= 0x80;
    out.push(...bytes);
  }
  return Uint8Array.from(out);
}
