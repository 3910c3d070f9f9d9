/**
 * Extension hook of the virtual eMRTD chip. Protocols layered on top of access control (Active
 * Authentication, Chip Authentication, ...) plug in here without touching the chip core.
 * The chip calls each extension in order for every command it does not handle itself, after
 * unwrapping secure messaging; the first non-undefined answer wins, otherwise the chip answers 6D00.
 */
export interface ChipCommand {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  /** Command data, already unwrapped from secure messaging. */
  data: Uint8Array;
  /** Ne: the number of response bytes expected, 1..65536 (short Le 00 = 256, extended 0000 = 65536); undefined when absent. */
  le: number | undefined;
}

export interface ChipContext {
  /** Whether secure messaging is active for this command (access control done). */
  readonly secureMessaging: boolean;
  /** Content of an elementary file by FID (0x011C CardAccess, 0x011E COM, 0x0101.. DGs, 0x011D SOD). */
  readFile(fid: number): Uint8Array | undefined;
  /**
   * Switches secure messaging to new session keys once the response to the current command has
   * been wrapped with the old ones (Chip Authentication, ICAO 9303-11 §6.2). The SSC restarts at 0.
   */
  setSessionKeysAfterResponse(keys: { cipher: 'AES' | '3DES'; kEnc: Uint8Array; kMac: Uint8Array }): void;
}

export interface ChipExtension {
  handle(cmd: ChipCommand, ctx: ChipContext): { data: Uint8Array; sw: number } | undefined;
}

export type PaceCurve = 'brainpoolP256r1' | 'brainpoolP384r1' | 'brainpoolP512r1' | 'P-256' | 'P-384' | 'P-521';
export type PaceCipher = 'AES-128' | 'AES-192' | 'AES-256' | '3DES';
