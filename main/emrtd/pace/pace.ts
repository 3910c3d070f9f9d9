/**
 * PACE, terminal side (ICAO 9303-11 §4.4): MSE:Set AT, then four GENERAL AUTHENTICATE steps
 * (encrypted nonce, generic mapping, key agreement, mutual authentication), chained with CLA 10.
 * ECDH generic mapping on brainpoolP256r1/384r1/512r1 and NIST P-256/384/521, DH generic mapping on
 * the RFC 5114 MODP groups (ids 0-2), AES-128/192/256 and 3DES.
 */
import { ascii, concatBytes, timingSafeEqualBytes } from '../../base/bytes.js';
import { UsageError } from '../../base/errors.js';
import type { Logger } from '../../base/log.js';
import { parseTlv, type Tlv } from '../../base/tlv.js';
import {
  AccessControlError, AccessDeniedError, encodeCommandApdu, parseResponseApdu, type ResponseApdu, swHex,
} from '../apdu.js';
import { deriveKeys, kdf, KDF_PI, sha1 } from '../crypto/kdf.js';
import { SmChannel } from '../sm/channel.js';
import type { ApduTransport } from '../transport.js';
import type { PaceInfo } from './card-access.js';
import { authenticationToken, decryptNonce, dynamicAuthData, type RandomSource } from './ecdh-gm.js';
import { assertDifferent, createPaceGroup } from './group.js';
import { encodeOid } from './oid.js';
import { randomBytes } from 'node:crypto';

export type PacePassword = { kind: 'mrz'; mrzInformation: string } | { kind: 'can'; can: string };

/** π per §9.7.3: SHA-1(MRZ information) for the MRZ, the CAN's ASCII bytes for the CAN. */
export function pacePasswordKey(pw: PacePassword): Uint8Array {
  if (pw.kind === 'mrz') {
    if (!/^[0-9A-Z<]{9,}\d\d{6}\d\d{6}\d$/.test(pw.mrzInformation)) throw new UsageError('BAD_MRZ_INFORMATION', 'MRZ information is not document number, birth and expiry with check digits');
    return sha1(ascii(pw.mrzInformation));
  }
  if (!/^\d{6}$/.test(pw.can)) throw new UsageError('BAD_CAN', 'the CAN is six digits');
  return ascii(pw.can);
}

export interface PaceResult {
  channel: SmChannel;
  paceInfo: PaceInfo;
  ksEnc: Uint8Array;
  ksMac: Uint8Array;
  /** The chip's ephemeral public key (uncompressed point), e.g. for Chip Authentication / TA. */
  piccPublicKey: Uint8Array;
  /** Whether MSE:Set AT carried the parameter id (DO84). */
  parameterIdSent: boolean;
}

export interface PaceOptions {
  random?: RandomSource;
  log?: Logger;
  /**
   * When to send the domain parameter id (DO84) in MSE:Set AT. 'always' (default) sends it whenever
   * the PACEInfo names standardized parameters, as the Appendix G.1 example does; 'when-ambiguous'
   * only when EF.CardAccess lists several parameter sets (the minimum §4.4.4.1 requires).
   */
  parameterId?: 'always' | 'when-ambiguous';
  /** Number of PACEInfos in EF.CardAccess (for 'when-ambiguous'). */
  paceInfoCount?: number;
}

const defaultRandom: RandomSource = (n) => new Uint8Array(randomBytes(n));

function gaStep(data: Uint8Array, last: boolean): Uint8Array {
  return encodeCommandApdu({ cla: last ? 0x00 : 0x10, ins: 0x86, p1: 0x00, p2: 0x00, data, le: 256 });
}

function expectDo(r: ResponseApdu, tag: number, step: string): Uint8Array {
  let t: Tlv;
  try {
    t = parseTlv(r.data);
  } catch (e) {
    throw new AccessControlError('PACE_BAD_RESPONSE', `PACE ${step}: malformed response`, { step }, { cause: e });
  }
  const inner = t.tag === 0x7c ? t.children?.find((c) => c.tag === tag) : undefined;
  if (!inner) throw new AccessControlError('PACE_BAD_RESPONSE', `PACE ${step}: response lacks data object ${tag.toString(16)}`, { step });
  return inner.value;
}

function isDenied(sw: number): boolean {
  return sw === 0x6300 || (sw & 0xfff0) === 0x63c0 || sw === 0x6982 || sw === 0x6983 || sw === 0x6984;
}

/**
 * Runs PACE with the given PACEInfo. Refused password → AccessDeniedError; unsupported variant →
 * UsageError 'PACE_UNSUPPORTED'; other failures → AccessControlError or the transport's error.
 */
export async function performPace(transport: ApduTransport, password: PacePassword, info: PaceInfo, opts: PaceOptions = {}): Promise<PaceResult> {
  if (!info.supported || !info.domain) throw new UsageError('PACE_UNSUPPORTED', `PACE variant ${info.name} with ${info.parameters ?? 'explicit parameters'} is not supported`);
  const random = opts.random ?? defaultRandom;
  const suite = info.cipher;
  const group = createPaceGroup(info.domain);
  const send = async (cmd: Uint8Array, step: string): Promise<ResponseApdu> => {
    const r = parseResponseApdu(await transport.transmit(cmd));
    if (r.sw === 0x9000) return r;
    if (isDenied(r.sw) && step === 'mutual authentication') {
      opts.log?.info('PACE refused by the chip', { sw: swHex(r.sw) });
      throw new AccessDeniedError(`The chip refused the ${password.kind === 'mrz' ? 'MRZ' : 'CAN'} key (PACE): ${password.kind === 'mrz' ? 'the MRZ may be misread' : 'the CAN may be mistyped'}`, { protocol: 'PACE', sw: swHex(r.sw) });
    }
    throw new AccessControlError('PACE_FAILED', `PACE ${step} failed (${swHex(r.sw)})`, { step, sw: swHex(r.sw) });
  };

  // 1. MSE:Set AT. When the chip refuses it for its parameters (6A80/6A86), try once more with
  // DO84 the other way round: some chips want the parameter id although EF.CardAccess lists one
  // set, a few refuse it then.
  const mseData = (withId: boolean): Uint8Array => concatBytes(
    Uint8Array.of(0x80), Uint8Array.of(encodeOid(info.oid).length), encodeOid(info.oid),
    Uint8Array.of(0x83, 0x01, password.kind === 'mrz' ? 0x01 : 0x02),
    withId ? Uint8Array.of(0x84, 0x01, info.parameterId!) : new Uint8Array(0),
  );
  const mseOk = (sw: number): boolean => sw === 0x9000 || (sw & 0xfff0) === 0x63c0;
  let sendId = info.parameterId !== undefined && ((opts.parameterId ?? 'always') === 'always' || (opts.paceInfoCount ?? 1) > 1);
  let mseResp = parseResponseApdu(await transport.transmit(encodeCommandApdu({ cla: 0x00, ins: 0x22, p1: 0xc1, p2: 0xa4, data: mseData(sendId) })));
  if ((mseResp.sw === 0x6a80 || mseResp.sw === 0x6a86) && info.parameterId !== undefined && (opts.paceInfoCount ?? 1) <= 1) {
    sendId = !sendId;
    opts.log?.info('MSE:Set AT refused; retrying with the parameter id toggled', { sw: swHex(mseResp.sw), parameterIdSent: sendId });
    mseResp = parseResponseApdu(await transport.transmit(encodeCommandApdu({ cla: 0x00, ins: 0x22, p1: 0xc1, p2: 0xa4, data: mseData(sendId) })));
  }
  if (!mseOk(mseResp.sw)) {
    throw new AccessControlError('PACE_FAILED', `PACE MSE:Set AT failed (${swHex(mseResp.sw)})`, { step: 'MSE:Set AT', sw: swHex(mseResp.sw) });
  }

  // 2. Encrypted nonce.
  const r1 = await send(gaStep(dynamicAuthData(), false), 'encrypted nonce');
  const z = expectDo(r1, 0x80, 'encrypted nonce');
  const kPi = kdf(pacePasswordKey(password), KDF_PI, suite);
  const s = decryptNonce(suite, kPi, z);

  // 3. Generic mapping.
  const mapSk = group.randomPrivate(random);
  const mapPk = group.basePublic(mapSk);
  const r2 = await send(gaStep(dynamicAuthData(0x81, mapPk), false), 'map nonce');
  const piccMapPk = expectDo(r2, 0x82, 'map nonce');
  group.validate(piccMapPk, 'chip mapping key');
  assertDifferent(piccMapPk, mapPk);
  const gHat = group.map(s, mapSk, piccMapPk);

  // 4. Key agreement on G'.
  const sk = group.randomPrivate(random);
  const pk = group.publicOn(gHat, sk);
  const r3 = await send(gaStep(dynamicAuthData(0x83, pk), false), 'key agreement');
  const piccPkBytes = expectDo(r3, 0x84, 'key agreement');
  group.validate(piccPkBytes, 'chip ephemeral key');
  assertDifferent(piccPkBytes, pk);
  const shared = group.sharedSecret(sk, piccPkBytes);
  const keys = deriveKeys(shared, suite);

  // 5. Mutual authentication.
  const tPcd = authenticationToken(suite, keys.kMac, info.oid, piccPkBytes, group.publicKeyTag);
  const r4 = await send(gaStep(dynamicAuthData(0x85, tPcd), true), 'mutual authentication');
  const tPicc = expectDo(r4, 0x86, 'mutual authentication');
  const expected = authenticationToken(suite, keys.kMac, info.oid, pk, group.publicKeyTag);
  if (!timingSafeEqualBytes(tPicc, expected)) {
    throw new AccessControlError('PACE_CHIP_TOKEN', 'the chip\'s PACE authentication token does not verify');
  }
  opts.log?.debug('PACE established', { protocol: info.name, domain: info.domain, parameterIdSent: sendId });
  const cipher = suite === '3DES' ? '3DES' : 'AES';
  const channel = new SmChannel(transport, { cipher, kEnc: keys.kEnc, kMac: keys.kMac }, opts.log);
  return { channel, paceInfo: info, ksEnc: keys.kEnc, ksMac: keys.kMac, piccPublicKey: Uint8Array.from(piccPkBytes), parameterIdSent: sendId };
}

