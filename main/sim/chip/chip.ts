/**
 * A virtual eMRTD chip (ICAO 9303-10/-11, ISO 7816-4) for the simulated PN532: the file system
 * (EF.CardAccess in the MF; EF.COM, data groups and EF.SOD in the eMRTD application), BAC, PACE
 * with ECDH and DH generic mapping, secure messaging with 3DES or AES, faults, and realistic chip time.
 *
 * Behaviour follows the specifications and real chips, not what is convenient for our host:
 * - files of the eMRTD application need secure messaging: plain SELECT/READ BINARY answer 6982;
 * - a plain command while secure messaging is active aborts the session (then processed plainly);
 *   a protected command with a wrong MAC or missing objects answers 6988/6987 and aborts it;
 * - READ BINARY returns what is available: fewer bytes than Ne with 6282 at the end of the file,
 *   6B00 for an offset beyond the file; B1 with an offset in DO54 for offsets of 32768 and more;
 * - unknown instructions go to the extensions (Active/Chip Authentication ...), then 6D00.
 */
import { randomBytes } from 'node:crypto';
import { bytesEqual, concatBytes, timingSafeEqualBytes, xorBytes } from '../../base/bytes.js';
import { DeviceError } from '../../base/errors.js';
import { systemClock, type Clock } from '../../base/clock.js';
import { parseTlv, parseTlvs, encodeTlv, type Tlv } from '../../base/tlv.js';
import { EMRTD_AID, parseCommandApdu } from '../../emrtd/apdu.js';
import { retailMac, tdesCbcDecrypt, tdesCbcEncrypt } from '../../emrtd/crypto/des.js';
import { bacKeySeed, deriveKeys, kdf, KDF_PI, type CipherSuite } from '../../emrtd/crypto/kdf.js';
import { pacePasswordKey } from '../../emrtd/pace/pace.js';
import { authenticationToken, encryptNonce, nonceLength } from '../../emrtd/pace/ecdh-gm.js';
import { createPaceGroup, type MappedGenerator, type PaceGroup } from '../../emrtd/pace/group.js';
import { decodeOid, encodeOid } from '../../emrtd/pace/oid.js';
import { domainParameterId, isDhGroup, paceOid, type PaceDomainName } from '../../emrtd/pace/params.js';
import { SmCodec } from '../../emrtd/sm/codec.js';
import { SecureMessagingError } from '../../emrtd/sm/errors.js';
import type { SimCard } from '../card.js';
import type { ChipCommand, ChipContext, ChipExtension } from './types.js';

export type { ChipCommand, ChipContext, ChipExtension } from './types.js';

export interface PaceConfig {
  /** The curve (ECDH generic mapping) or RFC 5114 MODP group (DH generic mapping). */
  curve: PaceDomainName;
  cipher: CipherSuite;
  /** Standardized domain parameter id; default: the curve's (e.g. 13 for brainpoolP256r1). */
  parameterId?: number;
}

export interface ChipFaults {
  /** Corrupt the MAC of the secure-messaging response that follows this many good ones (once). */
  badMacAfter?: number;
  /** Largest Ne READ BINARY accepts; larger asks get 6700. */
  maxLe?: number;
  /** The passport is lifted when this many file bytes have been read (once): the response crossing the mark is lost. */
  liftAfterBytes?: number;
  /** ... and is back in the field this long after (default 300 ms). */
  backAfterMs?: number;
}

export interface ChipTiming {
  /** Per APDU (command decoding, file system). */
  perApdu: number;
  /** Per byte of response data. */
  perByte: number;
  /** Extra for a secure messaging wrap/unwrap. */
  secureMessaging: number;
  /** BAC EXTERNAL AUTHENTICATE (3DES and key derivation). */
  bac: number;
  /** One EC scalar multiplication on a 256-bit curve (scaled by the curve size). */
  ecMultiply256: number;
}

export const DEFAULT_CHIP_TIMING: ChipTiming = { perApdu: 2, perByte: 0.004, secureMessaging: 1, bac: 12, ecMultiply256: 45 };

export interface VirtualChipOptions {
  /** FID → content: 0x011C EF.CardAccess (MF), 0x011E EF.COM, 0x0101.. DGs, 0x011D EF.SOD (application). */
  files: Map<number, Uint8Array>;
  /** Document number + cd + birth + cd + expiry + cd: the BAC key and the PACE MRZ password. */
  mrzInformation: string;
  /** Card access number (six digits) for PACE with CAN. */
  can?: string;
  accessControl: { bac: boolean; pace?: PaceConfig | PaceConfig[] };
  faults?: ChipFaults;
  /** Chip processing time; numbers in ms. 0 everywhere with `false`. */
  chipTimeMs?: Partial<ChipTiming> | false;
  extensions?: ChipExtension[];
  kind?: 'A' | 'B';
  uid?: Uint8Array;
  /** Random source (tests: deterministic replays). */
  random?: (length: number) => Uint8Array;
  clock?: Clock;
}

export interface VirtualChipStats {
  apdus: number;
  /** File bytes returned by READ BINARY. */
  bytesRead: number;
  /** Responses wrapped with secure messaging. */
  smResponses: number;
  /** Successful access control runs. */
  authentications: number;
  lifts: number;
  resets: number;
}

export interface VirtualChip extends SimCard {
  readonly stats: VirtualChipStats;
  /** 'none', 'BAC' or 'PACE': the access control of the current session. */
  readonly session: 'none' | 'BAC' | 'PACE';
  /** Lifts the passport now; it comes back after `backAfterMs` (never when undefined). */
  lift(backAfterMs?: number): void;
  /** Puts a lifted passport back now. */
  putBack(): void;
}

interface PaceState {
  config: Required<PaceConfig>;
  oid: string;
  step: 'nonce' | 'map' | 'agree' | 'mutual';
  password: Uint8Array;
  nonce?: Uint8Array;
  group: PaceGroup;
  gHat?: MappedGenerator;
  piccPublic?: Uint8Array;
  pcdPublic?: Uint8Array;
  keys?: { kEnc: Uint8Array; kMac: Uint8Array };
}

type Answer = { data: Uint8Array; sw: number };
const sw = (s: number, data: Uint8Array = new Uint8Array(0)): Answer => ({ data, sw: s });

/** EFs that live in the master file; everything else is in the eMRTD application. */
const MF_FILES = new Set([0x011c, 0x2f00, 0x2f01]);

/** EF.CardAccess for the given PACE configurations (SET OF PACEInfo). */
export function buildCardAccess(configs: PaceConfig[]): Uint8Array {
  const infos = configs.map((c) => {
    const oid = configOid(c);
    const id = c.parameterId ?? domainParameterId(c.curve);
    return encodeTlv(0x30, encodeTlv(0x06, encodeOid(oid)), Uint8Array.of(0x02, 0x01, 0x02), Uint8Array.of(0x02, 0x01, id));
  });
  return encodeTlv(0x31, ...infos);
}

function configOid(c: PaceConfig): string {
  return paceOid(isDhGroup(c.curve) ? 'DH' : 'ECDH', 'GM', c.cipher);
}

export function createVirtualChip(opts: VirtualChipOptions): VirtualChip {
  const random = opts.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const clock = opts.clock ?? systemClock;
  const timing: ChipTiming = opts.chipTimeMs === false
    ? { perApdu: 0, perByte: 0, secureMessaging: 0, bac: 0, ecMultiply256: 0 }
    : { ...DEFAULT_CHIP_TIMING, ...(opts.chipTimeMs ?? {}) };
  const paceConfigs: Required<PaceConfig>[] = (opts.accessControl.pace === undefined ? [] : Array.isArray(opts.accessControl.pace) ? opts.accessControl.pace : [opts.accessControl.pace])
    .map((c) => ({ ...c, parameterId: c.parameterId ?? domainParameterId(c.curve) }));
  const files = new Map(opts.files);
  if (paceConfigs.length > 0 && !files.has(0x011c)) files.set(0x011c, buildCardAccess(paceConfigs));
  const faults = opts.faults ?? {};
  const extensions = opts.extensions ?? [];
  const kind = opts.kind ?? 'A';
  const uid = opts.uid ?? (kind === 'A' ? concatBytes(Uint8Array.of(0x08), random(3)) : random(4));

  const stats: VirtualChipStats = { apdus: 0, bytesRead: 0, smResponses: 0, authentications: 0, lifts: 0, resets: 0 };
  let df: 'MF' | 'APP' = 'MF';
  let currentEf: number | undefined;
  let sm: SmCodec | undefined;
  let session: 'none' | 'BAC' | 'PACE' = 'none';
  let bacChallenge: Uint8Array | undefined;
  let pace: PaceState | undefined;
  let pendingKeys: { cipher: 'AES' | '3DES'; kEnc: Uint8Array; kMac: Uint8Array; session?: 'BAC' | 'PACE'; ssc?: Uint8Array } | undefined;
  let badMacDone = false;
  let liftDone = false;
  let liftedAt: number | undefined;
  let backAfter: number | undefined;
  let extraTime = 0;

  function dropSession(): void {
    sm = undefined;
    session = 'none';
    pace = undefined;
    bacChallenge = undefined;
    pendingKeys = undefined;
  }

  function reset(): void {
    dropSession();
    df = 'MF';
    currentEf = undefined;
    stats.resets++;
  }

  function present(): boolean {
    if (liftedAt === undefined) return true;
    if (backAfter !== undefined && clock.now() - liftedAt >= backAfter) {
      liftedAt = undefined;
      reset();
      return true;
    }
    return false;
  }

  function lift(after?: number): void {
    liftedAt = clock.now();
    backAfter = after;
    stats.lifts++;
  }

  function fileInDf(fid: number): boolean {
    const inMf = MF_FILES.has(fid);
    return df === 'MF' ? inMf : !inMf;
  }

  /** Access rule: application files need an authenticated session. */
  function readable(fid: number): boolean {
    return fid === 0x011c || session !== 'none';
  }

  function select(cmd: ChipCommand): Answer {
    if (cmd.p1 === 0x04) {
      if (bytesEqual(cmd.data, EMRTD_AID)) {
        df = 'APP';
        currentEf = undefined;
        return cmd.p2 === 0x0c ? sw(0x9000) : sw(0x9000, encodeTlv(0x6f, encodeTlv(0x84, EMRTD_AID)));
      }
      return sw(0x6a82);
    }
    if (cmd.p1 === 0x00 && (cmd.data.length === 0 || (cmd.data.length === 2 && cmd.data[0] === 0x3f && cmd.data[1] === 0x00))) {
      df = 'MF';
      currentEf = undefined;
      return sw(0x9000);
    }
    if ((cmd.p1 === 0x02 || cmd.p1 === 0x00) && cmd.data.length === 2) {
      const fid = (cmd.data[0]! << 8) | cmd.data[1]!;
      if (!files.has(fid) || !fileInDf(fid)) return sw(0x6a82);
      if (!readable(fid)) return sw(0x6982);
      currentEf = fid;
      if ((cmd.p2 & 0x0c) === 0x0c) return sw(0x9000);
      const size = files.get(fid)!.length;
      return sw(0x9000, encodeTlv(0x62, encodeTlv(0x80, Uint8Array.of(size >> 8, size & 0xff)), encodeTlv(0x83, cmd.data)));
    }
    return sw(0x6a86);
  }

  function fileBySfi(sfi: number): number | undefined {
    const fid = 0x0100 | sfi; // eMRTD files: FID 01xx with SFI xx (9303-10 §3.6)
    return files.has(fid) && fileInDf(fid) ? fid : undefined;
  }

  function readAt(fid: number, offset: number, le: number | undefined, odd: boolean): Answer {
    if (!readable(fid)) return sw(0x6982);
    if (le === undefined) return sw(0x6700);
    if (faults.maxLe !== undefined && le > faults.maxLe) return sw(0x6700);
    const content = files.get(fid)!;
    if (offset > content.length) return sw(0x6b00);
    let n = Math.min(le, content.length - offset);
    let data = content.subarray(offset, offset + n);
    if (odd) {
      // The response is DO53 with the data; Ne counts the whole object.
      while (n > 0 && encodeTlv(0x53, data).length > le) data = content.subarray(offset, offset + --n);
      data = encodeTlv(0x53, data);
    }
    countBytes(n);
    extraTime += n * timing.perByte;
    return sw(offset + n >= content.length && n < le ? 0x6282 : 0x9000, data);
  }

  function countBytes(n: number): void {
    stats.bytesRead += n;
    if (!liftDone && faults.liftAfterBytes !== undefined && stats.bytesRead >= faults.liftAfterBytes) {
      liftDone = true;
      lift(faults.backAfterMs ?? 300);
    }
  }

  function readBinary(cmd: ChipCommand): Answer {
    if (cmd.ins === 0xb0) {
      let fid = currentEf;
      let offset: number;
      if (cmd.p1 & 0x80) {
        if (cmd.p1 & 0x60) return sw(0x6a86);
        fid = fileBySfi(cmd.p1 & 0x1f);
        if (fid === undefined) return sw(0x6a82);
        if (!readable(fid)) return sw(0x6982);
        currentEf = fid;
        offset = cmd.p2;
      } else {
        offset = ((cmd.p1 & 0x7f) << 8) | cmd.p2;
      }
      if (fid === undefined) return sw(0x6986);
      return readAt(fid, offset, cmd.le, false);
    }
    // B1: offset in DO54.
    let fid = currentEf;
    const p1p2 = (cmd.p1 << 8) | cmd.p2;
    if (p1p2 !== 0) {
      if (cmd.p1 === 0 && cmd.p2 <= 0x1f) fid = fileBySfi(cmd.p2);
      else fid = files.has(p1p2) && fileInDf(p1p2) ? p1p2 : undefined;
      if (fid === undefined) return sw(0x6a82);
      if (!readable(fid)) return sw(0x6982);
      currentEf = fid;
    }
    if (fid === undefined) return sw(0x6986);
    let t: Tlv;
    try {
      t = parseTlv(cmd.data);
    } catch {
      return sw(0x6a80);
    }
    if (t.tag !== 0x54 || t.value.length === 0 || t.value.length > 4) return sw(0x6a80);
    let offset = 0;
    for (const b of t.value) offset = offset * 256 + b;
    return readAt(fid, offset, cmd.le, true);
  }

  function getChallenge(cmd: ChipCommand): Answer {
    if (cmd.le !== 8) return sw(0x6700);
    bacChallenge = random(8);
    return sw(0x9000, Uint8Array.from(bacChallenge));
  }

  function externalAuthenticate(cmd: ChipCommand): Answer {
    if (!opts.accessControl.bac) return sw(0x6985);
    const rndIc = bacChallenge;
    bacChallenge = undefined;
    if (!rndIc || df !== 'APP') return sw(0x6985);
    if (cmd.data.length !== 40) return sw(0x6700);
    extraTime += timing.bac;
    const keys = deriveKeys(bacKeySeed(opts.mrzInformation), '3DES');
    const eIfd = cmd.data.subarray(0, 32);
    if (!timingSafeEqualBytes(retailMac(keys.kMac, eIfd), cmd.data.subarray(32, 40))) return sw(0x6300);
    const s = tdesCbcDecrypt(keys.kEnc, eIfd);
    if (!timingSafeEqualBytes(s.subarray(8, 16), rndIc)) return sw(0x6300);
    const rndIfd = s.subarray(0, 8);
    const kIfd = s.subarray(16, 32);
    const kIc = random(16);
    const r = concatBytes(rndIc, rndIfd, kIc);
    const eIc = tdesCbcEncrypt(keys.kEnc, r);
    const sessionKeys = deriveKeys(xorBytes(kIfd, kIc), '3DES');
    // The answer goes out in plain (or with the old keys); the new session starts after it.
    sm = undefined;
    pendingKeys = { cipher: '3DES', ...sessionKeys, ssc: concatBytes(rndIc.subarray(4, 8), rndIfd.subarray(4, 8)), session: 'BAC' };
    return sw(0x9000, concatBytes(eIc, retailMac(keys.kMac, eIc)));
  }

  function mseSetAt(cmd: ChipCommand): Answer {
    if (paceConfigs.length === 0) return sw(0x6a80);
    let dos: Tlv[];
    try {
      dos = parseTlvs(cmd.data);
    } catch {
      return sw(0x6a80);
    }
    const oidDo = dos.find((t) => t.tag === 0x80);
    const pwDo = dos.find((t) => t.tag === 0x83);
    const idDo = dos.find((t) => t.tag === 0x84);
    if (!oidDo || !pwDo || pwDo.value.length !== 1) return sw(0x6a80);
    let oid: string;
    try {
      oid = decodeOid(oidDo.value);
    } catch {
      return sw(0x6a80);
    }
    let candidates = paceConfigs.filter((c) => configOid(c) === oid);
    if (idDo) candidates = candidates.filter((c) => idDo.value.length === 1 && c.parameterId === idDo.value[0]);
    else if (paceConfigs.length > 1) return sw(0x6a80); // ambiguous: §4.4.4.1 requires the parameter id
    const config = candidates[0];
    if (!config) return sw(0x6a80);
    let password: Uint8Array;
    if (pwDo.value[0] === 0x01) password = pacePasswordKey({ kind: 'mrz', mrzInformation: opts.mrzInformation });
    else if (pwDo.value[0] === 0x02 && opts.can) password = pacePasswordKey({ kind: 'can', can: opts.can });
    else return sw(0x6a88);
    pace = { config, oid, step: 'nonce', password, group: createPaceGroup(config.curve) };
    return sw(0x9000);
  }

  function generalAuthenticate(cmd: ChipCommand): Answer {
    const st = pace;
    if (!st) return sw(0x6985);
    const fail = (s: number): Answer => {
      pace = undefined;
      return sw(s);
    };
    let inner: Tlv | undefined;
    try {
      const t = parseTlv(cmd.data);
      if (t.tag !== 0x7c) return fail(0x6a80);
      inner = t.children?.[0];
    } catch {
      return fail(0x6a80);
    }
    const chained = (cmd.cla & 0x10) !== 0;
    const g = st.group;
    const ecTime = timing.ecMultiply256 * g.cost;
    const suite = st.config.cipher;
    switch (st.step) {
      case 'nonce': {
        if (inner || !chained) return fail(0x6a80);
        st.nonce = random(nonceLength(suite));
        const z = encryptNonce(suite, kdf(st.password, KDF_PI, suite), st.nonce);
        st.step = 'map';
        extraTime += 3;
        return sw(0x9000, encodeTlv(0x7c, encodeTlv(0x80, z)));
      }
      case 'map': {
        if (!inner || inner.tag !== 0x81 || !chained) return fail(0x6a80);
        const sk = g.randomPrivate(random);
        const pk = g.basePublic(sk);
        try {
          g.validate(inner.value, 'terminal mapping key');
          st.gHat = g.map(st.nonce!, sk, inner.value);
        } catch {
          return fail(0x6a80);
        }
        st.step = 'agree';
        extraTime += 3 * ecTime;
        return sw(0x9000, encodeTlv(0x7c, encodeTlv(0x82, pk)));
      }
      case 'agree': {
        if (!inner || inner.tag !== 0x83 || !chained) return fail(0x6a80);
        const sk = g.randomPrivate(random);
        const pk = g.publicOn(st.gHat!, sk);
        let shared: Uint8Array;
        try {
          g.validate(inner.value, 'terminal ephemeral key');
          if (bytesEqual(pk, inner.value)) return fail(0x6a80);
          shared = g.sharedSecret(sk, inner.value);
        } catch {
          return fail(0x6a80);
        }
        st.keys = deriveKeys(shared, suite);
        st.piccPublic = pk;
        st.pcdPublic = Uint8Array.from(inner.value);
        st.step = 'mutual';
        extraTime += 2 * ecTime;
        return sw(0x9000, encodeTlv(0x7c, encodeTlv(0x84, pk)));
      }
      case 'mutual': {
        if (!inner || inner.tag !== 0x85 || chained) return fail(0x6a80);
        const expected = authenticationToken(suite, st.keys!.kMac, st.oid, st.piccPublic!, g.publicKeyTag);
        pace = undefined;
        if (!timingSafeEqualBytes(expected, inner.value)) {
          dropSession();
          return sw(0x6300);
        }
        const tPicc = authenticationToken(suite, st.keys!.kMac, st.oid, st.pcdPublic!, g.publicKeyTag);
        pendingKeys = { cipher: suite === '3DES' ? '3DES' : 'AES', ...st.keys!, session: 'PACE' };
        return sw(0x9000, encodeTlv(0x7c, encodeTlv(0x86, tPicc)));
      }
    }
  }

  const ctx: ChipContext = {
    get secureMessaging() {
      return sm !== undefined;
    },
    readFile(fid: number) {
      const f = files.get(fid);
      return f ? Uint8Array.from(f) : undefined;
    },
    setSessionKeysAfterResponse(keys) {
      pendingKeys = { ...keys };
    },
  };

  function dispatch(cmd: ChipCommand): Answer {
    switch (cmd.ins) {
      case 0xa4:
        return select(cmd);
      case 0xb0:
      case 0xb1:
        return readBinary(cmd);
      case 0x84:
        return getChallenge(cmd);
      case 0x82:
        return externalAuthenticate(cmd);
      case 0x22:
        if (cmd.p1 === 0xc1 && cmd.p2 === 0xa4) return mseSetAt(cmd);
        break;
      case 0x86:
        if (pace) return generalAuthenticate(cmd);
        break;
    }
    for (const ext of extensions) {
      let r: Answer | undefined;
      try {
        r = ext.handle(cmd, ctx);
      } catch {
        return sw(0x6f00); // a failing extension must not take the chip (and the simulator) down
      }
      if (r) return r;
    }
    if (cmd.ins === 0x22) return sw(0x6a86);
    if (cmd.ins === 0x86) return sw(0x6985);
    return sw(0x6d00);
  }

  function transceive(apdu: Uint8Array): { response: Uint8Array; chipTimeMs: number } {
    if (!present()) throw new DeviceError('CARD_LOST', 'the passport is not in the field');
    stats.apdus++;
    extraTime = 0;
    const out = (data: Uint8Array, s: number): { response: Uint8Array; chipTimeMs: number } => ({
      response: concatBytes(data, Uint8Array.of(s >> 8, s & 0xff)),
      chipTimeMs: timing.perApdu + extraTime,
    });
    let parsed;
    try {
      parsed = parseCommandApdu(apdu);
    } catch {
      return out(new Uint8Array(0), 0x6700);
    }
    if ((parsed.cla & 0x80) !== 0) return out(new Uint8Array(0), 0x6e00);
    const isProtected = (parsed.cla & 0x0c) === 0x0c;
    const codec = sm;
    let cmd: ChipCommand;
    if (codec) {
      if (!isProtected) {
        // A plain command ends the secure messaging session (9303-11 §9.8.1); then it is processed plainly.
        dropSession();
        cmd = { cla: parsed.cla, ins: parsed.ins, p1: parsed.p1, p2: parsed.p2, data: parsed.data, le: parsed.le };
      } else {
        try {
          cmd = codec.unwrapCommand(apdu);
          extraTime += timing.secureMessaging;
        } catch (e) {
          dropSession();
          const code = e instanceof SecureMessagingError && e.code === 'SM_MISSING_OBJECTS' ? 0x6987 : 0x6988;
          return out(new Uint8Array(0), code);
        }
      }
    } else {
      if (isProtected) return out(new Uint8Array(0), 0x6988);
      cmd = { cla: parsed.cla, ins: parsed.ins, p1: parsed.p1, p2: parsed.p2, data: parsed.data, le: parsed.le };
    }
    const answer = dispatch(cmd);
    let response: Uint8Array;
    const wrapWith = sm === codec ? codec : undefined; // a session dropped while processing answers in plain
    if (wrapWith) {
      response = wrapWith.wrapResponse(answer.data, answer.sw, cmd.ins);
      stats.smResponses++;
      extraTime += timing.secureMessaging;
      if (faults.badMacAfter !== undefined && !badMacDone && stats.smResponses > faults.badMacAfter) {
        badMacDone = true;
        const i = response.length - 3; // last byte of DO8E
        response[i] = response[i]! ^ 0x01;
      }
    } else {
      response = concatBytes(answer.data, Uint8Array.of(answer.sw >> 8, answer.sw & 0xff));
    }
    if (pendingKeys) {
      const k = pendingKeys;
      pendingKeys = undefined;
      if (sm) sm.setKeys({ cipher: k.cipher, kEnc: k.kEnc, kMac: k.kMac, ...(k.ssc ? { ssc: k.ssc } : {}) });
      else sm = new SmCodec({ cipher: k.cipher, kEnc: k.kEnc, kMac: k.kMac, ...(k.ssc ? { ssc: k.ssc } : {}) });
      if (k.session) {
        session = k.session;
        stats.authentications++;
      }
    }
    return { response, chipTimeMs: timing.perApdu + extraTime };
  }

  const ats = Uint8Array.of(0x05, 0x78, 0x80, 0x70, 0x02);
  const card: VirtualChip = {
    kind,
    uid,
    ...(kind === 'A'
      ? { atqa: Uint8Array.of(0x08, 0x00), sak: 0x20, ats }
      : { atqb: concatBytes(Uint8Array.of(0x50), uid, Uint8Array.of(0x00, 0x00, 0x00, 0x00), Uint8Array.of(0x00, 0x81, 0x81)), attribRes: Uint8Array.of(0x00) }),
    stats,
    get session() {
      return session;
    },
    present,
    transceive,
    reset,
    lift,
    putBack() {
      if (liftedAt !== undefined) {
        liftedAt = undefined;
        reset();
      }
    },
  };
  return card;
}
