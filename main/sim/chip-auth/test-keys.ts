import crypto from 'node:crypto';
import type { CipherSuite } from '../../emrtd/crypto/kdf.js';
import type { DigestName } from '../../emrtd/pki/oids.js';
import type { ChipExtension } from '../chip/types.js';
import type { TestKeyPair } from '../pki/keys.js';
import { createActiveAuthExtension, type AaKey } from './aa.js';
import { createChipAuthExtension, type CaKey } from './ca.js';

/**
 * Chip extensions from the deterministic test keys of the passport generator (EC P-256/P-384
 * TestKeyPair from main/sim/pki): ECDSA Active Authentication (plain r||s, SHA-256 by default, as
 * DG14's ActiveAuthenticationInfo says) and ECDH Chip Authentication (AES-128 by default, as DG14's
 * ChipAuthenticationInfo says).
 */
function curveName(k: TestKeyPair): string {
  return k.curve === 'P-256' ? 'prime256v1' : 'secp384r1';
}

export function aaKeyFromTestKey(k: TestKeyPair, o: { hash?: DigestName; form?: 'plain' | 'der' } = {}): AaKey {
  const n = (k.publicPoint.length - 1) / 2;
  const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
  const privateKey = crypto.createPrivateKey({
    key: { kty: 'EC', crv: k.curve, d: b64(k.secretKey), x: b64(k.publicPoint.subarray(1, 1 + n)), y: b64(k.publicPoint.subarray(1 + n)) },
    format: 'jwk',
  });
  return { spec: { type: 'ec', curve: curveName(k), hash: o.hash ?? 'SHA-256', form: o.form ?? 'plain' }, privateKey, spki: k.spki };
}

export function caKeyFromTestKey(k: TestKeyPair): CaKey {
  const ecdh = crypto.createECDH(curveName(k));
  ecdh.setPrivateKey(Buffer.from(k.secretKey));
  return {
    spec: { agreement: 'ECDH', curve: curveName(k) },
    spki: k.spki,
    agree: (peer) => new Uint8Array(ecdh.computeSecret(Buffer.from(peer))),
  };
}

/** The Active and Chip Authentication extensions of a generated passport's keys. */
export function chipAuthExtensions(
  keys: { activeAuthentication?: TestKeyPair; chipAuthentication?: TestKeyPair },
  o: { caCipher?: CipherSuite; aaHash?: DigestName; aaForm?: 'plain' | 'der' } = {},
): ChipExtension[] {
  const out: ChipExtension[] = [];
  if (keys.chipAuthentication) out.push(createChipAuthExtension({ key: caKeyFromTestKey(keys.chipAuthentication), cipher: o.caCipher ?? 'AES-128' }));
  if (keys.activeAuthentication) {
    out.push(createActiveAuthExtension(aaKeyFromTestKey(keys.activeAuthentication, { ...(o.aaHash ? { hash: o.aaHash } : {}), ...(o.aaForm ? { form: o.aaForm } : {}) })));
  }
  return out;
}
