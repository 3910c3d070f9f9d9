import { ByteFramer, CR, ETX, FS, GS, LF, STX, frameError, splitFrameLines, type FramerOptions, type FramerSink } from './framer.js';

/**
 * STX…ETX and FS…GS framings: a start byte, the MRZ lines separated by CR, LF or CRLF (a
 * terminator after the last line is allowed), an end byte. CR and LF between frames are ignored
 * (many scanners end each frame with CRLF); any other byte outside a frame is MRZ_GARBAGE.
 * A start byte inside a frame, or `frameTimeoutMs` of silence inside one, is MRZ_PARTIAL_FRAME;
 * a frame longer than `maxFrameBytes` is MRZ_FRAME_TOO_LONG (and skipped up to its end byte).
 */
export class DelimitedFramer extends ByteFramer {
  readonly framing: 'stx-etx' | 'fs-gs';
  private readonly start: number;
  private readonly end: number;
  private inFrame = false;
  private skipping = false;
  private buf: number[] = [];

  constructor(framing: 'stx-etx' | 'fs-gs', sink: FramerSink, opts: FramerOptions = {}) {
    super(sink, opts);
    this.framing = framing;
    this.start = framing === 'stx-etx' ? STX : FS;
    this.end = framing === 'stx-etx' ? ETX : GS;
  }

  get busy(): boolean {
    return this.inFrame;
  }

  protected pushByte(b: number): void {
    if (b === this.start) {
      if (this.inFrame && !this.skipping) {
        this.emitError(frameError('MRZ_PARTIAL_FRAME', 'a new frame started before the previous one ended', { framing: this.framing, bytes: this.buf.length }));
      }
      this.reportGarbage();
      this.inFrame = true;
      this.skipping = false;
      this.buf = [];
      this.arm(this.frameTimeoutMs);
      return;
    }
    if (!this.inFrame) {
      if (b !== CR && b !== LF) this.garbage();
      return;
    }
    this.arm(this.frameTimeoutMs);
    if (b === this.end) {
      const content = this.buf;
      const skipped = this.skipping;
      this.inFrame = false;
      this.skipping = false;
      this.buf = [];
      this.disarm();
      if (skipped) return;
      const lines = splitFrameLines(content, this.framing);
      if (Array.isArray(lines)) this.emitDocument({ lines, framing: this.framing });
      else this.emitError(lines);
      return;
    }
    if (this.skipping) return;
    if (this.buf.length >= this.maxFrameBytes) {
      this.emitError(frameError('MRZ_FRAME_TOO_LONG', 'the frame is longer than any MRZ', { framing: this.framing, limit: this.maxFrameBytes }));
      this.skipping = true;
      this.buf = [];
      return;
    }
    this.buf.push(b);
  }

  protected onIdle(): void {
    if (this.inFrame) {
      if (!this.skipping) {
        this.emitError(frameError('MRZ_PARTIAL_FRAME', 'the frame stopped before its end byte', { framing: this.framing, bytes: this.buf.length }));
      }
      this.clear();
    }
  }

  protected finish(): void {
    this.onIdle();
  }

  protected clear(): void {
    this.inFrame = false;
    this.skipping = false;
    this.buf = [];
  }
}
