/**
 * Access control entry point (ICAO 9303-11 §4.2): read EF.CardAccess unprotected; run PACE when it
 * offers a variant we support, else (or when PACE fails for a reason other than a wrong key) SELECT
 * the eMRTD application and run BAC. Either way the result carries a secure messaging channel.
 */
import { type KioskError, isKioskError, DeviceError, TimeoutError } from '../base/errors.js';
import { nullLogger, type Logger } from '../base/log.js';
import { parseTlv, readTlvHeader } from '../base/tlv.js';
import { concatBytes } from '../base/bytes.js';
import {
  AccessControlError, AccessDeniedError, Cmd, EMRTD_AID, encodeCommandApdu, parseResponseApdu, StatusWordError,
} from './apdu.js';
import { performBac, type RandomSource } from './bac.js';
import { choosePaceInfo, parseCardAccess, type PaceInfo } from './pace/card-access.js';
import { performPace } from './pace/pace.js';
import type { SecureChannel } from './sm/channel.js';
import type { ApduTransport } from './transport.js';

export type AccessKey = { kind: 'mrz'; mrzInformation: string } | { kind: 'can'; can: string };
export type { SecureChannel } from './sm/channel.js';
export type { PaceInfo } from './pace/card-access.js';

export interface AccessTimings {
  totalMs: number;
  /** Reading EF.CardAccess (0 when it was given). */
  cardAccessMs: number;
  /** PACE or BAC itself, including a failed PACE attempt before BAC. */
  accessControlMs: number;
  /** SELECT of the eMRTD application. */
  selectMs: number;
}

export interface AccessResult {
  protocol: 'PACE' | 'BAC';
  channel: SecureChannel;
  /** The PACEInfo used (PACE only). */
  paceInfo?: PaceInfo;
  /** EF.CardAccess as read (absent when the chip has none). */
  cardAccess?: Uint8Array;
  /** The chip's ephemeral PACE public key (PACE only). */
  piccPublicKey?: Uint8Array;
  /** Why PACE was not used, when EF.CardAccess offered it but BAC ran. */
  paceFallbackReason?: string;
  timings: AccessTimings;
}

export interface AccessOptions {
  /** Skip PACE even when offered. */
  preferBac?: boolean;
  /** EF.CardAccess already read (e.g. before a resume); it is not read again. */
  cardAccess?: Uint8Array;
  log?: Logger;
  /** Random source (tests only). */
  random?: RandomSource;
  /** DO84 policy for PACE, see PaceOptions. */
  paceParameterId?: 'always' | 'when-ambiguous';
}

type Transmitter = Pick<ApduTransport, 'transmit'>;

/** SELECT the eMRTD application by its AID (P2=0C: no FCI). Throws StatusWordError ('STATUS_WORD', sw) on refusal. */
export async function selectEmrtdApplication(transport: Transmitter): Promise<void> {
  const r = parseResponseApdu(await transport.transmit(encodeCommandApdu(Cmd.selectAid(EMRTD_AID))));
  if (r.sw !== 0x9000) throw new StatusWordError(r.sw, 'SELECT eMRTD application');
}

/**
 * Reads EF.CardAccess (FID 011C, SFI 1C) without secure messaging. Resolves undefined when the
 * chip has none (it then does BAC only). Transport errors pass through.
 */
export async function readCardAccess(transport: ApduTransport): Promise<Uint8Array | undefined> {
  const le = Math.max(16, Math.min(transport.maxLe, 256));
  const ok = (sw: number) => sw === 0x9000 || sw === 0x6282;
  const readSfi = async () => parseResponseApdu(await transport.transmit(encodeCommandApdu(Cmd.readBinarySfi(0x1c, 0, le))));
  let r = await readSfi();
  if (!ok(r.sw)) {
    // The application (not the MF) may be selected, e.g. after an earlier session: select the MF.
    const mf = parseResponseApdu(await transport.transmit(encodeCommandApdu(Cmd.selectMf())));
    if (mf.sw === 0x9000) r = await readSfi();
  }
  if (!ok(r.sw)) {
    // Some chips do not take short EF identifiers: select by FID and read.
    const sel = parseResponseApdu(await transport.transmit(encodeCommandApdu(Cmd.selectEf(0x011c))));
    if (sel.sw !== 0x9000) return undefined;
    r = parseResponseApdu(await transport.transmit(encodeCommandApdu(Cmd.readBinary(0, le))));
    if (!ok(r.sw)) return undefined;
  }
  let content: Uint8Array = Uint8Array.from(r.data);
  if (content.length < 2) return undefined;
  let total: number;
  try {
    const h = readTlvHeader(content, 0, { maxLength: 65536 });
    total = h.headerLength + h.length;
  } catch {
    return undefined;
  }
  while (content.length < total && r.sw === 0x9000) {
    const n = Math.min(le, total - content.length);
    r = parseResponseApdu(await transport.transmit(encodeCommandApdu(Cmd.readBinary(content.length, n))));
    if ((r.sw !== 0x9000 && r.sw !== 0x6282) || r.data.length === 0) break;
    content = concatBytes(content, r.data);
  }
  if (content.length < total) return undefined;
  content = content.slice(0, total);
  try {
    parseTlv(content);
  } catch {
    return undefined;
  }
  return content;
}

function isTransportError(e: unknown): boolean {
  return e instanceof DeviceError || e instanceof TimeoutError;
}

/**
 * Establishes access: PACE when EF.CardAccess offers it (read unprotected first, §4.2), else BAC.
 * A wrong key → AccessDeniedError (code 'ACCESS_DENIED', the message says the MRZ may be misread).
 * The eMRTD application is selected (under secure messaging after PACE) when this resolves.
 */
export async function establishAccess(transport: ApduTransport, key: AccessKey, opts: AccessOptions = {}): Promise<AccessResult> {
  const log = opts.log ?? nullLogger;
  const t0 = performance.now();
  let cardAccess = opts.cardAccess;
  let cardAccessMs = 0;
  if (!cardAccess) {
    const t = performance.now();
    cardAccess = await readCardAccess(transport);
    cardAccessMs = performance.now() - t;
  }
  let paceInfo: PaceInfo | undefined;
  let paceCount = 0;
  let paceFallbackReason: string | undefined;
  let paceError: unknown;
  if (cardAccess) {
    try {
      const ca = parseCardAccess(cardAccess);
      paceCount = ca.paceInfos.length;
      paceInfo = choosePaceInfo(ca);
      if (!paceInfo && paceCount > 0) paceFallbackReason = 'no supported PACE variant in EF.CardAccess';
    } catch (e) {
      paceFallbackReason = 'EF.CardAccess is malformed';
      log.warn('EF.CardAccess is malformed; falling back to BAC', { code: isKioskError(e) ? e.code : 'UNKNOWN' });
    }
  }
  const tAc = performance.now();
  if (paceInfo && !opts.preferBac) {
    try {
      const r = await performPace(transport, key, paceInfo, { random: opts.random, log, paceInfoCount: paceCount, parameterId: opts.paceParameterId });
      const accessControlMs = performance.now() - tAc;
      const tSel = performance.now();
      await selectEmrtdApplication(r.channel);
      const selectMs = performance.now() - tSel;
      log.info('access control done', { protocol: 'PACE', variant: paceInfo.name });
      return {
        protocol: 'PACE', channel: r.channel, paceInfo, cardAccess, piccPublicKey: r.piccPublicKey,
        timings: { totalMs: performance.now() - t0, cardAccessMs, accessControlMs, selectMs },
      };
    } catch (e) {
      if (e instanceof AccessDeniedError || isTransportError(e)) throw e;
      if (key.kind !== 'mrz') throw e;
      paceError = e;
      paceFallbackReason = `PACE failed (${isKioskError(e) ? (e as KioskError).code : 'error'})`;
      log.warn('PACE failed; falling back to BAC', { code: isKioskError(e) ? e.code : 'UNKNOWN' });
    }
  } else if (opts.preferBac && paceInfo) {
    paceFallbackReason = 'BAC preferred';
  }
  if (key.kind !== 'mrz') {
    throw new AccessControlError('CAN_NEEDS_PACE', 'a CAN works only with PACE, and this chip offers no usable PACE');
  }
  const tSel = performance.now();
  let selectMs = 0;
  let r: Awaited<ReturnType<typeof performBac>>;
  let tBac = tSel;
  try {
    try {
      await selectEmrtdApplication(transport);
    } catch (e) {
      if (e instanceof StatusWordError) throw new AccessControlError('NOT_EMRTD', 'the chip has no eMRTD application', { sw: e.details['sw'] }, { cause: e });
      throw e;
    }
    selectMs = performance.now() - tSel;
    tBac = performance.now();
    r = await performBac(transport, key.mrzInformation, { random: opts.random, log });
  } catch (e) {
    // BAC after a failed PACE: a wrong key or a lost chip says so; any other BAC failure (e.g. a
    // PACE-only chip) reports the PACE failure, which is the real one.
    if (paceError !== undefined && !(e instanceof AccessDeniedError) && !isTransportError(e)) {
      log.warn('BAC fallback failed too', { code: isKioskError(e) ? e.code : 'UNKNOWN' });
      throw paceError;
    }
    throw e;
  }
  const accessControlMs = performance.now() - tBac + (paceInfo && !opts.preferBac ? tSel - tAc : 0);
  log.info('access control done', { protocol: 'BAC' });
  const result: AccessResult = {
    protocol: 'BAC', channel: r.channel, cardAccess,
    timings: { totalMs: performance.now() - t0, cardAccessMs, accessControlMs, selectMs },
  };
  if (paceFallbackReason) result.paceFallbackReason = paceFallbackReason;
  return result;
}

export { performBac, deriveBacKeys, mrzInformation, type BacResult } from './bac.js';
export { performPace, type PaceResult, type PacePassword } from './pace/pace.js';
export { parseCardAccess, choosePaceInfo, type CardAccess } from './pace/card-access.js';
export { deriveKeys, kdf } from './crypto/kdf.js';
export { SecureMessagingError } from './sm/errors.js';
export { SmChannel, createSecureChannel } from './sm/channel.js';
export {
  ApduError, StatusWordError, AccessDeniedError, AccessControlError, SW, swHex, describeSw, isSuccessSw, isWarningSw,
  encodeCommandApdu, parseCommandApdu, parseResponseApdu, encodeResponseApdu, requireSw, Cmd, EMRTD_AID,
  type CommandApdu, type ResponseApdu,
} from './apdu.js';
