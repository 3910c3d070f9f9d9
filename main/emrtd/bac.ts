/**
 * Basic Access Control (ICAO 9303-11 §4.3, Appendix D): key derivation from the MRZ information,
 * GET CHALLENGE, EXTERNAL AUTHENTICATE with mutual authentication, session keys and SSC.
 */
import { randomBytes } from 'node:crypto';
import { concatBytes, timingSafeEqualBytes, xorBytes } from '../base/bytes.js';
import { UsageError } from '../base/errors.js';
import type { Logger } from '../base/log.js';
import { checkDigit } from '../mrz/check-digit.js';
import {
  AccessControlError, AccessDeniedError, Cmd, encodeCommandApdu, parseResponseApdu, StatusWordError, swHex,
} from './apdu.js';
import { retailMac, tdesCbcDecrypt, tdesCbcEncrypt } from './crypto/des.js';
import { bacKeySeed, deriveKeys } from './crypto/kdf.js';
import { SmChannel } from './sm/channel.js';
import type { ApduTransport } from './transport.js';

export type RandomSource = (length: number) => Uint8Array;

export const defaultRandom: RandomSource = (n) => new Uint8Array(randomBytes(n));

/**
 * The MRZ information used as BAC/PACE password (§9.7.2): document number (at least 9 characters,
 * padded with '<') + its check digit + date of birth + check digit + date of expiry + check digit.
 */
export function mrzInformation(documentNumber: string, birthDate: string, expiryDate: string): string {
  const doc = documentNumber.toUpperCase().replace(/ /g, '<').padEnd(9, '<');
  if (!/^[0-9A-Z<]+$/.test(doc)) throw new UsageError('BAD_DOCUMENT_NUMBER', 'document number has characters outside 0-9, A-Z and <');
  if (!/^\d{6}$/.test(birthDate) || !/^\d{6}$/.test(expiryDate)) throw new UsageError('BAD_DATE', 'dates must be YYMMDD');
  return `${doc}${checkDigit(doc)}${birthDate}${checkDigit(birthDate)}${expiryDate}${checkDigit(expiryDate)}`;
}

export interface BacKeys {
  kSeed: Uint8Array;
  kEnc: Uint8Array;
  kMac: Uint8Array;
}

/** K_seed, K_enc and K_mac from the MRZ information (Appendix D.2). */
export function deriveBacKeys(mrzInfo: string): BacKeys {
  if (!/^[0-9A-Z<]{9,}\d\d{6}\d\d{6}\d$/.test(mrzInfo)) throw new UsageError('BAD_MRZ_INFORMATION', 'MRZ information is not document number, birth and expiry with check digits');
  const kSeed = bacKeySeed(mrzInfo);
  return { kSeed, ...deriveKeys(kSeed, '3DES') };
}

export interface BacResult {
  channel: SmChannel;
  ksEnc: Uint8Array;
  ksMac: Uint8Array;
  ssc: Uint8Array;
}

/** Mutual authentication cryptogram E_IFD || M_IFD for S = RND.IFD || RND.IC || K.IFD. */
export function bacCryptogram(kEnc: Uint8Array, kMac: Uint8Array, s: Uint8Array): Uint8Array {
  const e = tdesCbcEncrypt(kEnc, s);
  return concatBytes(e, retailMac(kMac, e));
}

/**
 * Runs BAC against the chip. The eMRTD application must be selected. A refused key gives
 * AccessDeniedError; any other failure AccessControlError or the transport's error.
 */
export async function performBac(
  transport: ApduTransport,
  mrzInfo: string,
  opts: { random?: RandomSource; log?: Logger } = {},
): Promise<BacResult> {
  const random = opts.random ?? defaultRandom;
  const keys = deriveBacKeys(mrzInfo);
  const ch = parseResponseApdu(await transport.transmit(encodeCommandApdu(Cmd.getChallenge(8))));
  if (ch.sw !== 0x9000 || ch.data.length !== 8) {
    throw new AccessControlError('BAC_GET_CHALLENGE', `GET CHALLENGE failed (${swHex(ch.sw)})`, { sw: swHex(ch.sw) }, { cause: new StatusWordError(ch.sw, 'GET CHALLENGE') });
  }
  const rndIc = Uint8Array.from(ch.data);
  const rndIfd = random(8);
  const kIfd = random(16);
  const s = concatBytes(rndIfd, rndIc, kIfd);
  const cmd = encodeCommandApdu({ cla: 0x00, ins: 0x82, p1: 0x00, p2: 0x00, data: bacCryptogram(keys.kEnc, keys.kMac, s), le: 40 });
  const r = parseResponseApdu(await transport.transmit(cmd));
  if (r.sw === 0x6300 || r.sw === 0x6982 || (r.sw & 0xfff0) === 0x63c0 || r.sw === 0x6983) {
    opts.log?.info('BAC refused by the chip', { sw: swHex(r.sw) });
    throw new AccessDeniedError('The chip refused the access key (BAC): the MRZ may be misread', { protocol: 'BAC', sw: swHex(r.sw) });
  }
  if (r.sw !== 0x9000 || r.data.length !== 40) {
    throw new AccessControlError('BAC_EXTERNAL_AUTHENTICATE', `EXTERNAL AUTHENTICATE failed (${swHex(r.sw)})`, { sw: swHex(r.sw) });
  }
  const eIc = r.data.subarray(0, 32);
  const mIc = r.data.subarray(32, 40);
  if (!timingSafeEqualBytes(retailMac(keys.kMac, eIc), mIc)) {
    throw new AccessControlError('BAC_CHIP_MAC', 'the chip\'s authentication cryptogram has a bad MAC');
  }
  const rPlain = tdesCbcDecrypt(keys.kEnc, eIc);
  if (!timingSafeEqualBytes(rPlain.subarray(0, 8), rndIc) || !timingSafeEqualBytes(rPlain.subarray(8, 16), rndIfd)) {
    throw new AccessControlError('BAC_CHIP_NONCE', 'the chip did not return our challenge');
  }
  const kIc = rPlain.subarray(16, 32);
  const session = deriveKeys(xorBytes(kIfd, kIc), '3DES');
  const ssc = concatBytes(rndIc.subarray(4, 8), rndIfd.subarray(4, 8));
  const channel = new SmChannel(transport, { cipher: '3DES', kEnc: session.kEnc, kMac: session.kMac, ssc }, opts.log);
  return { channel, ksEnc: session.kEnc, ksMac: session.kMac, ssc };
}
