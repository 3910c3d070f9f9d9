import { encodeTlv } from '../../base/tlv.js';
import { der } from '../../emrtd/pki/der.js';
import { OID, type DigestName } from '../../emrtd/pki/oids.js';
import { CA_OID } from '../../emrtd/pki/security-infos.js';
import type { CipherSuite } from '../../emrtd/crypto/kdf.js';
import { caProtocolOid, type CaKey } from './ca.js';

/** DG15 (ICAO 9303-10 §4.7.15): tag 6F around the Active Authentication SubjectPublicKeyInfo. */
export function buildDg15(spki: Uint8Array): Uint8Array {
  return encodeTlv(0x6f, spki);
}

const PLAIN_ECDSA: Record<DigestName, string> = {
  'SHA-1': OID.ecdsaPlainSha1,
  'SHA-224': OID.ecdsaPlainSha224,
  'SHA-256': OID.ecdsaPlainSha256,
  'SHA-384': OID.ecdsaPlainSha384,
  'SHA-512': OID.ecdsaPlainSha512,
};

/**
 * DG14 (ICAO 9303-10 §4.7.14, 9303-11 §9.2): tag 6E around the SET OF SecurityInfo:
 * ChipAuthenticationInfo + ChipAuthenticationPublicKeyInfo, and ActiveAuthenticationInfo for ECDSA AA.
 */
export function buildDg14(o: { ca?: { key: CaKey; cipher: CipherSuite; keyId?: number }; aaEcdsaHash?: DigestName; extra?: Uint8Array[] }): Uint8Array {
  const infos: Uint8Array[] = [];
  if (o.ca) {
    const keyId = o.ca.keyId !== undefined ? [der.uint(o.ca.keyId)] : [];
    const agreement = o.ca.key.spec.agreement;
    infos.push(der.seq(der.oid(caProtocolOid(agreement, o.ca.cipher)), der.uint(1), ...keyId));
    infos.push(der.seq(der.oid(agreement === 'ECDH' ? CA_OID.pkEcdh : CA_OID.pkDh), o.ca.key.spki, ...keyId));
  }
  if (o.aaEcdsaHash) infos.push(der.seq(der.oid(OID.aaProtocol), der.uint(1), der.oid(PLAIN_ECDSA[o.aaEcdsaHash])));
  infos.push(...(o.extra ?? []));
  return encodeTlv(0x6e, der.set(...infos));
}
