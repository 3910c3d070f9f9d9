import { ByteFramer, CR, LF, MRZ_SHAPES, asciiOf, frameError, isMrzLine, type FramerOptions, type FramerSink } from './framer.js';

const MAX_LINE = 128;

/**
 * Plain lines: each MRZ line ends with CR, LF or CRLF. The lines of one document are grouped:
 * - at once, when the lines received make a whole TD1 (3×30), TD2/MRV-B (2×36) or TD3/MRV-A (2×44);
 * - at a blank line, or after `lineTimeoutMs` of silence: lines that are only the start of one of
 *   those shapes (one line, or two TD1 lines) are reported as MRZ_INCOMPLETE_DOCUMENT, never
 *   handed out; two or three lines of another shape are handed out as a document (a misread
 *   line length is the MRZ engine's to report, with line and column);
 * - a last line without a terminator is taken as ended by the silence.
 * Bytes outside printable ASCII are dropped and reported as MRZ_GARBAGE; a line with characters
 * other than A-Z, 0-9 and `<` is reported as MRZ_BAD_CHARACTERS and spoils its document.
 */
export class LinesFramer extends ByteFramer {
  readonly framing = 'lines' as const;
  private line: number[] = [];
  private lineTooLong = false;
  private pending: string[] = [];
  private spoiled = false;
  private lastCR = false;

  constructor(sink: FramerSink, opts: FramerOptions = {}) {
    super(sink, opts);
  }

  get busy(): boolean {
    return this.line.length > 0 || this.lineTooLong;
  }

  protected pushByte(b: number): void {
    if (b === CR || b === LF) {
      const crlf = b === LF && this.lastCR;
      this.lastCR = b === CR;
      if (!crlf) this.endLine();
      return;
    }
    this.lastCR = false;
    if (b < 0x20 || b > 0x7e) {
      this.garbage();
      return;
    }
    if (this.lineTooLong) return;
    if (this.line.length >= MAX_LINE) {
      this.lineTooLong = true;
      this.line = [];
      return;
    }
    this.line.push(b);
    this.arm(this.lineTimeoutMs);
  }

  private endLine(): void {
    if (this.lineTooLong) {
      this.lineTooLong = false;
      this.spoil(frameError('MRZ_LINE_TOO_LONG', `a line is longer than ${MAX_LINE} characters`, { framing: 'lines' }));
      return;
    }
    const text = asciiOf(this.line).trim();
    this.line = [];
    if (text === '') {
      if (this.pending.length > 0 || this.spoiled) this.complete();
      return;
    }
    this.reportGarbage();
    if (!isMrzLine(text)) {
      this.spoil(frameError('MRZ_BAD_CHARACTERS', 'a line holds characters that are not MRZ characters', { framing: 'lines', line: this.pending.length + 1 }));
      return;
    }
    if (this.spoiled) {
      this.arm(this.lineTimeoutMs);
      return;
    }
    this.pending.push(text);
    const n = this.pending.length;
    const len = this.pending[0]!.length;
    const same = this.pending.every((l) => l.length === len);
    const shape = same ? MRZ_SHAPES.find((s) => s.length === len) : undefined;
    if ((shape && n === shape.lines) || n >= 3) {
      this.complete();
      return;
    }
    this.arm(this.lineTimeoutMs);
  }

  /** A bad line spoils the document it belongs to: report once, drop the lines of that document. */
  private spoil(err: ReturnType<typeof frameError>): void {
    if (!this.spoiled) this.emitError(err);
    this.spoiled = true;
    this.pending = [];
    this.arm(this.lineTimeoutMs);
  }

  /** Ends the current document (blank line, silence, or a whole shape). */
  private complete(): void {
    const lines = this.pending;
    this.pending = [];
    if (this.spoiled) {
      this.spoiled = false;
      return;
    }
    if (lines.length === 0) return;
    const len = lines[0]!.length;
    const same = lines.every((l) => l.length === len);
    const shape = same ? MRZ_SHAPES.find((s) => s.length === len) : undefined;
    if (lines.length === 1 || (shape && lines.length < shape.lines)) {
      this.emitError(frameError('MRZ_INCOMPLETE_DOCUMENT', 'the scanner stopped before the document was complete', { framing: 'lines', lines: lines.length, length: len }));
      return;
    }
    this.emitDocument({ lines, framing: 'lines' });
  }

  protected onIdle(): void {
    if (this.line.length > 0 || this.lineTooLong) this.endLine();
    this.complete();
  }

  protected finish(): void {
    this.onIdle();
  }

  protected clear(): void {
    this.line = [];
    this.lineTooLong = false;
    this.pending = [];
    this.spoiled = false;
    this.lastCR = false;
  }
}
