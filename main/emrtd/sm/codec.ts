/**
 * Secure messaging of ICAO 9303-11 §9.8 (ISO 7816-4 §6), both directions, for 3DES (retail MAC,
 * 8-byte SSC, zero IV) and AES (CMAC truncated to 8 bytes, 16-byte SSC, IV = E(KSenc, SSC)).
 * The host uses wrapCommand/unwrapResponse; the virtual chip uses unwrapCommand/wrapResponse.
 * The SSC is incremented before each wrap and each unwrap.
 */
import { bytesToBigInt, bigIntToBytes, concatBytes, timingSafeEqualBytes, toHex } from '../../base/bytes.js';
import { UsageError } from '../../base/errors.js';
import { parseTlvs, encodeTlv, type Tlv } from '../../base/tlv.js';
import { type CommandApdu, parseCommandApdu, parseResponseApdu, type ResponseApdu, encodeCommandApdu } from '../apdu.js';
import { aesCbcDecrypt, aesCbcEncrypt, aesCmac, aesEcbEncrypt } from '../crypto/aes.js';
import { retailMac, tdesCbcDecrypt, tdesCbcEncrypt } from '../crypto/des.js';
import { pad, unpad } from '../crypto/padding.js';
import { SecureMessagingError } from './errors.js';

export type SmCipher = 'AES' | '3DES';

export interface SmKeys {
  cipher: SmCipher;
  kEnc: Uint8Array;
  kMac: Uint8Array;
  /** Initial send sequence counter; default zero (8 bytes for 3DES, 16 for AES). */
  ssc?: Uint8Array;
}

/** A command as the chip sees it after unwrapping (CLA without the SM bits). */
export interface UnwrappedCommand {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Uint8Array;
  le: number | undefined;
}

function checkKeys(k: SmKeys): void {
  if (k.cipher === '3DES') {
    if (k.kEnc.length !== 16 || k.kMac.length !== 16) throw new UsageError('SM_BAD_KEYS', '3DES session keys must be 16 bytes');
  } else if (k.cipher === 'AES') {
    if (![16, 24, 32].includes(k.kEnc.length) || ![16, 24, 32].includes(k.kMac.length)) {
      throw new UsageError('SM_BAD_KEYS', 'AES session keys must be 16, 24 or 32 bytes');
    }
  } else {
    throw new UsageError('SM_BAD_KEYS', 'unknown secure messaging cipher');
  }
}

export class SmCodec {
  private _cipher!: SmCipher;
  private kEnc!: Uint8Array;
  private kMac!: Uint8Array;
  private sscValue!: bigint;

  constructor(keys: SmKeys) {
    this.setKeys(keys);
  }

  get cipher(): SmCipher {
    return this._cipher;
  }

  get blockSize(): number {
    return this._cipher === 'AES' ? 16 : 8;
  }

  /** The current send sequence counter (copy). */
  get ssc(): Uint8Array {
    return bigIntToBytes(this.sscValue, this.blockSize);
  }

  setKeys(keys: SmKeys): void {
    checkKeys(keys);
    this._cipher = keys.cipher;
    this.kEnc = Uint8Array.from(keys.kEnc);
    this.kMac = Uint8Array.from(keys.kMac);
    const size = keys.cipher === 'AES' ? 16 : 8;
    if (keys.ssc !== undefined && keys.ssc.length !== size) throw new UsageError('SM_BAD_KEYS', `SSC must be ${size} bytes`);
    this.sscValue = keys.ssc ? bytesToBigInt(keys.ssc) : 0n;
  }

  private incrementSsc(): void {
    const mod = 1n << BigInt(this.blockSize * 8);
    this.sscValue = (this.sscValue + 1n) % mod;
  }

  private iv(): Uint8Array {
    return this._cipher === 'AES' ? aesEcbEncrypt(this.kEnc, this.ssc) : new Uint8Array(8);
  }

  private encrypt(plain: Uint8Array): Uint8Array {
    const p = pad(plain, this.blockSize);
    return this._cipher === 'AES' ? aesCbcEncrypt(this.kEnc, p, this.iv()) : tdesCbcEncrypt(this.kEnc, p);
  }

  private decrypt(cryptogram: Uint8Array): Uint8Array {
    if (cryptogram.length === 0 || cryptogram.length % this.blockSize !== 0) {
      throw new SecureMessagingError('SM_BAD_RESPONSE', 'cryptogram is not a whole number of blocks');
    }
    const p = this._cipher === 'AES' ? aesCbcDecrypt(this.kEnc, cryptogram, this.iv()) : tdesCbcDecrypt(this.kEnc, cryptogram);
    try {
      return unpad(p);
    } catch (e) {
      throw new SecureMessagingError('SM_BAD_RESPONSE', 'decrypted data has no ISO 9797-1 padding', {}, { cause: e });
    }
  }

  /** MAC over pad(SSC || input), 8 bytes. */
  private mac(input: Uint8Array): Uint8Array {
    const n = pad(concatBytes(this.ssc, input), this.blockSize);
    return this._cipher === 'AES' ? aesCmac(this.kMac, n).slice(0, 8) : retailMac(this.kMac, n, { padded: true });
  }

  private paddedHeader(cla: number, ins: number, p1: number, p2: number): Uint8Array {
    return pad(Uint8Array.of(cla, ins, p1, p2), this.blockSize);
  }

  /** Host side: protects a command (increments the SSC first). */
  wrapCommand(cmd: CommandApdu, opts: { extended?: boolean } = {}): Uint8Array {
    this.incrementSsc();
    const cla = (cmd.cla & 0xf0) | 0x0c;
    const data = cmd.data ?? new Uint8Array(0);
    let doData: Uint8Array = new Uint8Array(0);
    if (data.length > 0) {
      const enc = this.encrypt(data);
      doData = (cmd.ins & 1) === 1 ? encodeTlv(0x85, enc) : encodeTlv(0x87, Uint8Array.of(0x01), enc);
    }
    let doLe: Uint8Array = new Uint8Array(0);
    if (cmd.le !== undefined) {
      doLe = cmd.le <= 256 ? encodeTlv(0x97, Uint8Array.of(cmd.le & 0xff)) : encodeTlv(0x97, Uint8Array.of((cmd.le >> 8) & 0xff, cmd.le & 0xff));
    }
    const m = concatBytes(this.paddedHeader(cla, cmd.ins, cmd.p1, cmd.p2), doData, doLe);
    const cc = this.mac(m);
    const body = concatBytes(doData, doLe, encodeTlv(0x8e, cc));
    const extended = opts.extended === true || body.length > 255 || (cmd.le ?? 0) > 256;
    return encodeCommandApdu({ cla, ins: cmd.ins, p1: cmd.p1, p2: cmd.p2, data: body, le: extended ? 65536 : 256 }, { extended });
  }

  /** Host side: checks and removes the protection of a response (increments the SSC first). */
  unwrapResponse(response: Uint8Array): ResponseApdu {
    this.incrementSsc();
    const outer = parseResponseApdu(response);
    if (outer.data.length === 0) {
      throw new SecureMessagingError('SM_SESSION_ABORTED', `chip answered ${toHex(response)} without secure messaging`, { sw: toHex(response) }, { sw: outer.sw });
    }
    let dos: Tlv[];
    try {
      dos = parseTlvs(outer.data, { maxLength: 70000 });
    } catch (e) {
      throw new SecureMessagingError('SM_BAD_RESPONSE', 'response data objects are malformed', {}, { cause: e });
    }
    const macIdx = dos.findIndex((t) => t.tag === 0x8e);
    if (macIdx < 0) throw new SecureMessagingError('SM_MISSING_OBJECTS', 'response has no MAC (DO8E)');
    const macDo = dos[macIdx]!;
    const before = dos.slice(0, macIdx);
    const macInput = outer.data.subarray(0, macDo.offset);
    if (macDo.value.length !== 8) throw new SecureMessagingError('SM_BAD_RESPONSE', 'response MAC is not 8 bytes');
    if (!timingSafeEqualBytes(this.mac(macInput), macDo.value)) {
      throw new SecureMessagingError('SM_BAD_MAC', 'response MAC does not verify (secure messaging session broken)');
    }
    let data: Uint8Array = new Uint8Array(0);
    let sw = outer.sw;
    for (const t of before) {
      if (t.tag === 0x87) {
        if (t.value[0] !== 0x01) throw new SecureMessagingError('SM_BAD_RESPONSE', 'DO87 padding indicator is not 01');
        data = this.decrypt(t.value.subarray(1));
      } else if (t.tag === 0x85) {
        data = this.decrypt(t.value);
      } else if (t.tag === 0x81) {
        data = Uint8Array.from(t.value);
      } else if (t.tag === 0x99) {
        if (t.value.length !== 2) throw new SecureMessagingError('SM_BAD_RESPONSE', 'DO99 is not 2 bytes');
        sw = (t.value[0]! << 8) | t.value[1]!;
      }
    }
    if (!before.some((t) => t.tag === 0x99)) throw new SecureMessagingError('SM_MISSING_OBJECTS', 'response has no processing status (DO99)');
    return { data, sw };
  }

  /**
   * Chip side: verifies and removes the protection of a command (increments the SSC first).
   * Throws SecureMessagingError 'SM_MISSING_OBJECTS' (→ 6987) or 'SM_BAD_MAC'/'SM_BAD_RESPONSE' (→ 6988).
   */
  unwrapCommand(apdu: Uint8Array): UnwrappedCommand {
    this.incrementSsc();
    let cmd;
    try {
      cmd = parseCommandApdu(apdu);
    } catch (e) {
      throw new SecureMessagingError('SM_BAD_RESPONSE', 'malformed protected command', {}, { cause: e });
    }
    if ((cmd.cla & 0x0c) !== 0x0c) throw new SecureMessagingError('SM_MISSING_OBJECTS', 'command is not protected');
    let dos: Tlv[];
    try {
      dos = parseTlvs(cmd.data, { maxLength: 70000 });
    } catch (e) {
      throw new SecureMessagingError('SM_BAD_RESPONSE', 'command data objects are malformed', {}, { cause: e });
    }
    const macIdx = dos.findIndex((t) => t.tag === 0x8e);
    if (macIdx < 0) throw new SecureMessagingError('SM_MISSING_OBJECTS', 'command has no MAC (DO8E)');
    const macDo = dos[macIdx]!;
    const m = concatBytes(this.paddedHeader(cmd.cla, cmd.ins, cmd.p1, cmd.p2), cmd.data.subarray(0, macDo.offset));
    if (macDo.value.length !== 8 || !timingSafeEqualBytes(this.mac(m), macDo.value)) {
      throw new SecureMessagingError('SM_BAD_MAC', 'command MAC does not verify');
    }
    let data: Uint8Array = new Uint8Array(0);
    let le: number | undefined;
    for (const t of dos.slice(0, macIdx)) {
      if (t.tag === 0x87) {
        if (t.value[0] !== 0x01) throw new SecureMessagingError('SM_BAD_RESPONSE', 'DO87 padding indicator is not 01');
        data = this.decrypt(t.value.subarray(1));
      } else if (t.tag === 0x85) {
        data = this.decrypt(t.value);
      } else if (t.tag === 0x97) {
        if (t.value.length === 1) le = t.value[0] || 256;
        else if (t.value.length === 2) le = ((t.value[0]! << 8) | t.value[1]!) || 65536;
        else if (t.value.length === 0) le = undefined;
        else throw new SecureMessagingError('SM_BAD_RESPONSE', 'DO97 longer than 2 bytes');
      }
    }
    return { cla: cmd.cla & ~0x0c & 0xff, ins: cmd.ins, p1: cmd.p1, p2: cmd.p2, data, le };
  }

  /** Chip side: protects a response (increments the SSC first). Odd INS puts the data in DO85. */
  wrapResponse(data: Uint8Array, sw: number, ins = 0): Uint8Array {
    this.incrementSsc();
    let doData: Uint8Array = new Uint8Array(0);
    if (data.length > 0) {
      const enc = this.encrypt(data);
      doData = (ins & 1) === 1 ? encodeTlv(0x85, enc) : encodeTlv(0x87, Uint8Array.of(0x01), enc);
    }
    const do99 = encodeTlv(0x99, Uint8Array.of((sw >> 8) & 0xff, sw & 0xff));
    const k = concatBytes(doData, do99);
    const cc = this.mac(k);
    return concatBytes(k, encodeTlv(0x8e, cc), Uint8Array.of((sw >> 8) & 0xff, sw & 0xff));
  }
}

