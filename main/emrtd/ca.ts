import crypto from 'node:crypto';
import { bigIntToBytes, bytesToBigInt, concatBytes } from '../base/bytes.js';
import { isKioskError } from '../base/errors.js';
import { encodeTlv, parseTlv } from '../base/tlv.js';
import { Cmd, encodeCommandApdu, parseResponseApdu, StatusWordError, swHex } from './apdu.js';
import { deriveKeys, type CipherSuite } from './crypto/kdf.js';
import { expectTag, kids, parseAsn1, readIntBytes } from './pki/asn1.js';
import { encodeOidBody } from './pki/der.js';
import { CA_OID, parseSecurityInfos, type ChipAuthenticationInfo, type ChipAuthenticationPublicKeyInfo } from './pki/security-infos.js';
import { publicKeyFromSpki } from './pki/signature.js';
import type { SecureChannel } from './sm/channel.js';

/**
 * Chip Authentication v1, host side (ICAO 9303-11 §6.2, BSI TR-03110-1 §3.4 v1):
 * from DG14's ChipAuthenticationPublicKeyInfo (the chip's static ECDH or DH key, protected by PA)
 * and ChipAuthenticationInfo (protocol, cipher, keyId), the host makes an ephemeral key pair on the
 * same domain parameters, sends its public key (3DES: MSE:Set KAT with DO91; AES: MSE:Set AT with
 * the protocol OID, then GENERAL AUTHENTICATE with DO80), computes K = KA(SK_host, PK_chip), derives
 * KSenc/KSmac with the KDF of 9303-11 §9.7.1 and restarts secure messaging with SSC = 0.
 * The chip is authenticated implicitly: it can only answer under the new keys if it holds the
 * private key of DG14. So the result is `valid` only once a command under the new keys has come
 * back with a good MAC (SELECT EF.COM + READ BINARY of 4 bytes by default); a bad MAC gives
 * `invalid` (the secure channel is then closed: the caller re-runs access control to read on).
 * `not-supported`: no DG14 or no Chip Authentication key in it. Transport errors are thrown.
 */
export interface ChipAuthResult {
  status: 'valid' | 'invalid' | 'not-supported';
  protocol: string | null;
  agreement: 'ECDH' | 'DH' | null;
  cipher: CipherSuite | null;
  keyId: string | null;
  reasons: { code: string; message: string }[];
}

export interface ChipAuthOptions {
  /** Command run under the new keys to prove them; default SELECT EF.COM + READ BINARY 4 bytes. */
  verify?: (channel: SecureChannel) => Promise<void>;
}

export async function chipAuthenticate(channel: SecureChannel, dg14: Uint8Array | undefined, opts: ChipAuthOptions = {}): Promise<ChipAuthResult> {
  const base: ChipAuthResult = { status: 'not-supported', protocol: null, agreement: null, cipher: null, keyId: null, reasons: [] };
  const fail = (status: 'invalid' | 'not-supported', code: string, message: string): ChipAuthResult => ({
    ...base,
    status,
    reasons: [...base.reasons, { code, message }],
  });
  if (!dg14 || dg14.length === 0) return fail('not-supported', 'CA_NO_DG14', 'the chip has no DG14: Chip Authentication not supported');
  let infos;
  try {
    infos = parseSecurityInfos(dg14);
  } catch (e) {
    return fail('invalid', 'CA_BAD_DG14', `DG14 cannot be parsed (${isKioskError(e) ? e.code : 'error'})`);
  }
  const choice = choose(infos.chipAuthentication, infos.chipAuthenticationPublicKeys);
  if (!choice) return fail('not-supported', 'CA_NO_KEY', 'DG14 holds no Chip Authentication public key we support');
  const { info, pk } = choice;
  base.protocol = info.oid;
  base.agreement = pk.agreement;
  base.cipher = info.cipher;
  base.keyId = pk.keyId !== undefined ? pk.keyId.toString() : null;

  let ephemeralPublic: Uint8Array;
  let secret: Uint8Array;
  try {
    ({ ephemeralPublic, secret } = pk.agreement === 'ECDH' ? ecdhAgree(pk) : dhAgree(pk));
  } catch (e) {
    return fail('invalid', 'CA_BAD_KEY', `the DG14 Chip Authentication key is unusable: ${e instanceof Error ? e.message : 'error'}`);
  }
  const keyRef = pk.keyId !== undefined ? encodeTlv(0x84, bigIntToBytes(pk.keyId)) : new Uint8Array(0);
  if (info.cipher === '3DES') {
    const r = parseResponseApdu(
      await channel.transmit(encodeCommandApdu({ cla: 0x00, ins: 0x22, p1: 0x41, p2: 0xa6, data: concatBytes(encodeTlv(0x91, ephemeralPublic), keyRef) })),
    );
    if (r.sw !== 0x9000) return fail('invalid', 'CA_REFUSED', `MSE:Set KAT answered ${swHex(r.sw)}`);
  } else {
    const r1 = parseResponseApdu(
      await channel.transmit(encodeCommandApdu({ cla: 0x00, ins: 0x22, p1: 0x41, p2: 0xa4, data: concatBytes(encodeTlv(0x80, encodeOidBody(info.oid)), keyRef) })),
    );
    if (r1.sw !== 0x9000) return fail('invalid', 'CA_REFUSED', `MSE:Set AT answered ${swHex(r1.sw)}`);
    const r2 = parseResponseApdu(
      await channel.transmit(encodeCommandApdu({ cla: 0x00, ins: 0x86, p1: 0x00, p2: 0x00, data: encodeTlv(0x7c, encodeTlv(0x80, ephemeralPublic)), le: 256 })),
    );
    if (r2.sw !== 0x9000) return fail('invalid', 'CA_REFUSED', `GENERAL AUTHENTICATE answered ${swHex(r2.sw)}`);
  }
  const keys = deriveKeys(secret, info.cipher);
  channel.setKeys({ cipher: info.cipher === '3DES' ? '3DES' : 'AES', kEnc: keys.kEnc, kMac: keys.kMac });
  try {
    await (opts.verify ?? defaultVerify)(channel);
  } catch (e) {
    if (isKioskError(e) && (e.code.startsWith('SM_') || e.code === 'STATUS_WORD')) {
      return fail('invalid', 'CA_KEYS_REJECTED', `the chip does not answer under the Chip Authentication keys (${e.code}): it does not hold the DG14 private key`);
    }
    throw e;
  }
  return { ...base, status: 'valid' };
}

async function defaultVerify(channel: SecureChannel): Promise<void> {
  const sel = parseResponseApdu(await channel.transmit(encodeCommandApdu(Cmd.selectEf(0x011e))));
  if (sel.sw !== 0x9000) throw new StatusWordError(sel.sw, 'SELECT EF.COM');
  parseResponseApdu(await channel.transmit(encodeCommandApdu(Cmd.readBinary(0, 4))));
}

function choose(
  infos: ChipAuthenticationInfo[],
  keys: ChipAuthenticationPublicKeyInfo[],
): { info: ChipAuthenticationInfo; pk: ChipAuthenticationPublicKeyInfo } | undefined {
  for (const info of infos) {
    const pk = keys.find((k) => k.agreement === info.agreement && (info.keyId === undefined || k.keyId === undefined || k.keyId === info.keyId));
    if (pk) return { info, pk };
  }
  // No ChipAuthenticationInfo (older chips): 3DES is the default (TR-03110 v1).
  const pk = keys[0];
  if (!pk) return undefined;
  return { info: { oid: `${pk.agreement === 'ECDH' ? CA_OID.caEcdh : CA_OID.caDh}.1`, agreement: pk.agreement, cipher: '3DES', version: 1 }, pk };
}

/** ECDH on the chip key's curve; the secret is the x-coordinate (BSI TR-03111 §4.3.1). */
function ecdhAgree(pk: ChipAuthenticationPublicKeyInfo): { ephemeralPublic: Uint8Array; secret: Uint8Array } {
  const chipKey = publicKeyFromSpki(pk.spki);
  const curve = chipKey.asymmetricKeyDetails?.namedCurve;
  if (chipKey.asymmetricKeyType !== 'ec' || !curve) throw new Error('not an EC key on a known curve');
  const ecdh = crypto.createECDH(curve);
  ecdh.generateKeys();
  const secret = new Uint8Array(ecdh.computeSecret(Buffer.from(pk.publicKey)));
  return { ephemeralPublic: new Uint8Array(ecdh.getPublicKey(null, 'uncompressed')), secret };
}

/** DH (X9.42 dhpublicnumber or PKCS#3 dhKeyAgreement parameters); secret padded to the size of p. */
function dhAgree(pk: ChipAuthenticationPublicKeyInfo): { ephemeralPublic: Uint8Array; secret: Uint8Array } {
  const params = pk.algorithm.params;
  if (!params) throw new Error('DH key without domain parameters');
  const pt = kids(expectTag(parseAsn1(params, 'DH parameters'), 0x30, 'DH parameters'), 'DH parameters');
  const p = stripZero(readIntBytes(pt[0], 'p'));
  const g = stripZero(readIntBytes(pt[1], 'g'));
  const y = stripZero(readIntBytes(parseTlv(pk.publicKey), 'DH public key'));
  const len = p.length;
  const dh = crypto.createDiffieHellman(Buffer.from(p), Buffer.from(g));
  dh.generateKeys();
  const yv = bytesToBigInt(y);
  if (yv <= 1n || yv >= bytesToBigInt(p) - 1n) throw new Error('DH public key out of range');
  const secret = bigIntToBytes(bytesToBigInt(new Uint8Array(dh.computeSecret(Buffer.from(y)))), len);
  return { ephemeralPublic: bigIntToBytes(bytesToBigInt(new Uint8Array(dh.getPublicKey())), len), secret };
}

function stripZero(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}


