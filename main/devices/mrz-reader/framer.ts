import { FormatError } from '../../base/errors.js';
import { systemClock, type Clock, type TimerHandle } from '../../base/clock.js';

/**
 * MRZ scanner framings. A framer turns the bytes a scanner sends into documents (arrays of MRZ
 * lines) or typed errors; it never throws out of push() and never hands out half a document.
 * Framers are push-based (feed bytes with push(), get callbacks); FramerStream (./stream.ts)
 * wraps one as a node:stream Transform for pipelines.
 */
export type Framing = 'lines' | 'stx-etx' | 'fs-gs' | 'rte';
export type FramingMode = Framing | 'auto';
export const FRAMINGS: readonly Framing[] = ['lines', 'stx-etx', 'fs-gs', 'rte'];
export const FRAMING_MODES: readonly FramingMode[] = ['auto', ...FRAMINGS];

export const SOH = 0x01;
export const STX = 0x02;
export const ETX = 0x03;
export const LF = 0x0a;
export const CR = 0x0d;
export const FS = 0x1c;
export const GS = 0x1d;

/** One document as the scanner framed it. */
export interface FramedDocument {
  /** The MRZ lines, top first, without terminators or padding. */
  lines: string[];
  framing: Framing;
  /** RTE only: the frame's flag byte (reader-specific meaning). */
  flag?: number;
}

export interface FramerSink {
  document(doc: FramedDocument): void;
  error(err: FormatError): void;
}

export interface FramerOptions {
  clock?: Clock;
  /**
   * Plain lines: the silence after which the lines received so far are taken as one document
   * (or, when they are only the start of a TD1/TD2/TD3 shape, reported as incomplete). Default 200 ms.
   */
  lineTimeoutMs?: number;
  /** Framed modes: the silence inside a started frame after which it is reported as partial. Default 1000 ms. */
  frameTimeoutMs?: number;
  /** Longest frame accepted (bytes). Default 1024. */
  maxFrameBytes?: number;
}

export interface Framer {
  readonly framing: FramingMode;
  /** Feeds received bytes. Never throws: problems come out as errors on the sink. */
  push(chunk: Uint8Array): void;
  /** True while inside a frame or a line (a byte that starts something else would cut it). */
  readonly busy: boolean;
  /** End of input (port lost or closed): complete lines become a document, anything partial an error. */
  flush(): void;
  /** Forgets any partial input silently and stops timers. */
  reset(): void;
}

/** ICAO 9303 shapes: TD1 3×30, TD2 and MRV-B 2×36, TD3 and MRV-A 2×44. */
export const MRZ_SHAPES: ReadonlyArray<{ lines: number; length: number }> = [
  { lines: 3, length: 30 },
  { lines: 2, length: 36 },
  { lines: 2, length: 44 },
];

const MRZ_LINE = /^[A-Z0-9<]+$/;

/** True when the byte can appear in an MRZ line. */
export function isMrzByte(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39) || b === 0x3c;
}

export function isMrzLine(s: string): boolean {
  return MRZ_LINE.test(s);
}

export function asciiOf(bytes: readonly number[] | Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** A framing error. Details carry counts and positions only, never the characters read (personal data). */
export function frameError(code: string, message: string, details: Record<string, unknown>): FormatError {
  return new FormatError(code, message, details);
}

/**
 * Splits frame content into MRZ lines (CR, LF or CRLF between lines; spaces and the given padding
 * stripped at the ends; empty lines dropped). Returns an error when a line holds anything but
 * MRZ characters or when there is no line at all.
 */
export function splitFrameLines(content: readonly number[], framing: Framing, pad?: string): string[] | FormatError {
  const lines: string[] = [];
  let cur: number[] = [];
  const end = (): void => {
    let s = asciiOf(cur).trim();
    if (pad) {
      let e = s.length;
      while (e > 0 && s[e - 1] === pad) e--;
      s = s.slice(0, e).trim();
    }
    if (s) lines.push(s);
    cur = [];
  };
  for (const b of content) {
    if (b === CR || b === LF) end();
    else cur.push(b);
  }
  end();
  if (lines.length === 0) return frameError('MRZ_EMPTY_FRAME', 'the frame holds no MRZ line', { framing });
  const bad = lines.findIndex((l) => !isMrzLine(l));
  if (bad >= 0) {
    return frameError('MRZ_BAD_CHARACTERS', 'a line of the frame holds characters that are not MRZ characters', { framing, line: bad + 1 });
  }
  if (lines.length > 3) return frameError('MRZ_TOO_MANY_LINES', 'the frame holds more than three lines', { framing, lines: lines.length });
  return lines;
}

/**
 * Byte-at-a-time framer base: one idle timer (re-armed by activity, checked against a deadline
 * so that it is not re-created per byte), and coalesced reporting of garbage bytes.
 */
export abstract class ByteFramer implements Framer {
  abstract readonly framing: FramingMode;
  protected readonly clock: Clock;
  protected readonly lineTimeoutMs: number;
  protected readonly frameTimeoutMs: number;
  protected readonly maxFrameBytes: number;
  private timer: TimerHandle | undefined;
  private deadline: number | undefined;
  private garbageCount = 0;

  constructor(
    protected readonly sink: FramerSink,
    opts: FramerOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.lineTimeoutMs = opts.lineTimeoutMs ?? 200;
    this.frameTimeoutMs = opts.frameTimeoutMs ?? 1000;
    this.maxFrameBytes = opts.maxFrameBytes ?? 1024;
  }

  abstract get busy(): boolean;
  protected abstract pushByte(b: number): void;
  /** Called when the armed silence elapsed. */
  protected abstract onIdle(): void;
  /** Drops partial state without reporting. */
  protected abstract clear(): void;
  /** End of input: report what is pending. */
  protected abstract finish(): void;

  push(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      try {
        this.pushByte(chunk[i]!);
      } catch (e) {
        // A framer bug must not take the reader down: report it and start afresh.
        this.clear();
        this.emitError(frameError('MRZ_FRAMER_FAILURE', 'the framer failed on its input', { framing: this.framing, reason: e instanceof Error ? e.message : String(e) }));
      }
    }
  }

  flush(): void {
    this.disarm();
    try {
      this.finish();
    } catch {
      this.clear();
    }
    this.reportGarbage();
  }

  reset(): void {
    this.disarm();
    this.garbageCount = 0;
    this.clear();
  }

  protected emitDocument(doc: FramedDocument): void {
    try {
      this.sink.document(doc);
    } catch {
      /* a sink that throws must not break framing */
    }
  }

  protected emitError(err: FormatError): void {
    try {
      this.sink.error(err);
    } catch {
      /* idem */
    }
  }

  /** Counts a byte that belongs to no frame; reported once per run. */
  protected garbage(n = 1): void {
    this.garbageCount += n;
    if (this.deadline === undefined) this.arm(this.lineTimeoutMs);
  }

  protected reportGarbage(): void {
    if (this.garbageCount === 0) return;
    const bytes = this.garbageCount;
    this.garbageCount = 0;
    this.emitError(frameError('MRZ_GARBAGE', 'bytes outside any MRZ frame were ignored', { framing: this.framing, bytes }));
  }

  protected arm(ms: number): void {
    this.deadline = this.clock.monotonic() + ms;
    if (!this.timer) this.timer = this.clock.setTimeout(() => this.fire(), ms);
  }

  protected disarm(): void {
    this.deadline = undefined;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    if (this.deadline === undefined) return;
    const left = this.deadline - this.clock.monotonic();
    if (left > 0) {
      this.timer = this.clock.setTimeout(() => this.fire(), left);
      return;
    }
    this.deadline = undefined;
    try {
      this.onIdle();
    } catch {
      this.clear();
    }
    this.reportGarbage();
  }
}
