/**
 * PN532 driver over HSU (UART), per NXP UM0701-02.
 *
 * Dialog (§6.2.2): the host sends a command frame; the PN532 answers with an ACK frame, then with
 * the response frame (or the syntax error frame). The host may abort the command in progress by
 * sending an ACK frame, and may ask the PN532 to send its last response again with a NACK frame.
 * §6.2.3: when no ACK comes (15 ms), the host resends the command frame.
 *
 * One command at a time: calls are queued. Every command has a timeout; when it runs out the driver
 * sends an ACK (abort) so that the PN532 is ready for the next command.
 */
import { performance as nodePerformance } from 'node:perf_hooks';
import { concatBytes, toHex } from '../../base/bytes.js';
import { DeviceError, KioskError, TimeoutError, UsageError } from '../../base/errors.js';
import { nullLogger, type Logger } from '../../base/log.js';
import type { ByteLink, LinkStatus } from '../link.js';
import { ACK_FRAME, NACK_FRAME, Pn532FrameDecoder, TFI_PN532_TO_HOST, encodeCommandFrame, type DecoderEvent } from './frame.js';
import { STATUS_ERROR_MASK, STATUS_MI, statusInfo } from './status.js';

/** Command codes (UM0701-02 §7, table 14). */
export const PN532_COMMAND = {
  Diagnose: 0x00,
  GetFirmwareVersion: 0x02,
  GetGeneralStatus: 0x04,
  SetParameters: 0x12,
  SAMConfiguration: 0x14,
  PowerDown: 0x16,
  RFConfiguration: 0x32,
  InDataExchange: 0x40,
  InCommunicateThru: 0x42,
  InDeselect: 0x44,
  InListPassiveTarget: 0x4a,
  InRelease: 0x52,
  InSelect: 0x54,
} as const;

/**
 * HSU wake-up (§6.3.2.3, and as libnfc sends it): 0x55 0x55 then a long preamble of zeros, so the
 * PN532 leaves power-down / low-VBat mode before the start code of the command frame arrives.
 */
export const HSU_WAKEUP_PREAMBLE: Uint8Array = Uint8Array.of(0x55, 0x55, ...new Array<number>(14).fill(0x00));

/** DataOut of InDataExchange is at most 262 bytes (§7.3.8); longer data is chained with the MI bit. */
export const MAX_DATA_EXCHANGE_LENGTH = 262;

/**
 * The longest chained answer accepted: 65536 data bytes + SW1 SW2, plus the secure-messaging
 * objects around them (DO87 header with a 3-byte length, padding indicator and up to a block of
 * padding, DO99, DO8E: under 64 bytes).
 */
const MAX_CHAINED_ANSWER = 0x10000 + 2 + 64;

/**
 * A timer this late (ms), or a loop this busy (ms) during a wait, means the event loop was
 * blocked; then the wait gets STALL_GRACE_MS more.
 */
const STALL_MS = 15;
const STALL_GRACE_MS = 25;

export interface FirmwareVersion {
  /** 0x32 for a PN532. */
  ic: number;
  ver: number;
  rev: number;
  /** Bit 0: ISO/IEC 14443 Type A, bit 1: Type B, bit 2: ISO 18092. */
  support: number;
  isoA: boolean;
  isoB: boolean;
  iso18092: boolean;
}

export interface Pn532TargetA {
  type: 'A';
  /** Logical target number (Tg) for InDataExchange. */
  tg: number;
  /** SENS_RES (ATQA) as the PN532 reports it (2 bytes, e.g. 00 04 for a Mifare 1K, 00 44 for a 7-byte UID). */
  sensRes: Uint8Array;
  /** SENS_RES as a number: (sensRes[0] << 8) | sensRes[1]. */
  atqa: number;
  /** SEL_RES (SAK). */
  sak: number;
  /** NFCID1 (UID): 4, 7 or 10 bytes. */
  uid: Uint8Array;
  /** ATS from TL on, when the target is ISO/IEC 14443-4 compliant (SAK bit 6). */
  ats?: Uint8Array;
  iso14443_4: boolean;
}

export interface Pn532TargetB {
  type: 'B';
  tg: number;
  /** ATQB (12 bytes from 0x50). */
  atqb: Uint8Array;
  /** PUPI (4 bytes): the type B identifier. */
  uid: Uint8Array;
  applicationData: Uint8Array;
  protocolInfo: Uint8Array;
  attribRes: Uint8Array;
  iso14443_4: true;
}

export type Pn532Target = Pn532TargetA | Pn532TargetB;

export interface Pn532Options {
  link: ByteLink;
  log?: Logger;
  /**
   * How long to wait for the ACK frame after the command's bytes are on the wire. UM0701-02 §6.2.3
   * says 15 ms; default 100 ms for OS scheduling and USB-serial latency (a resend aborts the first
   * command, so resending too eagerly would run an APDU twice).
   */
  ackTimeoutMs?: number;
  /** Default time for a command's response after its ACK. Default 1000 ms. */
  commandTimeoutMs?: number;
  /** Default time for an InDataExchange response (a passport chip can think for seconds, e.g. PACE). Default 5000 ms. */
  exchangeTimeoutMs?: number;
  /** Resends of a command frame without ACK, and NACKs for a corrupted response. Default 3. */
  retries?: number;
  /** Send the HSU wake-up preamble before the first command (and after the link comes back). Default true. */
  wakeUp?: boolean;
  /** Largest DataOut per InDataExchange frame before chaining with MI. Default 252 (a normal frame). Max 262. */
  maxChunk?: number;
  /**
   * The line's baud rate, to add the bytes' time on the wire to the ACK and response deadlines
   * (a pty hands bytes over at once, a UART takes 10 bits per byte). Default: the link's
   * `baudRate` property when it has one (a serial link does), else none.
   */
  baudRate?: number;
}

export interface CommandOptions {
  timeoutMs?: number;
}

export interface ListOptions extends CommandOptions {
  /** MaxTg: 1 or 2. Default 1. */
  maxTargets?: 1 | 2;
  /** Type B only: AFI (0x00 = all application families). Default 0x00. */
  afi?: number;
  /** Type B only: the optional polling-method byte (0 = timeslot, 1 = probabilistic). Omitted by default. */
  pollingMethod?: number;
  /** Type A only: the UID of the card to select (InitiatorData). */
  uid?: Uint8Array;
}

type Waiter = (ev: DecoderEvent | null) => void;

export class Pn532 {
  readonly log: Logger;
  private readonly link: ByteLink;
  private readonly decoder = new Pn532FrameDecoder({ expectTfi: TFI_PN532_TO_HOST });
  private readonly events: DecoderEvent[] = [];
  private waiter: Waiter | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private awake: boolean;
  private closed = false;
  private readonly unsubscribe: Array<() => void> = [];
  private readonly ackTimeoutMs: number;
  private readonly commandTimeoutMs: number;
  readonly exchangeTimeoutMs: number;
  private readonly retries: number;
  private readonly maxChunk: number;
  private readonly byteMs: number;
  /** Counters for diagnostics and benchmarks. */
  readonly stats = { commands: 0, resends: 0, nacks: 0, formatErrors: 0, skippedBytes: 0, bytesOut: 0, bytesIn: 0 };

  constructor(opts: Pn532Options) {
    this.link = opts.link;
    this.log = opts.log ?? nullLogger;
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 100;
    this.commandTimeoutMs = opts.commandTimeoutMs ?? 1000;
    this.exchangeTimeoutMs = opts.exchangeTimeoutMs ?? 5000;
    this.retries = opts.retries ?? 3;
    this.awake = opts.wakeUp === false;
    const chunk = opts.maxChunk ?? 252;
    if (!Number.isInteger(chunk) || chunk < 1 || chunk > MAX_DATA_EXCHANGE_LENGTH) {
      throw new UsageError('PN532_BAD_OPTIONS', 'maxChunk must be 1..262', { maxChunk: chunk });
    }
    this.maxChunk = chunk;
    const linkBaud = (this.link as { baudRate?: unknown }).baudRate;
    const baud = opts.baudRate ?? (typeof linkBaud === 'number' ? linkBaud : undefined);
    this.byteMs = baud && baud > 0 ? 10_000 / baud : 0;
    this.unsubscribe.push(this.link.onData((chunk) => this.onData(chunk)));
    this.unsubscribe.push(this.link.onStatus((s) => this.onStatus(s, opts.wakeUp !== false)));
  }

  /** Wakes the PN532 up and puts it in normal mode: SAMConfiguration (normal, no SAM). Returns the firmware version. */
  async init(opts: { maxRetriesPassiveActivation?: number } = {}): Promise<FirmwareVersion> {
    await this.samConfiguration();
    const fw = await this.getFirmwareVersion();
    // A finite number of passive activation retries, so InListPassiveTarget answers "no target"
    // instead of waiting for a card forever (the default MxRtyPassiveActivation is 0xFF).
    await this.setMaxRetries({ passiveActivation: opts.maxRetriesPassiveActivation ?? 0x02 });
    return fw;
  }

  /** GetFirmwareVersion (§7.2.2): D4 02 → D5 03 IC Ver Rev Support. */
  async getFirmwareVersion(opts: CommandOptions = {}): Promise<FirmwareVersion> {
    const r = await this.command(PN532_COMMAND.GetFirmwareVersion, new Uint8Array(0), opts);
    if (r.length < 4) throw badResponse('GetFirmwareVersion', r);
    const [ic, ver, rev, support] = [r[0]!, r[1]!, r[2]!, r[3]!];
    return { ic, ver, rev, support, isoA: (support & 1) !== 0, isoB: (support & 2) !== 0, iso18092: (support & 4) !== 0 };
  }

  /**
   * SAMConfiguration (§7.2.10): Mode 0x01 = normal mode (no SAM); Timeout in 50 ms units (virtual card
   * mode only); IRQ 0x01 = use P70_IRQ. Leaves low-VBat mode after power-up.
   */
  async samConfiguration(mode = 0x01, timeout = 0x14, irq = 0x01, opts: CommandOptions = {}): Promise<void> {
    const params = Uint8Array.of(mode, timeout, irq);
    await this.command(PN532_COMMAND.SAMConfiguration, params, opts);
    this.remember(PN532_COMMAND.SAMConfiguration, params);
  }

  /**
   * GetGeneralStatus (§7.2.3): the last error, whether the RF field is on, the targets the PN532
   * handles (Tg, BrRx, BrTx, modulation type) and the SAM status.
   */
  async getGeneralStatus(opts: CommandOptions = {}): Promise<{
    lastError: number;
    fieldOn: boolean;
    targets: Array<{ tg: number; brRx: number; brTx: number; type: number }>;
    samStatus: number | undefined;
  }> {
    const r = await this.command(PN532_COMMAND.GetGeneralStatus, new Uint8Array(0), opts);
    if (r.length < 3 || r[2]! > 2 || r.length < 3 + 4 * r[2]!) throw badResponse('GetGeneralStatus', r);
    const targets: Array<{ tg: number; brRx: number; brTx: number; type: number }> = [];
    for (let i = 0; i < r[2]!; i++) {
      const o = 3 + 4 * i;
      targets.push({ tg: r[o]!, brRx: r[o + 1]!, brTx: r[o + 2]!, type: r[o + 3]! });
    }
    return { lastError: r[0]!, fieldOn: r[1] !== 0, targets, samStatus: r[3 + 4 * r[2]!] };
  }

  /** RFConfiguration (§7.3.1) with any CfgItem and its ConfigurationData. */
  async rfConfiguration(cfgItem: number, data: Uint8Array, opts: CommandOptions = {}): Promise<void> {
    const params = concatBytes(Uint8Array.of(cfgItem), data);
    await this.command(PN532_COMMAND.RFConfiguration, params, opts);
    this.remember(PN532_COMMAND.RFConfiguration + cfgItem * 0x100, params);
  }

  /** RF field (CfgItem 0x01): bit 0 field on, bit 1 auto RFCA. */
  async setRfField(on: boolean, autoRfca = false): Promise<void> {
    await this.rfConfiguration(0x01, Uint8Array.of((on ? 1 : 0) | (autoRfca ? 2 : 0)));
  }

  /**
   * Various timings (CfgItem 0x02): RFU, fATR_RES_Timeout, fRetryTimeout. Each value n means
   * 100 µs × 2^(n-1) (0x0B = 102.4 ms, 0x0A = 51.2 ms, 0x10 = 3.28 s); 0 = no timeout.
   */
  async setTimings(t: { atrResTimeout?: number; retryTimeout?: number }): Promise<void> {
    await this.rfConfiguration(0x02, Uint8Array.of(0x00, t.atrResTimeout ?? 0x0b, t.retryTimeout ?? 0x0a));
  }

  /**
   * MaxRetries (CfgItem 0x05): MxRtyATR, MxRtyPSL, MxRtyPassiveActivation (0xFF = forever, the
   * default; 0x00 = one try).
   */
  async setMaxRetries(r: { atr?: number; psl?: number; passiveActivation?: number }): Promise<void> {
    await this.rfConfiguration(0x05, Uint8Array.of(r.atr ?? 0xff, r.psl ?? 0x01, r.passiveActivation ?? 0xff));
  }

  /**
   * InListPassiveTarget (§7.3.5) for ISO/IEC 14443 Type A (BrTy 0x00) or Type B (BrTy 0x03, AFI).
   * Resolves with the targets found (empty when none answered within the retries).
   */
  async inListPassiveTarget(type: 'A' | 'B', opts: ListOptions = {}): Promise<Pn532Target[]> {
    const maxTg = opts.maxTargets ?? 1;
    let params: Uint8Array;
    if (type === 'A') {
      params = concatBytes(Uint8Array.of(maxTg, 0x00), opts.uid ?? new Uint8Array(0));
    } else {
      const afi = opts.afi ?? 0x00;
      params = opts.pollingMethod === undefined ? Uint8Array.of(maxTg, 0x03, afi) : Uint8Array.of(maxTg, 0x03, afi, opts.pollingMethod);
    }
    const r = await this.command(PN532_COMMAND.InListPassiveTarget, params, opts);
    return parseTargets(type, r);
  }

  /**
   * InDataExchange (§7.3.8) with chaining: DataOut longer than maxChunk goes in several commands
   * with the MI bit set in Tg; while the status byte has MI set, the rest of the answer is fetched
   * with InDataExchange carrying Tg only. Status errors become typed errors; status 0x01 (time out)
   * becomes CARD_LOST when the presence check (Diagnose 0x06) says the card left, TIMEOUT otherwise.
   */
  async inDataExchange(tg: number, data: Uint8Array, opts: CommandOptions = {}): Promise<Uint8Array> {
    if (!Number.isInteger(tg) || tg < 1 || tg > 0x3f) throw new UsageError('PN532_BAD_TARGET', 'target number must be 1..63', { tg });
    return this.serial(async () => {
      const timeoutMs = opts.timeoutMs ?? this.exchangeTimeoutMs;
      let off = 0;
      while (data.length - off > this.maxChunk) {
        const part = data.subarray(off, off + this.maxChunk);
        off += part.length;
        const r = await this.transact(PN532_COMMAND.InDataExchange, concatBytes(Uint8Array.of(tg | STATUS_MI), part), timeoutMs);
        if (r.length < 1) throw badResponse('InDataExchange', r);
        if ((r[0]! & STATUS_ERROR_MASK) !== 0) throw await this.statusError(r[0]! & STATUS_ERROR_MASK, 'InDataExchange', tg);
      }
      let r = await this.transact(PN532_COMMAND.InDataExchange, concatBytes(Uint8Array.of(tg), data.subarray(off)), timeoutMs);
      const parts: Uint8Array[] = [];
      let total = 0;
      for (;;) {
        if (r.length < 1) throw badResponse('InDataExchange', r);
        const status = r[0]!;
        if ((status & STATUS_ERROR_MASK) !== 0) throw await this.statusError(status & STATUS_ERROR_MASK, 'InDataExchange', tg);
        const payload = r.subarray(1);
        parts.push(payload);
        total += payload.length;
        if (total > MAX_CHAINED_ANSWER) throw new DeviceError('PN532_RESPONSE_TOO_LONG', 'the chained answer is longer than any APDU response');
        if ((status & STATUS_MI) === 0) break;
        r = await this.transact(PN532_COMMAND.InDataExchange, Uint8Array.of(tg), timeoutMs);
      }
      return concatBytes(...parts);
    });
  }

  /** Diagnose NumTst 0x06 (§7.2.1): card presence detection for an ISO/IEC 14443-4 target. */
  async isCardPresent(opts: CommandOptions = {}): Promise<boolean> {
    return this.serial(() => this.presence(opts.timeoutMs));
  }

  /** InRelease (§7.3.11): Tg 0 releases all targets. */
  async inRelease(tg = 0, opts: CommandOptions = {}): Promise<void> {
    const r = await this.command(PN532_COMMAND.InRelease, Uint8Array.of(tg), opts);
    if (r.length < 1) throw badResponse('InRelease', r);
    if ((r[0]! & STATUS_ERROR_MASK) !== 0) throw await this.statusErrorNoProbe(r[0]! & STATUS_ERROR_MASK, 'InRelease');
  }

  /** InDeselect (§7.3.10): Tg 0 deselects all targets. */
  async inDeselect(tg = 0, opts: CommandOptions = {}): Promise<void> {
    const r = await this.command(PN532_COMMAND.InDeselect, Uint8Array.of(tg), opts);
    if (r.length < 1) throw badResponse('InDeselect', r);
    if ((r[0]! & STATUS_ERROR_MASK) !== 0) throw await this.statusErrorNoProbe(r[0]! & STATUS_ERROR_MASK, 'InDeselect');
  }

  /**
   * Sends any command (PD0 = `code`, then `params`) and resolves with the response data after the
   * response code. Queued behind the commands already running.
   */
  async command(code: number, params: Uint8Array = new Uint8Array(0), opts: CommandOptions = {}): Promise<Uint8Array> {
    return this.serial(() => this.transact(code, params, opts.timeoutMs ?? this.commandTimeoutMs));
  }

  /** Stops listening to the link (does not close it). Commands waiting fail with PN532_CLOSED. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const u of this.unsubscribe) u();
    this.wake(null);
  }

  // ---- internals -------------------------------------------------------------------------------

  /** Configuration commands to replay after the module was power-cycled (the link came back). */
  private readonly config = new Map<number, Uint8Array>();
  private reconfigure = false;

  private remember(key: number, params: Uint8Array): void {
    this.config.set(key, params);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const task = async (): Promise<T> => {
      if (this.reconfigure) {
        // A re-plugged PN532 starts in low-VBat mode with default settings: SAMConfiguration first,
        // then the RF settings this driver had made.
        this.reconfigure = false;
        for (const [key, params] of this.config) {
          await this.transact(key & 0xff, params, this.commandTimeoutMs).catch((e: unknown) => {
            this.reconfigure = true;
            throw e;
          });
        }
      }
      return fn();
    };
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private onData(chunk: Uint8Array): void {
    this.stats.bytesIn += chunk.length;
    for (const ev of this.decoder.push(chunk)) {
      if (ev.kind === 'skipped') {
        this.stats.skippedBytes += ev.count;
        this.log.debug('skipped bytes on the line', { count: ev.count });
        continue;
      }
      if (ev.kind === 'format-error') {
        this.stats.formatErrors++;
        this.log.debug('bad frame from the PN532', { code: ev.error.code });
      }
      this.events.push(ev);
    }
    // Nobody is waiting while idle: keep only the latest events (garbage must not pile up).
    if (this.events.length > 64) this.events.splice(0, this.events.length - 64);
    if (this.events.length > 0) this.wake(this.events.shift()!);
  }

  private onStatus(s: LinkStatus, wakeUp: boolean): void {
    // After the port comes back (USB re-plugged), the PN532 may have been power-cycled.
    if (s.state !== 'open' && wakeUp) this.awake = false;
    if (s.state !== 'open' && this.config.size > 0) this.reconfigure = true;
    if (s.state === 'closed' || s.state === 'error') this.decoder.reset();
  }

  private wake(ev: DecoderEvent | null): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w(ev);
    } else if (ev) {
      this.events.unshift(ev);
    }
  }

  private nextEvent(timeoutMs: number): Promise<DecoderEvent | null> {
    if (this.closed) return Promise.reject(new DeviceError('PN532_CLOSED', 'the PN532 driver is closed'));
    const ev = this.events.shift();
    if (ev) return Promise.resolve(ev);
    return new Promise((resolve, reject) => {
      // When the event loop was blocked (a long computation), the timer and the bytes that came
      // meanwhile are both due; timers run before I/O callbacks, so look at the I/O first
      // (setImmediate runs after the poll phase) before calling it a timeout. Reading a serial
      // port takes more than one loop turn (poll, then a read in the thread pool), so when the
      // loop was blocked during the wait (the timer fired late, or the loop was busy for a long
      // time, e.g. a computation in this process), give the I/O a short grace period first: a
      // late-read ACK must not cause a resend, which would abort the command and could run an
      // APDU twice. The grace only lengthens a wait, never shortens it.
      const wait = Math.max(0, timeoutMs);
      const due = performance.now() + wait;
      const elu = nodePerformance.eventLoopUtilization();
      let graced = false;
      const expire = (): void => {
        const busyMs = nodePerformance.eventLoopUtilization(elu).active;
        if (!graced && (performance.now() - due > STALL_MS || busyMs > STALL_MS)) {
          graced = true;
          timer = setTimeout(expire, STALL_GRACE_MS);
          return;
        }
        setImmediate(() => {
          if (this.waiter !== w) return;
          this.waiter = undefined;
          resolve(null);
        });
      };
      let timer = setTimeout(expire, wait);
      const w: Waiter = (e) => {
        clearTimeout(timer);
        if (e === null && this.closed) reject(new DeviceError('PN532_CLOSED', 'the PN532 driver is closed'));
        else resolve(e);
      };
      this.waiter = w;
    });
  }

  private async write(bytes: Uint8Array): Promise<void> {
    this.stats.bytesOut += bytes.length;
    await this.link.write(bytes);
  }

  /** One command/response dialog with ACK wait, resend, NACK and abort. Caller holds the queue. */
  private async transact(code: number, params: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    if (this.closed) throw new DeviceError('PN532_CLOSED', 'the PN532 driver is closed');
    const frame = encodeCommandFrame(code, params);
    this.stats.commands++;
    this.events.length = 0; // anything still queued belongs to an earlier, finished dialog
    let acked = false;
    let rejected = false;
    for (let attempt = 0; attempt <= this.retries && !acked; attempt++) {
      rejected = false;
      if (attempt > 0) this.stats.resends++;
      // A PN532 that did not answer may be asleep (power-down, or a re-plugged module): wake it.
      const wake = !this.awake || attempt > 0;
      await this.write(wake ? concatBytes(HSU_WAKEUP_PREAMBLE, frame) : frame);
      // The PN532 acknowledges once the whole frame has arrived, then its 6-byte ACK travels back.
      const deadline = Date.now() + this.ackTimeoutMs + Math.ceil((frame.length + HSU_WAKEUP_PREAMBLE.length + 6) * this.byteMs);
      for (;;) {
        const ev = await this.nextEvent(deadline - Date.now());
        if (ev === null) break; // no ACK in time: resend
        if (ev.kind === 'ack') {
          acked = true;
          break;
        }
        if (ev.kind === 'error') {
          rejected = true; // frame rejected before ACK: resend
          break;
        }
        // A response or NACK here is stale (an aborted earlier command): ignore it.
      }
    }
    if (!acked && rejected) {
      throw new DeviceError('PN532_SYNTAX_ERROR', 'the PN532 rejected the command frame with the error frame', { command: hexByte(code) });
    }
    if (!acked) {
      throw new DeviceError('PN532_NO_ACK', 'the PN532 did not acknowledge the command', { command: hexByte(code), attempts: this.retries + 1 });
    }
    this.awake = true;
    // Plus the time the longest response frame (265 bytes of data) takes on the wire.
    const deadline = Date.now() + timeoutMs + Math.ceil(276 * this.byteMs);
    let nacks = 0;
    for (;;) {
      const ev = await this.nextEvent(deadline - Date.now());
      if (ev === null) {
        // Abort the command in progress (§6.2.2: an ACK from the host aborts), then report.
        await this.write(ACK_FRAME).catch(() => undefined);
        throw new TimeoutError('the PN532 did not answer in time', { command: hexByte(code), timeoutMs });
      }
      switch (ev.kind) {
        case 'info':
          if (ev.data[0] === ((code + 1) & 0xff)) return ev.data.subarray(1);
          this.log.debug('ignoring a stale response', { code: hexByte(ev.data[0] ?? 0) });
          break;
        case 'error':
          throw new DeviceError('PN532_SYNTAX_ERROR', 'the PN532 answered with the syntax error frame', { command: hexByte(code) });
        case 'format-error': {
          // Ask for the response again only when the corrupted frame looks like ours: a NACK sent
          // while the PN532 is still working would make it repeat an older response.
          const d = ev.error.details as { tfi?: number; code?: number };
          if (ev.error.code === 'PN532_BAD_DCS' && d.tfi === TFI_PN532_TO_HOST && d.code === ((code + 1) & 0xff)) {
            if (nacks >= this.retries) {
              throw new DeviceError('PN532_BAD_FRAME', 'the PN532 response kept failing its checksum', { command: hexByte(code) }, { cause: ev.error });
            }
            nacks++;
            this.stats.nacks++;
            await this.write(NACK_FRAME);
          }
          break;
        }
        default:
          break; // duplicate ACK, NACK: ignore
      }
    }
  }

  private async presence(timeoutMs = 1000): Promise<boolean> {
    // libnfc allows ~700 ms: a PN532 takes a few hundred ms to conclude that a card has gone.
    const r = await this.transact(PN532_COMMAND.Diagnose, Uint8Array.of(0x06), timeoutMs);
    if (r.length < 1) throw badResponse('Diagnose', r);
    return (r[0]! & STATUS_ERROR_MASK) === 0;
  }

  private async statusError(error: number, command: string, tg: number): Promise<KioskError> {
    const info = statusInfo(error);
    const details = { status: hexByte(error), statusName: info.name, command, tg };
    if (error === 0x2a || error === 0x2b) return new DeviceError('CARD_LOST', `the card left the field: ${info.name}`, { ...details, pn532Code: info.code });
    if (error === 0x01) {
      let present = true;
      try {
        present = await this.presence();
      } catch (e) {
        this.log.debug('presence check failed', { error: e instanceof Error ? e : String(e) });
        present = false;
      }
      if (!present) return new DeviceError('CARD_LOST', 'the card has left the field', { ...details, pn532Code: info.code });
      return new TimeoutError('the card did not answer in time', { ...details, pn532Code: info.code });
    }
    return new DeviceError(info.code, info.name, details);
  }

  private async statusErrorNoProbe(error: number, command: string): Promise<KioskError> {
    const info = statusInfo(error);
    return new DeviceError(info.code, info.name, { status: hexByte(error), statusName: info.name, command });
  }
}

function hexByte(b: number): string {
  return '0x' + b.toString(16).padStart(2, '0');
}

function badResponse(command: string, r: Uint8Array): DeviceError {
  return new DeviceError('PN532_BAD_RESPONSE', `the ${command} response is malformed`, { command, length: r.length, bytes: toHex(r.subarray(0, 32)) });
}

/** Parses the InListPassiveTarget response body (after D5 4B): NbTg then the target data (§7.3.5). */
export function parseTargets(type: 'A' | 'B', r: Uint8Array): Pn532Target[] {
  if (r.length < 1) throw badResponse('InListPassiveTarget', r);
  const nb = r[0]!;
  if (nb > 2) throw badResponse('InListPassiveTarget', r);
  const out: Pn532Target[] = [];
  let p = 1;
  const need = (n: number): void => {
    if (p + n > r.length) throw badResponse('InListPassiveTarget', r);
  };
  for (let i = 0; i < nb; i++) {
    if (type === 'A') {
      need(5);
      const tg = r[p]!;
      const sensRes = r.slice(p + 1, p + 3);
      const sak = r[p + 3]!;
      const idLen = r[p + 4]!;
      p += 5;
      if (idLen !== 4 && idLen !== 7 && idLen !== 10) throw badResponse('InListPassiveTarget', r);
      need(idLen);
      const uid = r.slice(p, p + idLen);
      p += idLen;
      let ats: Uint8Array | undefined;
      // The PN532 sends RATS itself (fAutomaticRATS) and appends the ATS when SAK says ISO/IEC 14443-4.
      if ((sak & 0x20) !== 0 && p < r.length) {
        const tl = r[p]!;
        if (tl < 1) throw badResponse('InListPassiveTarget', r);
        need(tl);
        ats = r.slice(p, p + tl);
        p += tl;
      }
      const t: Pn532TargetA = { type: 'A', tg, sensRes, atqa: (sensRes[0]! << 8) | sensRes[1]!, sak, uid, iso14443_4: (sak & 0x20) !== 0 };
      if (ats) t.ats = ats;
      out.push(t);
    } else {
      need(1 + 12 + 1);
      const tg = r[p]!;
      const atqb = r.slice(p + 1, p + 13);
      if (atqb[0] !== 0x50) throw badResponse('InListPassiveTarget', r);
      const attribLen = r[p + 13]!;
      p += 14;
      need(attribLen);
      const attribRes = r.slice(p, p + attribLen);
      p += attribLen;
      out.push({
        type: 'B',
        tg,
        atqb,
        uid: atqb.slice(1, 5),
        applicationData: atqb.slice(5, 9),
        protocolInfo: atqb.slice(9, 12),
        attribRes,
        iso14443_4: true,
      });
    }
  }
  return out;
}
