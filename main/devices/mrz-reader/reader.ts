import { FormatError, KioskError, TimeoutError, UsageError, asKioskError } from '../../base/errors.js';
import { systemClock, type Clock } from '../../base/clock.js';
import { nullLogger, type Logger } from '../../base/log.js';
import type { ByteLink, LinkStatus } from '../link.js';
import type { FramedDocument, Framer, FramerOptions, Framing, FramingMode } from './framer.js';
import { createFramer } from './create.js';

/**
 * The serial MRZ scanner driver: frames the bytes of a ByteLink (./framer.ts), parses each
 * document with the injected MRZ parser, drops repeats of the same document within a window,
 * and reports the link's state. Layering: main/devices may not import main/mrz, so the parser
 * (`parseMrz` of main/mrz) is injected by the composition root; R is its result type (MrzResult).
 *
 * Events (typed listeners; `on` returns the unsubscribe function):
 * - `document`: {lines, framing, result, receivedAt, flag?} — one whole document, never half;
 * - `error`: a KioskError — FormatError for framing problems (codes MRZ_GARBAGE,
 *   MRZ_PARTIAL_FRAME, MRZ_BAD_BCC, MRZ_BAD_FRAME, MRZ_BAD_CHARACTERS, MRZ_INCOMPLETE_DOCUMENT,
 *   MRZ_FRAME_TOO_LONG, MRZ_EMPTY_FRAME, MRZ_TOO_MANY_LINES, MRZ_LINE_TOO_LONG), the parser's own
 *   error if it throws, DeviceError for the link. Errors never carry MRZ characters.
 * - `status`: connected / disconnected / reconnecting, from the link.
 * Listeners that throw are logged and ignored: nothing escapes into the link's event handlers.
 */
export interface MrzDocument<R> {
  lines: string[];
  framing: Framing;
  result: R;
  /** Clock time (ms since the epoch) at which the last byte of the document was framed. */
  receivedAt: number;
  /** RTE frames only: the flag byte. */
  flag?: number;
}

export type MrzReaderStatus =
  | { state: 'connected' }
  | { state: 'disconnected'; reason?: string }
  | { state: 'reconnecting'; attempt: number };

export interface MrzReaderOptions<R> extends FramerOptions {
  /** The MRZ parser: main/mrz parseMrz (lines → MrzResult) in the product. */
  parse: (lines: string[]) => R;
  /** Default 'auto'. */
  framing?: FramingMode;
  /** The same document (same lines) read again within this many ms is not reported again. Default 3000; 0 turns it off. */
  dedupWindowMs?: number;
  clock?: Clock;
  log?: Logger;
}

export interface MrzReaderEvents<R> {
  document: MrzDocument<R>;
  error: KioskError;
  status: MrzReaderStatus;
}

type Listener<T> = (value: T) => void;

export class MrzReader<R> {
  readonly framing: FramingMode;
  private readonly framer: Framer;
  private readonly parse: (lines: string[]) => R;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly dedupWindowMs: number;
  private readonly seen = new Map<string, number>();
  private readonly listeners: { [K in keyof MrzReaderEvents<R>]: Set<Listener<MrzReaderEvents<R>[K]>> } = {
    document: new Set(),
    error: new Set(),
    status: new Set(),
  };
  private readonly unsubscribe: Array<() => void>;
  private stopped = false;
  private isConnected: boolean;

  constructor(
    private readonly link: ByteLink,
    opts: MrzReaderOptions<R>,
  ) {
    if (typeof opts.parse !== 'function') throw new UsageError('MRZ_READER_NO_PARSER', 'MrzReader needs a parse function');
    this.framing = opts.framing ?? 'auto';
    this.parse = opts.parse;
    this.clock = opts.clock ?? systemClock;
    this.log = (opts.log ?? nullLogger).child('mrz-reader');
    this.dedupWindowMs = Math.max(0, opts.dedupWindowMs ?? 3000);
    this.framer = createFramer(this.framing, { document: (d) => this.onFramed(d), error: (e) => this.emit('error', e) }, { ...opts, clock: this.clock });
    this.isConnected = link.isOpen;
    this.unsubscribe = [
      link.onData((chunk) => {
        if (!this.stopped) this.framer.push(chunk);
      }),
      link.onStatus((s) => this.onLinkStatus(s)),
    ];
  }

  get connected(): boolean {
    return this.isConnected;
  }

  on<K extends keyof MrzReaderEvents<R>>(event: K, listener: Listener<MrzReaderEvents<R>[K]>): () => void {
    const set = this.listeners[event] as Set<Listener<MrzReaderEvents<R>[K]>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * The next document. Rejects with TimeoutError (code TIMEOUT) after timeoutMs, or with
   * KioskError('ABORTED') when the signal aborts. Errors in between do not end the wait.
   */
  next(opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<MrzDocument<R>> {
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) return reject(new KioskError('ABORTED', 'the wait was cancelled'));
      let timer: ReturnType<Clock['setTimeout']> | undefined;
      const done = (): void => {
        off();
        if (timer) this.clock.clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      const off = this.on('document', (d) => {
        done();
        resolve(d);
      });
      const onAbort = (): void => {
        done();
        reject(new KioskError('ABORTED', 'the wait was cancelled'));
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      if (opts.timeoutMs !== undefined) {
        timer = this.clock.setTimeout(() => {
          done();
          reject(new TimeoutError('no MRZ document arrived in time', { timeoutMs: opts.timeoutMs }));
        }, opts.timeoutMs);
      }
    });
  }

  /** Detaches from the link (the link stays open: its owner closes it) and drops partial input. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const u of this.unsubscribe) u();
    this.framer.reset();
  }

  private onFramed(d: FramedDocument): void {
    const now = this.clock.monotonic();
    if (this.dedupWindowMs > 0) {
      for (const [k, t] of this.seen) if (now - t >= this.dedupWindowMs) this.seen.delete(k);
      const key = d.lines.join('\n');
      if (this.seen.has(key)) {
        this.log.debug('same document again within the window: not reported', { framing: d.framing });
        return;
      }
      this.seen.set(key, now);
    }
    let result: R;
    try {
      result = this.parse(d.lines);
    } catch (e) {
      const err = e instanceof KioskError ? e : new FormatError('MRZ_UNPARSABLE', 'the MRZ parser failed on a framed document', { framing: d.framing }, { cause: e });
      this.emit('error', err);
      return;
    }
    const doc: MrzDocument<R> = { lines: d.lines, framing: d.framing, result, receivedAt: this.clock.now() };
    if (d.flag !== undefined) doc.flag = d.flag;
    this.emit('document', doc);
  }

  private onLinkStatus(s: LinkStatus): void {
    if (this.stopped) return;
    switch (s.state) {
      case 'open':
        this.isConnected = true;
        this.emit('status', { state: 'connected' });
        break;
      case 'closed':
        this.isConnected = false;
        this.framer.flush();
        this.emit('status', s.reason === undefined ? { state: 'disconnected' } : { state: 'disconnected', reason: s.reason });
        break;
      case 'reconnecting':
        this.isConnected = false;
        this.emit('status', { state: 'reconnecting', attempt: s.attempt });
        break;
      case 'error':
        this.emit('error', asKioskError(s.error, 'DEVICE'));
        break;
    }
  }

  private emit<K extends keyof MrzReaderEvents<R>>(event: K, value: MrzReaderEvents<R>[K]): void {
    if (event === 'error') this.log.debug('mrz reader error', { code: (value as KioskError).code, details: (value as KioskError).details });
    for (const l of [...this.listeners[event]] as Array<Listener<MrzReaderEvents<R>[K]>>) {
      try {
        l(value);
      } catch (e) {
        this.log.error('mrz reader listener threw', { event, error: e instanceof Error ? e.message : String(e) });
      }
    }
  }
}
