/**
 * ISO/IEC 7816-4 command and response APDUs (short and extended lengths), status words, and the
 * typed errors of card communication.
 */
import { concatBytes, toHex } from '../base/bytes.js';
import { KioskError } from '../base/errors.js';

/** A malformed APDU (either direction). */
export class ApduError extends KioskError {}

/** The card answered with a status word other than the one expected. */
export class StatusWordError extends ApduError {
  readonly sw: number;
  constructor(sw: number, what: string, details: Record<string, unknown> = {}) {
    super('STATUS_WORD', `${what}: card answered ${swHex(sw)} (${describeSw(sw)})`, { ...details, sw: swHex(sw) });
    this.sw = sw;
  }
}

/**
 * The chip refused the access key (BAC EXTERNAL AUTHENTICATE or PACE mutual authentication failed).
 * With an MRZ key this almost always means the MRZ was misread.
 */
export class AccessDeniedError extends KioskError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super('ACCESS_DENIED', message, details, options);
  }
}

/** Access control failed for a reason other than a wrong key (protocol error, bad chip token, ...). */
export class AccessControlError extends KioskError {}

export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  /** Command data (Nc = data.length, 0..65535). */
  data?: Uint8Array;
  /** Ne: the maximum number of response bytes expected, 1..65536 (256 is short Le 00, 65536 is extended 0000); undefined = no Le. */
  le?: number;
}

export interface ResponseApdu {
  data: Uint8Array;
  /** SW1 SW2 as one number, e.g. 0x9000. */
  sw: number;
}

/** Well-known status words (ISO 7816-4 §5.6, ICAO 9303-11). */
export const SW = {
  OK: 0x9000,
  END_OF_FILE: 0x6282,
  AUTH_FAILED: 0x6300,
  WRONG_LENGTH: 0x6700,
  SECURITY_NOT_SATISFIED: 0x6982,
  AUTH_BLOCKED: 0x6983,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  NO_CURRENT_EF: 0x6986,
  SM_OBJECTS_MISSING: 0x6987,
  SM_OBJECTS_INCORRECT: 0x6988,
  WRONG_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  WRONG_P1P2: 0x6a86,
  REF_DATA_NOT_FOUND: 0x6a88,
  WRONG_PARAMS: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  UNKNOWN: 0x6f00,
} as const;

export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}

export function isSuccessSw(sw: number): boolean {
  return sw === 0x9000 || sw >> 8 === 0x61;
}

/** Warnings (62xx, 63xx) still carry data; 6282 is "end of file reached before Ne bytes". */
export function isWarningSw(sw: number): boolean {
  return sw >> 8 === 0x62 || sw >> 8 === 0x63;
}

export function describeSw(sw: number): string {
  const sw1 = sw >> 8;
  switch (sw) {
    case 0x9000: return 'success';
    case 0x6282: return 'end of file reached before reading Ne bytes';
    case 0x6300: return 'authentication failed';
    case 0x6581: return 'memory failure';
    case 0x6700: return 'wrong length';
    case 0x6882: return 'secure messaging not supported';
    case 0x6982: return 'security status not satisfied';
    case 0x6983: return 'authentication method blocked';
    case 0x6984: return 'reference data not usable';
    case 0x6985: return 'conditions of use not satisfied';
    case 0x6986: return 'command not allowed (no current EF)';
    case 0x6987: return 'expected secure messaging data objects missing';
    case 0x6988: return 'incorrect secure messaging data objects';
    case 0x6a80: return 'incorrect parameters in the data field';
    case 0x6a81: return 'function not supported';
    case 0x6a82: return 'file or application not found';
    case 0x6a86: return 'incorrect parameters P1-P2';
    case 0x6a88: return 'referenced data not found';
    case 0x6b00: return 'wrong parameters (offset outside the EF)';
    case 0x6d00: return 'instruction not supported';
    case 0x6e00: return 'class not supported';
    case 0x6f00: return 'no precise diagnosis';
  }
  if (sw1 === 0x61) return `${sw & 0xff} more bytes available`;
  if (sw1 === 0x6c) return `wrong Le, ${sw & 0xff || 256} bytes available`;
  if (sw1 === 0x63 && (sw & 0xf0) === 0xc0) return `verification failed, ${sw & 0x0f} tries left`;
  return 'unknown status';
}

/** Whether this command needs the extended length encoding (Nc > 255 or Ne > 256). */
export function needsExtendedLength(cmd: CommandApdu): boolean {
  return (cmd.data?.length ?? 0) > 255 || (cmd.le ?? 0) > 256;
}

/**
 * Encodes a command APDU (ISO 7816-4 §5.1). Uses short lengths unless the data or Ne needs the
 * extended form (or `extended` forces it).
 */
export function encodeCommandApdu(cmd: CommandApdu, opts: { extended?: boolean } = {}): Uint8Array {
  for (const [name, v] of [['CLA', cmd.cla], ['INS', cmd.ins], ['P1', cmd.p1], ['P2', cmd.p2]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 255) throw new ApduError('APDU_BAD_HEADER', `${name} must be a byte`);
  }
  const data = cmd.data ?? new Uint8Array(0);
  if (data.length > 65535) throw new ApduError('APDU_TOO_LONG', 'command data longer than 65535 bytes');
  if (cmd.le !== undefined && (!Number.isInteger(cmd.le) || cmd.le < 1 || cmd.le > 65536)) {
    throw new ApduError('APDU_BAD_LE', 'Ne must be 1..65536');
  }
  const header = Uint8Array.of(cmd.cla, cmd.ins, cmd.p1, cmd.p2);
  const ext = opts.extended === true || needsExtendedLength(cmd);
  const parts: Uint8Array[] = [header];
  if (!ext) {
    if (data.length > 0) parts.push(Uint8Array.of(data.length), data);
    if (cmd.le !== undefined) parts.push(Uint8Array.of(cmd.le === 256 ? 0 : cmd.le));
  } else {
    if (data.length > 0) parts.push(Uint8Array.of(0, data.length >> 8, data.length & 0xff), data);
    if (cmd.le !== undefined) {
      const le = cmd.le === 65536 ? 0 : cmd.le;
      // Case 2E has a leading 00; in case 4E the Lc field already marked the extended form.
      if (data.length === 0) parts.push(Uint8Array.of(0, le >> 8, le & 0xff));
      else parts.push(Uint8Array.of(le >> 8, le & 0xff));
    }
  }
  return concatBytes(...parts);
}

/** Parses a command APDU in any of the seven cases (1, 2S, 3S, 4S, 2E, 3E, 4E). Throws ApduError. */
export function parseCommandApdu(bytes: Uint8Array): CommandApdu & { data: Uint8Array; extended: boolean } {
  if (bytes.length < 4) throw new ApduError('APDU_TOO_SHORT', `command APDU of ${bytes.length} bytes`);
  const [cla, ins, p1, p2] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  const body = bytes.subarray(4);
  const base = { cla, ins, p1, p2 };
  if (body.length === 0) return { ...base, data: new Uint8Array(0), extended: false };
  if (body.length === 1) return { ...base, data: new Uint8Array(0), le: body[0] || 256, extended: false };
  const b0 = body[0]!;
  if (b0 !== 0) {
    // Short Lc.
    const lc = b0;
    if (body.length === 1 + lc) return { ...base, data: body.slice(1), extended: false };
    if (body.length === 2 + lc) return { ...base, data: body.slice(1, 1 + lc), le: body[1 + lc] || 256, extended: false };
    throw new ApduError('APDU_BAD_LENGTH', 'command APDU length does not match Lc');
  }
  // Extended (first body byte 00).
  if (body.length === 3) {
    const le = (body[1]! << 8) | body[2]!;
    return { ...base, data: new Uint8Array(0), le: le || 65536, extended: true };
  }
  if (body.length < 3) throw new ApduError('APDU_BAD_LENGTH', 'truncated extended length');
  const lc = (body[1]! << 8) | body[2]!;
  if (lc === 0) throw new ApduError('APDU_BAD_LENGTH', 'extended Lc of zero');
  if (body.length === 3 + lc) return { ...base, data: body.slice(3), extended: true };
  if (body.length === 5 + lc) {
    const le = (body[3 + lc]! << 8) | body[4 + lc]!;
    return { ...base, data: body.slice(3, 3 + lc), le: le || 65536, extended: true };
  }
  throw new ApduError('APDU_BAD_LENGTH', 'command APDU length does not match extended Lc');
}

/** Splits a response APDU into data and SW. Throws ApduError when shorter than two bytes. */
export function parseResponseApdu(bytes: Uint8Array): ResponseApdu {
  if (!(bytes instanceof Uint8Array)) throw new ApduError('APDU_NOT_BYTES', 'response APDU is not a byte array');
  if (bytes.length < 2) throw new ApduError('APDU_TOO_SHORT', `response APDU of ${bytes.length} bytes has no status word`);
  return { data: bytes.subarray(0, bytes.length - 2), sw: (bytes[bytes.length - 2]! << 8) | bytes[bytes.length - 1]! };
}

export function encodeResponseApdu(data: Uint8Array, sw: number): Uint8Array {
  return concatBytes(data, Uint8Array.of((sw >> 8) & 0xff, sw & 0xff));
}

/** Throws StatusWordError unless the SW is one of `accept` (default 9000). Returns the data. */
export function requireSw(resp: ResponseApdu, what: string, accept: readonly number[] = [0x9000]): Uint8Array {
  if (!accept.includes(resp.sw)) throw new StatusWordError(resp.sw, what);
  return resp.data;
}

/** For logs: header and lengths only, never the data (it may hold personal data). */
export function describeCommand(cmd: Uint8Array): string {
  return `${toHex(cmd.subarray(0, Math.min(4, cmd.length)))} (${cmd.length} bytes)`;
}

/** The eMRTD application identifier (ICAO 9303-10 §3.1). */
export const EMRTD_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01);

/** Commands used by access control and reading. */
export const Cmd = {
  selectAid(aid: Uint8Array): CommandApdu {
    return { cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x0c, data: aid };
  },
  selectEf(fid: number): CommandApdu {
    return { cla: 0x00, ins: 0xa4, p1: 0x02, p2: 0x0c, data: Uint8Array.of(fid >> 8, fid & 0xff) };
  },
  selectMf(): CommandApdu {
    return { cla: 0x00, ins: 0xa4, p1: 0x00, p2: 0x0c, data: Uint8Array.of(0x3f, 0x00) };
  },
  /** READ BINARY (B0) at an offset below 32768 of the current EF. */
  readBinary(offset: number, le: number): CommandApdu {
    if (offset < 0 || offset > 0x7fff) throw new ApduError('APDU_BAD_OFFSET', 'READ BINARY B0 offset must be below 32768');
    return { cla: 0x00, ins: 0xb0, p1: offset >> 8, p2: offset & 0xff, le };
  },
  /** READ BINARY (B0) with a short EF identifier (1..30) at an offset below 256. */
  readBinarySfi(sfi: number, offset: number, le: number): CommandApdu {
    if (sfi < 1 || sfi > 30 || offset < 0 || offset > 255) throw new ApduError('APDU_BAD_OFFSET', 'bad SFI or offset');
    return { cla: 0x00, ins: 0xb0, p1: 0x80 | sfi, p2: offset, le };
  },
  /** READ BINARY (B1) of the current EF with the offset in DO54, for offsets of 32768 and above. */
  readBinaryOdd(offset: number, le: number): CommandApdu {
    const o: number[] = [];
    let v = offset;
    do {
      o.unshift(v & 0xff);
      v = Math.floor(v / 256);
    } while (v > 0);
    return { cla: 0x00, ins: 0xb1, p1: 0x00, p2: 0x00, data: Uint8Array.from([0x54, o.length, ...o]), le };
  },
  getChallenge(len = 8): CommandApdu {
    return { cla: 0x00, ins: 0x84, p1: 0x00, p2: 0x00, le: len };
  },
} as const;
