import { ByteFramer, ETX, SOH, STX, frameError, splitFrameLines, type FramerOptions, type FramerSink } from './framer.js';

/**
 * The 3M (now Thales/Gemalto) "RTE native" frame, as sent unsolicited by the RTE6701, CR100 and
 * AT9000 families after each document read.
 *
 * Source: 3M RTE6701-OEM Integration Manual (VC27U v1.03), §9.1 "RTE Native Protocol":
 *   <SOH>[header information]<STX>[text information]<ETX>[BCC]
 *   [header information] = [length word][device byte][type byte]
 *   [length word]: a 14-significant-bit word, low byte first, "equal to the number of bytes
 *     (including check character)" of the block; device byte 'O' (optical reader); type byte
 *     'U' (unsolicited data);
 *   [text information] = [flag][optical data]; optical data = three lines, each followed by CR,
 *     a missing top line sent as an empty line (so a two-line MRZ starts with CR), each line
 *     padded with '_' to 30 (three-line documents) or 44 (two-line documents) characters.
 *
 * Layout used here (byte offsets in a block of total length N):
 *   0 SOH | 1 len lo | 2 len hi (top two bits ignored) | 3 'O' | 4 'U' | 5 STX | 6 flag |
 *   7 … N-3 optical data | N-2 ETX | N-1 BCC
 * - N = the length word: the whole block, SOH to BCC inclusive. The public excerpt of the manual
 *   is cut before saying where the count starts, so a block whose ETX sits 3 bytes later (a count
 *   of the bytes after the length word) is accepted as well; our simulator sends the first form.
 * - BCC = XOR of every byte after SOH up to and including ETX (the usual block check character
 *   of SOH/STX/ETX protocols: SOH excluded, ETX included). A mismatch is MRZ_BAD_BCC and the
 *   frame is dropped.
 * - The flag byte is reader-specific and passed through as `flag`.
 * Errors: a header that is not SOH len 'O' 'U' STX counts as garbage (the framer resynchronises
 * on the next SOH); no ETX at the declared length is MRZ_BAD_FRAME; silence inside a frame for
 * `frameTimeoutMs` is MRZ_PARTIAL_FRAME.
 */
export const RTE_HEADER_BYTES = 7;
export const RTE_MIN_LENGTH = 9;

/** XOR of bytes[from, to). */
export function xorBcc(bytes: ArrayLike<number>, from: number, to: number): number {
  let x = 0;
  for (let i = from; i < to; i++) x ^= bytes[i]!;
  return x;
}

export class RteFramer extends ByteFramer {
  readonly framing = 'rte' as const;
  private buf: number[] = [];
  private declared = 0;

  /**
   * @param handBack where the bytes after a false SOH go to be judged again (the auto framer
   *   passes its own router, so that they may start another framing); by default this framer
   *   re-reads them itself.
   */
  constructor(
    sink: FramerSink,
    opts: FramerOptions = {},
    private readonly handBack?: (bytes: number[]) => void,
  ) {
    super(sink, opts);
  }

  get busy(): boolean {
    return this.buf.length > 0;
  }

  /** Feeds one byte, then any bytes a resynchronisation hands back (in order, before later input). */
  protected pushByte(b: number): void {
    const queue = [b];
    while (queue.length > 0) {
      const back = this.step(queue.shift()!);
      if (back) queue.unshift(...back);
    }
  }

  /** The state machine. Returns bytes to feed again after a false start, if any. */
  private step(b: number): number[] | undefined {
    if (this.buf.length === 0) {
      if (b === SOH) {
        // Garbage before it is reported once the frame proves real (or at the next silence),
        // so that noise holding SOH bytes is one report, not one per false start.
        this.buf.push(b);
        this.arm(this.frameTimeoutMs);
      } else {
        this.garbage();
      }
      return undefined;
    }
    this.buf.push(b);
    this.arm(this.frameTimeoutMs);
    const n = this.buf.length;
    if (n === 3) {
      this.declared = (this.buf[1]! | (this.buf[2]! << 8)) & 0x3fff;
      if (this.declared < RTE_MIN_LENGTH || this.declared > this.maxFrameBytes) return this.resync();
      return undefined;
    }
    if (n === 4 && b !== 0x4f /* O */) return this.resync();
    if (n === 5 && b !== 0x55 /* U */) return this.resync();
    if (n === 6 && b !== STX) return this.resync();
    if (n < RTE_HEADER_BYTES) return undefined;
    if (n === this.declared) {
      if (this.buf[n - 2] === ETX) this.complete(n);
      return undefined;
    }
    if (n === this.declared + 3) {
      if (this.buf[n - 2] === ETX) {
        this.complete(n);
        return undefined;
      }
      this.emitError(frameError('MRZ_BAD_FRAME', 'no ETX at the length the frame declared', { framing: 'rte', declared: this.declared }));
      return this.resync(false);
    }
    return undefined;
  }

  private complete(total: number): void {
    const frame = this.buf;
    this.buf = [];
    this.disarm();
    this.reportGarbage();
    const bcc = xorBcc(frame, 1, total - 1);
    if (bcc !== frame[total - 1]) {
      this.emitError(frameError('MRZ_BAD_BCC', 'the block check character does not match', { framing: 'rte', length: total }));
      return;
    }
    const lines = splitFrameLines(frame.slice(RTE_HEADER_BYTES, total - 2), 'rte', '_');
    if (Array.isArray(lines)) this.emitDocument({ lines, framing: 'rte', flag: frame[6]! });
    else this.emitError(lines);
  }

  /**
   * Drops the SOH that started a frame which turned out not to be one, and hands back the bytes
   * after it to be fed again (a noise byte 0x01 may sit right before a real frame).
   */
  private resync(countSoh = true): number[] {
    const rest = this.buf.slice(1);
    this.buf = [];
    this.disarm();
    if (countSoh) this.garbage();
    if (this.handBack) {
      this.handBack(rest);
      return [];
    }
    return rest;
  }

  protected onIdle(): void {
    if (this.buf.length > 0) {
      this.emitError(frameError('MRZ_PARTIAL_FRAME', 'the frame stopped before its declared end', { framing: 'rte', bytes: this.buf.length }));
      this.buf = [];
    }
  }

  protected finish(): void {
    this.onIdle();
  }

  protected clear(): void {
    this.buf = [];
  }
}
