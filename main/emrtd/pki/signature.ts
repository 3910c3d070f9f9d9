import crypto, { type KeyObject } from 'node:crypto';
import { bytesToBigInt, bigIntToBytes, concatBytes } from '../../base/bytes.js';
import type { Tlv } from '../../base/tlv.js';
import { kids, parseAsn1, readAlgId, readIntBytes, readOid, readSmallInt, type AlgorithmIdentifier } from './asn1.js';
import { OID, digestByOid, digestLength, nodeHashName, oidName, type DigestName } from './oids.js';

/**
 * Signature verification for certificates, CRLs, CMS signer infos and master lists:
 * RSA PKCS#1 v1.5 (incl. a bare rsaEncryption OID with the hash taken from the digest algorithm),
 * RSASSA-PSS with its parameters (hash, MGF1 hash, salt length), ECDSA in DER (X9.62) or plain
 * (BSI TR-03111 r||s) form on any curve node:crypto knows (NIST and brainpool), including keys with
 * explicit domain parameters (OpenSSL 3 maps them to the named curve).
 */
export interface SignatureCheck {
  ok: boolean;
  /** Human-readable algorithm, e.g. "ecdsa-with-SHA256" or "rsassaPss(SHA-256, MGF1 SHA-256, salt 32)". */
  algorithm: string;
  /** Why it could not be checked (unsupported algorithm, unusable key); absent when simply false/true. */
  error?: string;
}

const keyCache = new Map<string, KeyObject>();

export function publicKeyFromSpki(spki: Uint8Array): KeyObject {
  const id = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength).toString('base64');
  let k = keyCache.get(id);
  if (!k) {
    k = crypto.createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    if (keyCache.size > 4096) keyCache.clear();
    keyCache.set(id, k);
  }
  return k;
}

/** "EC brainpoolP256r1", "RSA 2048", ... */
export function describeKey(spki: Uint8Array): string {
  try {
    const k = publicKeyFromSpki(spki);
    const d = k.asymmetricKeyDetails ?? {};
    if (k.asymmetricKeyType === 'ec') return `EC ${d.namedCurve ?? 'unknown curve'}`;
    if (k.asymmetricKeyType === 'rsa' || k.asymmetricKeyType === 'rsa-pss') return `RSA ${d.modulusLength ?? '?'}`;
    return k.asymmetricKeyType ?? 'unknown';
  } catch {
    return 'unsupported key';
  }
}

export interface PssParams {
  hash: DigestName;
  mgf1Hash: DigestName;
  saltLength: number;
}

export function parsePssParams(params: Uint8Array | undefined): PssParams {
  const out: PssParams = { hash: 'SHA-1', mgf1Hash: 'SHA-1', saltLength: 20 };
  if (!params || (params[0] === 0x05 && params.length === 2)) return out;
  const t = parseAsn1(params, 'RSASSA-PSS parameters');
  for (const c of t.children ?? []) {
    const inner: Tlv | undefined = c.children?.[0];
    if (c.tag === 0xa0) {
      const a = readAlgId(params, inner, 'PSS hashAlgorithm');
      out.hash = digestByOid(a.oid) ?? failAlg(`PSS hash ${a.oid}`);
    } else if (c.tag === 0xa1) {
      const a = readAlgId(params, inner, 'PSS maskGenAlgorithm');
      if (a.oid !== OID.mgf1) failAlg(`mask generation ${a.oid}`);
      const h = a.paramsTlv ? readOid(kids(a.paramsTlv, 'MGF1 params')[0], 'MGF1 hash') : OID.sha1;
      out.mgf1Hash = digestByOid(h) ?? failAlg(`MGF1 hash ${h}`);
    } else if (c.tag === 0xa2) {
      out.saltLength = readSmallInt(inner, 'PSS saltLength');
    }
  }
  return out;
}

class UnsupportedAlgorithm extends Error {}
function failAlg(what: string): never {
  throw new UnsupportedAlgorithm(`unsupported ${what}`);
}

const RSA_HASH: Record<string, DigestName> = {
  [OID.sha1WithRSA]: 'SHA-1',
  [OID.sha224WithRSA]: 'SHA-224',
  [OID.sha256WithRSA]: 'SHA-256',
  [OID.sha384WithRSA]: 'SHA-384',
  [OID.sha512WithRSA]: 'SHA-512',
};
const ECDSA_HASH: Record<string, DigestName> = {
  [OID.ecdsaWithSha1]: 'SHA-1',
  [OID.ecdsaWithSha224]: 'SHA-224',
  [OID.ecdsaWithSha256]: 'SHA-256',
  [OID.ecdsaWithSha384]: 'SHA-384',
  [OID.ecdsaWithSha512]: 'SHA-512',
};
const ECDSA_PLAIN_HASH: Record<string, DigestName> = {
  [OID.ecdsaPlainSha1]: 'SHA-1',
  [OID.ecdsaPlainSha224]: 'SHA-224',
  [OID.ecdsaPlainSha256]: 'SHA-256',
  [OID.ecdsaPlainSha384]: 'SHA-384',
  [OID.ecdsaPlainSha512]: 'SHA-512',
};

export function verifySignature(o: {
  algorithm: AlgorithmIdentifier;
  /** Hash to use when the signature OID names none (rsaEncryption, ecPublicKey): the CMS digestAlgorithm. */
  digestHint?: DigestName;
  spki: Uint8Array;
  data: Uint8Array;
  signature: Uint8Array;
}): SignatureCheck {
  const { algorithm: alg } = o;
  let label = oidName(alg.oid);
  try {
    const key = publicKeyFromSpki(o.spki);
    const type = key.asymmetricKeyType;
    if (RSA_HASH[alg.oid] || alg.oid === OID.rsaEncryption) {
      const hash = RSA_HASH[alg.oid] ?? o.digestHint ?? failAlg('rsaEncryption signature without a digest algorithm');
      if (alg.oid === OID.rsaEncryption) label = `rsaEncryption(${hash})`;
      if (type !== 'rsa') return { ok: false, algorithm: label, error: `key type ${type} does not match ${label}` };
      return { ok: crypto.verify(nodeHashName(hash), o.data, key, o.signature), algorithm: label };
    }
    if (alg.oid === OID.rsassaPss) {
      const p = parsePssParams(alg.params);
      label = `rsassaPss(${p.hash}, MGF1 ${p.mgf1Hash}, salt ${p.saltLength})`;
      if (type !== 'rsa' && type !== 'rsa-pss') return { ok: false, algorithm: label, error: `key type ${type} is not RSA` };
      if (p.mgf1Hash === p.hash) {
        const ok = crypto.verify(
          nodeHashName(p.hash),
          o.data,
          { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: p.saltLength },
          o.signature,
        );
        return { ok, algorithm: label };
      }
      return { ok: verifyPssManually(key, p, o.data, o.signature), algorithm: label };
    }
    const ecHash = ECDSA_HASH[alg.oid] ?? ECDSA_PLAIN_HASH[alg.oid];
    if (ecHash) {
      if (type !== 'ec') return { ok: false, algorithm: label, error: `key type ${type} is not EC` };
      const plain = ECDSA_PLAIN_HASH[alg.oid] !== undefined;
      return { ok: verifyEcdsa(key, ecHash, o.data, o.signature, plain), algorithm: label };
    }
    return { ok: false, algorithm: label, error: `unsupported signature algorithm ${alg.oid}` };
  } catch (e) {
    return { ok: false, algorithm: label, error: e instanceof Error ? e.message : String(e) };
  }
}

/** ECDSA; DER signatures that OpenSSL finds non-canonical are re-read leniently as (r, s). */
export function verifyEcdsa(key: KeyObject, hash: DigestName, data: Uint8Array, sig: Uint8Array, plain: boolean): boolean {
  const h = nodeHashName(hash);
  if (plain) return crypto.verify(h, data, { key, dsaEncoding: 'ieee-p1363' }, sig);
  if (crypto.verify(h, data, { key, dsaEncoding: 'der' }, sig)) return true;
  const n = ecFieldBytes(key);
  const rs = n > 0 ? lenientEcdsaDer(sig, n) : undefined;
  return rs ? crypto.verify(h, data, { key, dsaEncoding: 'ieee-p1363' }, rs) : false;
}

const CURVE_BYTES: Record<string, number> = {
  prime192v1: 24,
  secp224r1: 28,
  prime256v1: 32,
  secp384r1: 48,
  secp521r1: 66,
  brainpoolP192r1: 24,
  brainpoolP224r1: 28,
  brainpoolP256r1: 32,
  brainpoolP320r1: 40,
  brainpoolP384r1: 48,
  brainpoolP512r1: 64,
};

/** Byte length of the curve order of an EC key (0 when the curve is unknown). */
export function ecFieldBytes(key: KeyObject): number {
  return CURVE_BYTES[key.asymmetricKeyDetails?.namedCurve ?? ''] ?? 0;
}

function lenientEcdsaDer(sig: Uint8Array, n: number): Uint8Array | undefined {
  try {
    const t = parseAsn1(sig, 'ECDSA signature');
    const [r, s] = [readIntBytes(t.children?.[0], 'r'), readIntBytes(t.children?.[1], 's')];
    return concatBytes(bigIntToBytes(bytesToBigInt(r), n), bigIntToBytes(bytesToBigInt(s), n));
  } catch {
    return undefined;
  }
}

/** EMSA-PSS-VERIFY (RFC 8017 §9.1.2) for a MGF1 hash different from the message hash. */
function verifyPssManually(key: KeyObject, p: PssParams, data: Uint8Array, sig: Uint8Array): boolean {
  const jwk = key.export({ format: 'jwk' });
  const n = bytesToBigInt(Buffer.from(jwk.n ?? '', 'base64url'));
  const e = bytesToBigInt(Buffer.from(jwk.e ?? '', 'base64url'));
  const modBits = n.toString(2).length;
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const s = bytesToBigInt(sig);
  if (s >= n) return false;
  let m = 1n;
  let b = s % n;
  let x = e;
  while (x > 0n) {
    if (x & 1n) m = (m * b) % n;
    b = (b * b) % n;
    x >>= 1n;
  }
  let em: Uint8Array;
  try {
    em = bigIntToBytes(m, emLen);
  } catch {
    return false;
  }
  const hLen = digestLength(p.hash);
  const mHash = crypto.createHash(nodeHashName(p.hash)).update(data).digest();
  if (emLen < hLen + p.saltLength + 2 || em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const hh = em.subarray(emLen - hLen - 1, emLen - 1);
  const dbMask = mgf1(p.mgf1Hash, hh, maskedDb.length);
  const db = maskedDb.map((v, i) => v ^ (dbMask[i] as number));
  db[0] = (db[0] as number) & (0xff >> (8 * emLen - emBits));
  const psLen = emLen - hLen - p.saltLength - 2;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 0x01) return false;
  const salt = db.subarray(db.length - p.saltLength);
  const h2 = crypto
    .createHash(nodeHashName(p.hash))
    .update(concatBytes(new Uint8Array(8), mHash, salt))
    .digest();
  return Buffer.from(h2).equals(Buffer.from(hh));
}

export function mgf1(hash: DigestName, seed: Uint8Array, len: number): Uint8Array {
  const out: Uint8Array[] = [];
  let have = 0;
  for (let c = 0; have < len; c++) {
    const block = crypto.createHash(nodeHashName(hash)).update(seed).update(Uint8Array.of(c >>> 24, (c >>> 16) & 255, (c >>> 8) & 255, c & 255)).digest();
    out.push(block);
    have += block.length;
  }
  return concatBytes(...out).subarray(0, len);
}

export function hashBytes(hash: DigestName, data: Uint8Array): Uint8Array {
  return new Uint8Array(crypto.createHash(nodeHashName(hash)).update(data).digest());
}
