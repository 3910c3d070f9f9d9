import crypto from 'node:crypto';
import { bigIntToBytes, bytesToBigInt } from '../../base/bytes.js';
import { encodeTlv, findTlv, parseTlvs } from '../../base/tlv.js';
import { deriveKeys, type CipherSuite } from '../../emrtd/crypto/kdf.js';
import { der, encodeOidBody } from '../../emrtd/pki/der.js';
import { OID } from '../../emrtd/pki/oids.js';
import { CA_OID } from '../../emrtd/pki/security-infos.js';
import type { ChipContext, ChipExtension } from '../chip/types.js';

/**
 * Chip Authentication v1 on the virtual chip (ICAO 9303-11 §6.2): MSE:Set KAT (3DES) or MSE:Set AT
 * + GENERAL AUTHENTICATE (AES) under the current secure messaging; the answer goes out under the
 * old keys, then the chip switches to keys derived from the ECDH/DH secret with SSC = 0.
 */
export type CaKeySpec = { agreement: 'ECDH'; curve?: string } | { agreement: 'DH'; group?: 'modp14' | 'modp2' };

export interface CaKey {
  spec: CaKeySpec;
  /** The shared secret with a peer public key (ECDH: x-coordinate; DH: padded to the size of p). */
  agree(peerPublic: Uint8Array): Uint8Array;
  /** SubjectPublicKeyInfo (DER) placed in ChipAuthenticationPublicKeyInfo. */
  spki: Uint8Array;
}

const DH_OID = '1.2.840.10046.2.1'; // dhpublicnumber (X9.42)

const CURVE_OIDS: Record<string, string> = {
  prime256v1: OID.prime256v1,
  secp384r1: OID.secp384r1,
  secp521r1: OID.secp521r1,
  brainpoolP256r1: OID.brainpoolP256r1,
  brainpoolP384r1: OID.brainpoolP384r1,
  brainpoolP512r1: OID.brainpoolP512r1,
};

export function generateCaKey(spec: CaKeySpec = { agreement: 'ECDH', curve: 'brainpoolP256r1' }): CaKey {
  if (spec.agreement === 'ECDH') {
    const curve = spec.curve ?? 'brainpoolP256r1';
    const curveOid = CURVE_OIDS[curve];
    if (!curveOid) throw new Error(`unsupported curve ${curve}`);
    const ecdh = crypto.createECDH(curve);
    ecdh.generateKeys();
    const point = new Uint8Array(ecdh.getPublicKey(null, 'uncompressed'));
    return {
      spec,
      spki: der.seq(der.algId(OID.ecPublicKey, der.oid(curveOid)), der.bits(point)),
      agree: (peer) => new Uint8Array(ecdh.computeSecret(Buffer.from(peer))),
    };
  }
  const dh = crypto.getDiffieHellman(spec.group ?? 'modp14');
  dh.generateKeys();
  const p = new Uint8Array(dh.getPrime());
  const g = new Uint8Array(dh.getGenerator());
  const q = bigIntToBytes((bytesToBigInt(p) - 1n) / 2n);
  const y = new Uint8Array(dh.getPublicKey());
  const spki = der.seq(der.seq(der.oid(DH_OID), der.seq(der.uint(p), der.uint(g), der.uint(q))), der.bits(der.uint(y)));
  return {
    spec,
    spki,
    agree(peer) {
      return bigIntToBytes(bytesToBigInt(new Uint8Array(dh.computeSecret(Buffer.from(peer)))), p.length);
    },
  };
}

export interface ChipAuthExtensionOptions {
  key: CaKey;
  cipher: CipherSuite;
  keyId?: number;
}

export function createChipAuthExtension(o: ChipAuthExtensionOptions): ChipExtension {
  let setAt: string | undefined;
  const agree = (peer: Uint8Array): Uint8Array => o.key.agree(peer);
  const finish = (peer: Uint8Array, ctx: ChipContext): boolean => {
    let secret: Uint8Array;
    try {
      secret = agree(peer);
    } catch {
      return false;
    }
    const keys = deriveKeys(secret, o.cipher);
    ctx.setSessionKeysAfterResponse({ cipher: o.cipher === '3DES' ? '3DES' : 'AES', kEnc: keys.kEnc, kMac: keys.kMac });
    return true;
  };
  const none = new Uint8Array(0);
  return {
    handle(cmd, ctx) {
      if (cmd.ins === 0x22 && cmd.p1 === 0x41 && (cmd.p2 === 0xa6 || cmd.p2 === 0xa4)) {
        if (!ctx.secureMessaging) return { data: none, sw: 0x6982 };
        let tlvs;
        try {
          tlvs = parseTlvs(cmd.data);
        } catch {
          return { data: none, sw: 0x6a80 };
        }
        const keyRef = findTlv(tlvs, 0x84);
        if (keyRef && o.keyId !== undefined && Number(bytesToBigInt(keyRef.value)) !== o.keyId) return { data: none, sw: 0x6a88 };
        if (cmd.p2 === 0xa6) {
          if (o.cipher !== '3DES') return { data: none, sw: 0x6a80 };
          const pk = findTlv(tlvs, 0x91);
          if (!pk) return { data: none, sw: 0x6a80 };
          return finish(pk.value, ctx) ? { data: none, sw: 0x9000 } : { data: none, sw: 0x6a80 };
        }
        const oid = findTlv(tlvs, 0x80);
        if (!oid || o.cipher === '3DES') return { data: none, sw: 0x6a80 };
        setAt = Buffer.from(oid.value).toString('hex');
        return { data: none, sw: 0x9000 };
      }
      if (cmd.ins === 0x86 && setAt !== undefined) {
        const expected = Buffer.from(encodeOidBody(caProtocolOid(o.key.spec.agreement, o.cipher))).toString('hex');
        const wanted = setAt;
        setAt = undefined;
        if (wanted !== expected) return { data: none, sw: 0x6a80 };
        let pk;
        try {
          const outer = parseTlvs(cmd.data);
          pk = findTlv(findTlv(outer, 0x7c)?.children, 0x80);
        } catch {}
        if (!pk) return { data: none, sw: 0x6a80 };
        return finish(pk.value, ctx) ? { data: encodeTlv(0x7c, none), sw: 0x9000 } : { data: none, sw: 0x6a80 };
      }
      return undefined;
    },
  };
}

export function caProtocolOid(agreement: 'ECDH' | 'DH', cipher: CipherSuite): string {
  const c = { '3DES': 1, 'AES-128': 2, 'AES-192': 3, 'AES-256': 4 }[cipher];
  return `${agreement === 'ECDH' ? CA_OID.caEcdh : CA_OID.caDh}.${c}`;
}
