/**
 * The wire formats an MRZ scanner sends, written independently of the driver's framers
 * (main/devices/mrz-reader) so that each checks the other. See main/devices/mrz-reader/rte.ts for
 * the source of the 3M RTE native layout; the layout written here is:
 *   SOH, length word (whole block SOH..BCC, 14 bits, low byte first), 'O', 'U', STX, flag,
 *   three lines each ended by CR (a missing top line sent empty; lines padded with '_' to 30 for
 *   three-line documents, to 44 for two-line ones), ETX, BCC = XOR of the bytes after SOH up to
 *   and including ETX.
 */
export type ScannerFraming = 'lines' | 'stx-etx' | 'fs-gs' | 'rte';
export const SCANNER_FRAMINGS: readonly ScannerFraming[] = ['lines', 'stx-etx', 'fs-gs', 'rte'];

export const SOH = 0x01;
export const STX = 0x02;
export const ETX = 0x03;
export const CR = 0x0d;
export const LF = 0x0a;
export const FS = 0x1c;
export const GS = 0x1d;

export type LineEnding = 'CR' | 'LF' | 'CRLF';

export interface EncodeOptions {
  /** Plain lines and the delimited framings: what ends each line. Default CRLF for lines, CR inside frames. */
  lineEnding?: LineEnding;
  /** RTE: the flag byte. Default 0x30 ('0'). */
  rteFlag?: number;
  /** RTE: send a wrong block check character. */
  badBcc?: boolean;
}

function ending(e: LineEnding): number[] {
  return e === 'CR' ? [CR] : e === 'LF' ? [LF] : [CR, LF];
}

function ascii(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) & 0xff);
  return out;
}

/** XOR of all the bytes. */
export function bcc(bytes: readonly number[]): number {
  let x = 0;
  for (const b of bytes) x ^= b;
  return x;
}

/** The RTE optical data block: three CR-ended lines, bottom-aligned, padded with '_'. */
export function rteOpticalData(lines: readonly string[]): number[] {
  const width = lines.length >= 3 ? 30 : 44;
  const three = [...Array(Math.max(0, 3 - lines.length)).fill(''), ...lines.slice(-3)] as string[];
  const out: number[] = [];
  for (const l of three) {
    out.push(...ascii(l === '' ? '' : l.length >= width ? l : l + '_'.repeat(width - l.length)), CR);
  }
  return out;
}

/** The bytes a scanner sends for one document. */
export function encodeMrzFrame(framing: ScannerFraming, lines: readonly string[], opts: EncodeOptions = {}): Uint8Array {
  switch (framing) {
    case 'lines': {
      const end = ending(opts.lineEnding ?? 'CRLF');
      return Uint8Array.from(lines.flatMap((l) => [...ascii(l), ...end]));
    }
    case 'stx-etx':
    case 'fs-gs': {
      const end = ending(opts.lineEnding ?? 'CR');
      const [start, stop] = framing === 'stx-etx' ? [STX, ETX] : [FS, GS];
      return Uint8Array.from([start, ...lines.flatMap((l) => [...ascii(l), ...end]), stop]);
    }
    case 'rte': {
      const body = [0x4f, 0x55, STX, (opts.rteFlag ?? 0x30) & 0xff, ...rteOpticalData(lines), ETX];
      const total = 1 + 2 + body.length + 1;
      const len = [total & 0xff, (total >> 8) & 0x3f];
      let check = bcc([...len, ...body]);
      if (opts.badBcc) check ^= 0x5a;
      return Uint8Array.from([SOH, ...len, ...body, check]);
    }
  }
}
