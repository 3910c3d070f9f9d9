/**
 * PN532 host-interface frames (NXP UM0701-02 §6.2.1) and an incremental decoder.
 *
 *   normal information frame   00 00 FF LEN LCS TFI PD0..PDn DCS 00        (LEN = TFI + PD bytes, 1..255)
 *   extended information frame 00 00 FF FF FF LENM LENL LCS TFI PD0..PDn DCS 00
 *   ACK                        00 00 FF 00 FF 00
 *   NACK                       00 00 FF FF 00 00
 *   error (syntax error) frame 00 00 FF 01 FF 7F 81 00
 *
 * LCS: low byte of (LEN + LCS) = 0, or of (LENM + LENL + LCS) = 0 for extended frames.
 * DCS: low byte of (TFI + PD0 + ... + PDn + DCS) = 0.
 * The preamble and postamble "can be composed with an undetermined number of bytes" (§6.2.1.6),
 * so the decoder never relies on them: it scans for the start code 00 FF.
 */
import { FormatError } from '../../base/errors.js';

/** TFI of a frame from the host controller to the PN532. */
export const TFI_HOST_TO_PN532 = 0xd4;
/** TFI of a frame from the PN532 to the host controller. */
export const TFI_PN532_TO_HOST = 0xd5;
/** TFI of the syntax error frame (application-level error). */
export const TFI_ERROR = 0x7f;

export const ACK_FRAME: Uint8Array = Uint8Array.of(0x00, 0x00, 0xff, 0x00, 0xff, 0x00);
export const NACK_FRAME: Uint8Array = Uint8Array.of(0x00, 0x00, 0xff, 0xff, 0x00, 0x00);
export const ERROR_FRAME: Uint8Array = Uint8Array.of(0x00, 0x00, 0xff, 0x01, 0xff, 0x7f, 0x81, 0x00);

/** Largest LEN of a normal frame (TFI included). */
export const MAX_NORMAL_FRAME_LENGTH = 255;
/** The PN532 firmware limits the packet data of an extended frame to 264 bytes, 265 with the TFI (§6.2.1.2). */
export const MAX_EXTENDED_FRAME_LENGTH = 265;

export type Pn532Frame =
  | { kind: 'ack' }
  | { kind: 'nack' }
  /** The syntax error frame: the PN532 detected an error at the application level. */
  | { kind: 'error' }
  /** An information frame: `data` is PD0..PDn (PD0 is the command or response code). */
  | { kind: 'info'; tfi: number; data: Uint8Array; extended: boolean };

export type DecoderEvent =
  | Pn532Frame
  /** A frame-shaped byte run failed a check; the decoder has re-synchronised past it. */
  | { kind: 'format-error'; error: FormatError }
  /** Bytes that were neither preamble nor part of a frame (garbage on the line) were skipped. */
  | { kind: 'skipped'; count: number };

/** Low byte of minus the sum: the value that makes the sum of `bytes` plus it equal 0 mod 256. */
export function checksum(bytes: Uint8Array | readonly number[], start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + (bytes[i] as number)) & 0xff;
  return (0x100 - sum) & 0xff;
}

/**
 * Encodes an information frame carrying TFI followed by `data` (PD0..PDn). A normal frame is used up
 * to LEN 255, an extended frame above (or always, with `extended: true`), as §6.2.1.2 allows.
 */
export function encodeInformationFrame(tfi: number, data: Uint8Array, opts: { extended?: boolean; maxLength?: number } = {}): Uint8Array {
  const len = data.length + 1;
  const max = opts.maxLength ?? MAX_EXTENDED_FRAME_LENGTH;
  if (len > max || len > 0xffff) {
    throw new FormatError('PN532_FRAME_TOO_LONG', 'the frame data is longer than the PN532 accepts', { length: len, max });
  }
  const extended = opts.extended === true || len > MAX_NORMAL_FRAME_LENGTH;
  const head = extended
    ? [0x00, 0x00, 0xff, 0xff, 0xff, (len >> 8) & 0xff, len & 0xff, checksum([(len >> 8) & 0xff, len & 0xff])]
    : [0x00, 0x00, 0xff, len, checksum([len])];
  const out = new Uint8Array(head.length + len + 2);
  out.set(head, 0);
  let off = head.length;
  out[off++] = tfi & 0xff;
  out.set(data, off);
  off += data.length;
  let sum = tfi & 0xff;
  for (let i = 0; i < data.length; i++) sum = (sum + (data[i] as number)) & 0xff;
  out[off++] = (0x100 - sum) & 0xff;
  out[off] = 0x00;
  return out;
}

/** Encodes the host → PN532 command frame: TFI D4, PD0 = command code, then the parameters. */
export function encodeCommandFrame(command: number, params: Uint8Array = new Uint8Array(0), opts: { extended?: boolean } = {}): Uint8Array {
  const data = new Uint8Array(params.length + 1);
  data[0] = command & 0xff;
  data.set(params, 1);
  return encodeInformationFrame(TFI_HOST_TO_PN532, data, opts);
}

/** Encodes the PN532 → host response frame: TFI D5, PD0 = command code + 1, then the response data. */
export function encodeResponseFrame(command: number, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const data = new Uint8Array(body.length + 1);
  data[0] = (command + 1) & 0xff;
  data.set(body, 1);
  return encodeInformationFrame(TFI_PN532_TO_HOST, data);
}

export interface DecoderOptions {
  /** Information frames with another TFI (except the error frame's 7F) are reported as format errors. */
  expectTfi?: number;
  /** Longest LEN accepted (TFI included). Default 265, the PN532 firmware limit. */
  maxLength?: number;
}

/**
 * Incremental decoder: push bytes as they arrive, get frames and typed format errors back. It never
 * throws on any input. After a bad length checksum, a bad data checksum, an impossible length or an
 * unexpected TFI it reports a FormatError and resumes scanning one byte after the start code it
 * rejected, so that a real frame hidden behind garbage is still found.
 */
export class Pn532FrameDecoder {
  private buf: Uint8Array = new Uint8Array(0);
  private readonly expectTfi: number | undefined;
  private readonly maxLength: number;

  constructor(opts: DecoderOptions = {}) {
    this.expectTfi = opts.expectTfi;
    this.maxLength = Math.min(opts.maxLength ?? MAX_EXTENDED_FRAME_LENGTH, 0xffff);
  }

  /** Bytes held while waiting for the rest of a frame. */
  get pending(): number {
    return this.buf.length;
  }

  reset(): void {
    this.buf = new Uint8Array(0);
  }

  push(chunk: Uint8Array): DecoderEvent[] {
    if (chunk.length > 0) {
      const next = new Uint8Array(this.buf.length + chunk.length);
      next.set(this.buf, 0);
      next.set(chunk, this.buf.length);
      this.buf = next;
    }
    const events: DecoderEvent[] = [];
    let pos = 0;
    let skipped = 0;
    const flushSkipped = (): void => {
      if (skipped > 0) events.push({ kind: 'skipped', count: skipped });
      skipped = 0;
    };
    const buf = this.buf;
    for (;;) {
      // Scan for the start code 00 FF; zeros are preamble/postamble, anything else is garbage.
      let start = -1;
      for (let i = pos; i + 1 < buf.length; i++) {
        if (buf[i] === 0x00 && buf[i + 1] === 0xff) {
          start = i;
          break;
        }
        if (buf[i] !== 0x00) skipped++;
      }
      if (start < 0) {
        // Keep a trailing 00 (it may be the first half of a start code).
        const last = buf.length - 1;
        if (last >= pos && buf[last] === 0x00) {
          pos = last;
        } else {
          if (last >= pos && buf[last] !== 0x00) skipped++;
          pos = buf.length;
        }
        break;
      }
      pos = start;
      const h = start + 2; // first byte after the start code
      if (buf.length < h + 2) break; // need two more bytes to tell the frame type
      const b0 = buf[h] as number;
      const b1 = buf[h + 1] as number;
      if (b0 === 0x00 && b1 === 0xff) {
        flushSkipped();
        events.push({ kind: 'ack' });
        pos = h + 2;
        continue;
      }
      if (b0 === 0xff && b1 === 0x00) {
        flushSkipped();
        events.push({ kind: 'nack' });
        pos = h + 2;
        continue;
      }
      let len: number;
      let body: number; // index of the TFI
      let extended = false;
      if (b0 === 0xff && b1 === 0xff) {
        if (buf.length < h + 5) break;
        const lm = buf[h + 2] as number;
        const ll = buf[h + 3] as number;
        const lcs = buf[h + 4] as number;
        if (((lm + ll + lcs) & 0xff) !== 0) {
          flushSkipped();
          events.push(formatError('PN532_BAD_LCS', 'extended frame length checksum is wrong'));
          pos = start + 1;
          continue;
        }
        len = (lm << 8) | ll;
        body = h + 5;
        extended = true;
      } else {
        if (((b0 + b1) & 0xff) !== 0) {
          flushSkipped();
          events.push(formatError('PN532_BAD_LCS', 'frame length checksum is wrong'));
          pos = start + 1;
          continue;
        }
        len = b0;
        body = h + 2;
      }
      if (len === 0 || len > this.maxLength) {
        flushSkipped();
        events.push(formatError('PN532_BAD_LENGTH', 'frame length is outside what the PN532 sends', { length: len }));
        pos = start + 1;
        continue;
      }
      if (buf.length < body + len + 1) break; // wait for TFI..PDn and DCS
      let sum = 0;
      for (let i = body; i < body + len + 1; i++) sum = (sum + (buf[i] as number)) & 0xff;
      if (sum !== 0) {
        flushSkipped();
        events.push(formatError('PN532_BAD_DCS', 'frame data checksum is wrong', { length: len, tfi: buf[body], code: len > 1 ? buf[body + 1] : undefined }));
        pos = start + 1;
        continue;
      }
      const tfi = buf[body] as number;
      flushSkipped();
      if (tfi === TFI_ERROR && len === 1) {
        events.push({ kind: 'error' });
      } else if (this.expectTfi !== undefined && tfi !== this.expectTfi) {
        events.push(formatError('PN532_BAD_TFI', 'frame has an unexpected frame identifier', { tfi }));
      } else {
        events.push({ kind: 'info', tfi, data: buf.slice(body + 1, body + len), extended });
      }
      pos = body + len + 1;
    }
    flushSkipped();
    this.buf = pos >= buf.length ? new Uint8Array(0) : buf.slice(pos);
    return events;
  }
}

function formatError(code: string, message: string, details: Record<string, unknown> = {}): DecoderEvent {
  return { kind: 'format-error', error: new FormatError(code, message, details) };
}
