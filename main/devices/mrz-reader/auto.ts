import { ByteFramer, CR, FS, LF, SOH, STX, isMrzByte, type Framer, type FramerOptions, type FramerSink } from './framer.js';
import { LinesFramer } from './lines.js';
import { DelimitedFramer } from './delimited.js';
import { RteFramer } from './rte.js';

/**
 * `auto`: detects the framing of each document from its first byte, between frames:
 * SOH → RTE native, STX → STX…ETX, FS → FS…GS, an MRZ character (A-Z, 0-9, `<`) → plain lines.
 * Once a frame (or a line) has started, every byte goes to that framer until it is done, so a
 * framing byte inside a frame is judged by the framing that owns it. Anything else between
 * frames is MRZ_GARBAGE. Each document says which framing carried it.
 */
export class AutoFramer extends ByteFramer {
  readonly framing = 'auto' as const;
  private readonly lines: LinesFramer;
  private readonly stx: DelimitedFramer;
  private readonly fs: DelimitedFramer;
  private readonly rte: RteFramer;
  private active: Framer | undefined;

  constructor(sink: FramerSink, opts: FramerOptions = {}) {
    super(sink, opts);
    this.lines = new LinesFramer(sink, opts);
    this.stx = new DelimitedFramer('stx-etx', sink, opts);
    this.fs = new DelimitedFramer('fs-gs', sink, opts);
    this.rte = new RteFramer(sink, opts, (bytes) => {
      for (const b of bytes) this.pushByte(b);
    });
  }

  get busy(): boolean {
    return this.active?.busy ?? false;
  }

  protected pushByte(b: number): void {
    if (this.active && !this.active.busy) this.active = undefined;
    if (!this.active) {
      if (b === SOH) this.active = this.rte;
      else if (b === STX) this.active = this.stx;
      else if (b === FS) this.active = this.fs;
      else if (isMrzByte(b) || b === CR || b === LF) this.active = this.lines;
      else {
        this.garbage();
        return;
      }
      this.reportGarbage();
    }
    this.active.push(Uint8Array.of(b));
  }

  protected onIdle(): void {
    /* the sub-framers keep their own timers; here only garbage between frames is reported */
  }

  protected finish(): void {
    for (const f of [this.lines, this.stx, this.fs, this.rte]) f.flush();
    this.active = undefined;
  }

  protected clear(): void {
    for (const f of [this.lines, this.stx, this.fs, this.rte]) f.reset();
    this.active = undefined;
  }
}
