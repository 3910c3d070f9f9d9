import { randomBytes, type KeyObject } from 'node:crypto';
import { bigIntToBytes, bytesToBigInt, concatBytes, timingSafeEqualBytes, toHex } from '../base/bytes.js';
import { isKioskError } from '../base/errors.js';
import { encodeCommandApdu, parseResponseApdu, swHex } from './apdu.js';
import { parseAsn1 } from './pki/asn1.js';
import { OID, type DigestName } from './pki/oids.js';
import { parseSecurityInfos } from './pki/security-infos.js';
import { hashBytes, publicKeyFromSpki, verifyEcdsa } from './pki/signature.js';

/**
 * Active Authentication, host side (ICAO 9303-11 §6.1): INTERNAL AUTHENTICATE with an 8-byte random
 * challenge; the chip signs it with the private key whose public key is in DG15.
 * - RSA: ISO/IEC 9796-2 digital signature scheme 1 (partial message recovery). The host recovers
 *   F = s^e mod n, checks header 6A, reads the hash from the trailer (BC = SHA-1, or XX CC with the
 *   ISO/IEC 10118-3 hash id: 33 SHA-1, 34 SHA-256, 36 SHA-384, 35 SHA-512, 38 SHA-224) and checks
 *   H = hash(M1 || challenge).
 * - ECDSA: the signature over the challenge, plain r||s (BSI TR-03111) or DER, with the hash named
 *   by DG14's ActiveAuthenticationInfo (when absent, each SHA-2/SHA-1 is tried).
 * Statuses: `valid`; `invalid` (the chip has a DG15 but cannot prove it holds its private key: a
 * cloned chip); `not-supported` (no DG15). Transport and secure-messaging errors are thrown.
 */
export interface AaChannel {
  transmit(command: Uint8Array): Promise<Uint8Array>;
}

export interface ActiveAuthResult {
  status: 'valid' | 'invalid' | 'not-supported';
  algorithm: string | null;
  reasons: { code: string; message: string }[];
}

export interface ActiveAuthOptions {
  /** DG14 bytes, for ActiveAuthenticationInfo (ECDSA hash). */
  dg14?: Uint8Array;
  /** Fixed challenge (tests); default 8 random bytes. */
  challenge?: Uint8Array;
}

const TRAILER_HASH: Record<number, DigestName> = { 0x33: 'SHA-1', 0x34: 'SHA-256', 0x35: 'SHA-512', 0x36: 'SHA-384', 0x38: 'SHA-224' };
export const HASH_TRAILER_ID: Record<DigestName, number> = { 'SHA-1': 0x33, 'SHA-256': 0x34, 'SHA-512': 0x35, 'SHA-384': 0x36, 'SHA-224': 0x38 };

const AA_ECDSA_HASH: Record<string, DigestName> = {
  [OID.ecdsaPlainSha1]: 'SHA-1',
  [OID.ecdsaPlainSha224]: 'SHA-224',
  [OID.ecdsaPlainSha256]: 'SHA-256',
  [OID.ecdsaPlainSha384]: 'SHA-384',
  [OID.ecdsaPlainSha512]: 'SHA-512',
  [OID.ecdsaWithSha1]: 'SHA-1',
  [OID.ecdsaWithSha224]: 'SHA-224',
  [OID.ecdsaWithSha256]: 'SHA-256',
  [OID.ecdsaWithSha384]: 'SHA-384',
  [OID.ecdsaWithSha512]: 'SHA-512',
};

/** The SubjectPublicKeyInfo inside DG15 (tag 6F). */
export function dg15PublicKey(dg15: Uint8Array): Uint8Array {
  const t = parseAsn1(dg15, 'DG15');
  if (t.tag !== 0x6f || !t.children?.[0] || t.children[0].tag !== 0x30) throw new Error('DG15 does not hold a SubjectPublicKeyInfo');
  const s = t.children[0];
  return dg15.subarray(s.offset, s.offset + s.totalLength);
}

export async function activeAuthenticate(channel: AaChannel, dg15: Uint8Array | undefined, opts: ActiveAuthOptions = {}): Promise<ActiveAuthResult> {
  if (!dg15 || dg15.length === 0) {
    return { status: 'not-supported', algorithm: null, reasons: [{ code: 'AA_NO_DG15', message: 'the chip has no DG15: Active Authentication not supported' }] };
  }
  const invalid = (code: string, message: string, algorithm: string | null = null): ActiveAuthResult => ({ status: 'invalid', algorithm, reasons: [{ code, message }] });
  let key: KeyObject;
  try {
    key = publicKeyFromSpki(dg15PublicKey(dg15));
  } catch (e) {
    return invalid('AA_BAD_DG15', `DG15 public key unusable: ${isKioskError(e) ? e.code : e instanceof Error ? e.message : 'error'}`);
  }
  const challenge = opts.challenge ?? new Uint8Array(randomBytes(8));
  if (challenge.length !== 8) throw new Error('the AA challenge is 8 bytes');
  const resp = parseResponseApdu(await channel.transmit(encodeCommandApdu({ cla: 0x00, ins: 0x88, p1: 0x00, p2: 0x00, data: challenge, le: 256 })));
  if (resp.sw !== 0x9000 || resp.data.length === 0) {
    return invalid('AA_REFUSED', `INTERNAL AUTHENTICATE answered ${swHex(resp.sw)} although the chip has a DG15`);
  }
  const sig = resp.data;
  if (key.asymmetricKeyType === 'rsa') {
    const r = verifyIso9796Scheme1(key, challenge, sig);
    return r.ok ? { status: 'valid', algorithm: r.algorithm, reasons: [] } : invalid('AA_SIGNATURE', `Active Authentication signature does not verify (${r.why})`, r.algorithm);
  }
  if (key.asymmetricKeyType === 'ec') {
    let hashes: DigestName[] = ['SHA-256', 'SHA-384', 'SHA-512', 'SHA-224', 'SHA-1'];
    if (opts.dg14) {
      try {
        const aaInfo = parseSecurityInfos(opts.dg14).activeAuthentication;
        const h = aaInfo ? AA_ECDSA_HASH[aaInfo.signatureAlgorithm] : undefined;
        if (h) hashes = [h];
      } catch {}
    }
    const der = sig[0] === 0x30 && isDerSig(sig);
    for (const h of hashes) {
      if (verifyEcdsa(key, h, challenge, sig, !der)) return { status: 'valid', algorithm: `ECDSA-${h}${der ? ' (DER)' : ' (plain)'}`, reasons: [] };
      // A plain r||s that happens to look like DER: try the other form too.
      if (der && sig.length % 2 === 0 && verifyEcdsa(key, h, challenge, sig, true)) return { status: 'valid', algorithm: `ECDSA-${h} (plain)`, reasons: [] };
    }
    return invalid('AA_SIGNATURE', 'Active Authentication ECDSA signature does not verify', `ECDSA-${hashes.join('|')}`);
  }
  return invalid('AA_KEY_TYPE', `unsupported Active Authentication key type ${key.asymmetricKeyType}`);
}

function isDerSig(sig: Uint8Array): boolean {
  try {
    const t = parseAsn1(sig, 'sig');
    return t.tag === 0x30 && t.totalLength === sig.length && t.children?.length === 2;
  } catch {
    return false;
  }
}

/** ISO/IEC 9796-2 scheme 1 verification with message recovery; M2 = the challenge. */
export function verifyIso9796Scheme1(key: KeyObject, challenge: Uint8Array, sig: Uint8Array): { ok: boolean; algorithm: string; why?: string } {
  const jwk = key.export({ format: 'jwk' });
  const n = bytesToBigInt(Buffer.from(jwk.n ?? '', 'base64url'));
  const e = bytesToBigInt(Buffer.from(jwk.e ?? '', 'base64url'));
  const k = Math.ceil(n.toString(2).length / 8);
  const s = bytesToBigInt(sig);
  if (s >= n) return { ok: false, algorithm: 'RSA ISO/IEC 9796-2', why: 'signature not below the modulus' };
  let m = modPow(s, e, n);
  // ISO/IEC 9796-2 allows the representative or its complement (n - m) when the trailer nibble is not C.
  let f = bigIntToBytes(m, k);
  if ((f[k - 1]! & 0x0f) !== 0x0c) {
    m = n - m;
    f = bigIntToBytes(m, k);
  }
  if ((f[k - 1]! & 0x0f) !== 0x0c) return { ok: false, algorithm: 'RSA ISO/IEC 9796-2', why: 'no trailer' };
  let hash: DigestName | undefined;
  let t: number;
  if (f[k - 1] === 0xbc) {
    hash = 'SHA-1';
    t = 1;
  } else if (f[k - 1] === 0xcc) {
    hash = TRAILER_HASH[f[k - 2]!];
    t = 2;
  } else return { ok: false, algorithm: 'RSA ISO/IEC 9796-2', why: 'unknown trailer' };
  if (!hash) return { ok: false, algorithm: 'RSA ISO/IEC 9796-2', why: `unsupported hash id ${toHex(f.subarray(k - 2, k - 1))}` };
  const algorithm = `RSA ISO/IEC 9796-2 scheme 1 ${hash}`;
  const hLen = hashBytes(hash, new Uint8Array(0)).length;
  const header = f[0]! >> 4;
  if ((f[0]! & 0xc0) !== 0x40) return { ok: false, algorithm, why: 'bad header' };
  // 0x6A: partial recovery (M1 is the recoverable part, M2 = challenge); 0x4A: total recovery.
  const m1 = f.subarray(1, k - hLen - t);
  const h = f.subarray(k - hLen - t, k - t);
  const partial = (header & 0x02) !== 0;
  const message = partial ? concatBytes(m1, challenge) : m1;
  if (!partial) {
    // Total recovery: M1 itself must end with the challenge (after padding).
    if (!timingSafeEqualBytes(m1.subarray(m1.length - 8), challenge)) return { ok: false, algorithm, why: 'recovered message is not the challenge' };
  }
  return timingSafeEqualBytes(hashBytes(hash, message), h) ? { ok: true, algorithm } : { ok: false, algorithm, why: 'hash mismatch' };
}

export function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}
