import { KioskError, UsageError } from '../../base/errors.js';
import { nullLogger, type Logger } from '../../base/log.js';
import { encodeMrzFrame, SCANNER_FRAMINGS, type LineEnding, type ScannerFraming } from './frames.js';
import { noise, ocrConfuse, seededRandom } from './faults.js';

/**
 * A simulated serial MRZ scanner: writes documents in a scanner framing to a byte sink (in the
 * product and tests: a SerialLink opened by the host on one end of a pty pair; main/sim may not
 * import main/devices, so the sink is structural), paced at the configured baud rate as a UART
 * would send them (10 bit times per byte: start, 8 data, stop), with optional faults.
 */
export interface ByteSink {
  write(data: Uint8Array): Promise<void>;
}

export interface MrzScannerFaults {
  /** 1-8 noise bytes before each frame. */
  noise?: boolean;
  /** Pause `splitPauseMs` in the middle of each frame (the host must join the two halves). */
  split?: boolean;
  /** RTE only: send a wrong block check character. */
  badBcc?: boolean;
  /** Replace one character of the data line by its usual OCR confusion (O/0, I/1, B/8, ...). */
  ocrConfusions?: boolean;
}

export interface MrzScannerSimOptions {
  framing: ScannerFraming;
  /** Default 9600. */
  baudRate?: number;
  faults?: MrzScannerFaults;
  /** Seed of the fault choices (noise bytes, confused positions). Default 1. */
  seed?: number;
  /** Pause of a split frame. Default 80 ms (below the driver's line and frame timeouts). */
  splitPauseMs?: number;
  /** Pacing slice: bytes are written in chunks of about this many ms of line time. Default 5 ms. */
  chunkMs?: number;
  lineEnding?: LineEnding;
  rteFlag?: number;
  log?: Logger;
  /** Called just before the chunk holding a frame's last byte is written (benchmarks). */
  onLastChunk?: () => void;
}

export interface SentDocument {
  /** The lines as sent (after any OCR confusion). */
  lines: string[];
  bytes: number;
  changes: Array<{ line: number; column: number; from: string; to: string }>;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new KioskError('ABORTED', 'stopped'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new KioskError('ABORTED', 'stopped'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class MrzScannerSimulator {
  readonly framing: ScannerFraming;
  readonly baudRate: number;
  private readonly faults: MrzScannerFaults;
  private readonly rand: () => number;
  private readonly log: Logger;

  constructor(
    private readonly sink: ByteSink,
    private readonly opts: MrzScannerSimOptions,
  ) {
    if (!SCANNER_FRAMINGS.includes(opts.framing)) throw new UsageError('BAD_FRAMING', `framing must be one of ${SCANNER_FRAMINGS.join(', ')}`);
    this.framing = opts.framing;
    this.baudRate = opts.baudRate ?? 9600;
    if (!Number.isInteger(this.baudRate) || this.baudRate < 300) throw new UsageError('BAD_BAUD', 'the baud rate must be a whole number of at least 300');
    this.faults = opts.faults ?? {};
    if (this.faults.badBcc && this.framing !== 'rte') throw new UsageError('BAD_FAULT', 'a bad BCC exists only in the rte framing');
    this.rand = seededRandom(opts.seed ?? 1);
    this.log = (opts.log ?? nullLogger).child('sim.mrz-scanner');
  }

  /** The bytes of one document read with the configured faults, and where a split would pause. */
  frame(lines: readonly string[]): { bytes: Uint8Array; frameStart: number; splitAt?: number; sent: SentDocument } {
    let sentLines = [...lines];
    let changes: SentDocument['changes'] = [];
    if (this.faults.ocrConfusions) ({ lines: sentLines, changes } = ocrConfuse(lines, this.rand, 1));
    const frame = encodeMrzFrame(this.framing, sentLines, {
      ...(this.opts.lineEnding ? { lineEnding: this.opts.lineEnding } : {}),
      ...(this.opts.rteFlag !== undefined ? { rteFlag: this.opts.rteFlag } : {}),
      badBcc: this.faults.badBcc ?? false,
    });
    const pre = this.faults.noise ? noise(this.rand) : new Uint8Array(0);
    const bytes = new Uint8Array(pre.length + frame.length);
    bytes.set(pre, 0);
    bytes.set(frame, pre.length);
    const out: { bytes: Uint8Array; frameStart: number; splitAt?: number; sent: SentDocument } = {
      bytes,
      frameStart: pre.length,
      sent: { lines: sentLines, bytes: bytes.length, changes },
    };
    if (this.faults.split) out.splitAt = pre.length + Math.max(1, Math.floor(frame.length * (0.3 + 0.4 * this.rand())));
    return out;
  }

  /** Sends one document read, paced at the baud rate. Resolves when its last byte is written. */
  async send(lines: readonly string[], signal?: AbortSignal): Promise<SentDocument> {
    const f = this.frame(lines);
    const bytesPerMs = this.baudRate / 10 / 1000;
    const chunk = Math.max(1, Math.round(bytesPerMs * (this.opts.chunkMs ?? 5)));
    let start = performance.now();
    let sentSinceStart = 0;
    let i = 0;
    while (i < f.bytes.length) {
      if (signal?.aborted) throw new KioskError('ABORTED', 'stopped');
      let end = Math.min(f.bytes.length, i + chunk);
      if (f.splitAt !== undefined && i < f.splitAt && end > f.splitAt) end = f.splitAt;
      if (end === f.bytes.length) this.opts.onLastChunk?.();
      await this.sink.write(f.bytes.subarray(i, end));
      sentSinceStart += end - i;
      i = end;
      if (i === f.splitAt) {
        await sleep(this.opts.splitPauseMs ?? 80, signal);
        start = performance.now();
        sentSinceStart = 0;
        continue;
      }
      // Wait until the UART would have shifted out what was written so far.
      const due = start + sentSinceStart / bytesPerMs;
      const wait = due - performance.now();
      if (wait > 1 && i < f.bytes.length) await sleep(wait, signal);
    }
    this.log.debug('document sent', { framing: this.framing, bytes: f.bytes.length, confusions: f.sent.changes.length });
    return f.sent;
  }

  /**
   * Sends each document in turn, `repeat` times over (0: until the signal aborts), waiting
   * `intervalMs` between reads. Resolves with the number of reads sent; an abort ends it quietly.
   */
  async run(documents: ReadonlyArray<readonly string[]>, opts: { repeat?: number; intervalMs?: number; signal?: AbortSignal } = {}): Promise<number> {
    const repeat = opts.repeat ?? 1;
    const interval = opts.intervalMs ?? 1000;
    let sent = 0;
    try {
      for (let r = 0; repeat === 0 || r < repeat; r++) {
        for (const doc of documents) {
          if (sent > 0) await sleep(interval, opts.signal);
          await this.send(doc, opts.signal);
          sent++;
        }
      }
    } catch (e) {
      if (!(e instanceof KioskError && e.code === 'ABORTED')) throw e;
    }
    return sent;
  }
}

/**
 * Splits MRZ lines given one after another (`--mrz L1 L2 --mrz L1 L2 L3`) into documents by
 * line length: 30-character lines go three to a document, 36- and 44-character lines two.
 * Lines of any other length are kept together as one last document (the scanner sends what it read).
 */
export function groupDocuments(lines: readonly string[]): string[][] {
  const docs: string[][] = [];
  let i = 0;
  while (i < lines.length) {
    const len = lines[i]!.length;
    const n = len === 30 ? 3 : len === 36 || len === 44 ? 2 : 0;
    if (n === 0 || i + n > lines.length || !lines.slice(i, i + n).every((l) => l.length === len)) {
      docs.push(lines.slice(i));
      break;
    }
    docs.push(lines.slice(i, i + n));
    i += n;
  }
  return docs;
}
