/**
 * An APDU transport over a PN532: it matches main/emrtd/transport.ts ApduTransport structurally
 * (devices never import emrtd).
 *
 * maxLe — why 223 (0xDF) by default:
 * The PN532 carries at most 262 bytes of card answer per InDataExchange (§7.3.8) and sends answers
 * of up to 252 bytes (D5 41 Status + 252 = LEN 255) in a normal information frame. Under ICAO 9303
 * secure messaging, a READ BINARY answer with Le = n plaintext bytes becomes
 *   DO87: 87 L(2 bytes: 81 xx) 01 + padded cryptogram  -> 4 + pad(n + 1)
 *   DO99: 99 02 SW1 SW2                                   -> 4
 *   DO8E: 8E 08 MAC                                       -> 10
 *   SW1 SW2                                               -> 2
 * where pad() rounds up to the cipher block: 16 bytes for AES, 8 for 3DES.
 * n = 223 gives pad(224) = 224 for both, so 244 bytes: the answer fits one normal frame with
 * either cipher, and every chip answer stays far below the 262-byte buffer, so no MI chaining is
 * needed for reads. The largest n within 262 bytes is 239 (pad 240 → 260 bytes; AES and 3DES),
 * which takes extended frames; pass `maxLe: 239` to use it.
 *
 * Extended length (`extendedLength`): answers over 262 bytes come back through MI chaining
 * (UM0701-02 §7.3.8). Default 'auto': used only when the card declares extended Lc/Le in the
 * card capabilities of its ATS historical bytes (ISO/IEC 7816-4 §12.1.1.9, third software
 * function table, b7), never for type B cards (no ATS). Not every PN532 clone chains reliably
 * and not every chip keeps its word, so the transport falls back to short APDUs by itself:
 * for the card, when it answers an extended APDU with a plain 6700; for the module, when an
 * extended exchange fails at the PN532 level (an error status, a bad frame, a timeout). The
 * failed APDU's error is passed on; the reader recovers (re-authenticates) and goes on with
 * short reads (SmChannel lowers READ BINARY Ne to a short answer when extendedLength is false).
 *
 * Why extended length is much faster where the chip and the module support it: with short
 * APDUs every 223 bytes of file cost a ~29-byte command frame, the 6-byte ACK, 21 bytes of
 * secure-messaging objects, 10 bytes of response frame and the chip's per-APDU time (~5 ms,
 * i.e. ~55 byte times at 115200 baud), so the read takes at least ~1.55 × the payload's wire
 * time. With one extended READ BINARY per file, the per-APDU costs are paid once per file and
 * what remains is the PN532's 262-byte buffer: each further part of the answer costs a 10-byte
 * InDataExchange (Tg only), the ACK and a 13-byte extended response frame (~11 %).
 * While extended lengths are in use the default maxLe is 65536 (Le 0000: the rest of the file).
 */
import { DeviceError, KioskError, TimeoutError, UsageError } from '../../base/errors.js';
import { nullLogger, type Logger } from '../../base/log.js';
import type { Pn532, Pn532Target } from './driver.js';

export const DEFAULT_MAX_LE = 0xdf;
/** The default maxLe with `extendedLength: true`: Ne 65536 (extended Le 0000). */
export const DEFAULT_EXTENDED_MAX_LE = 0x10000;
/** The largest Le whose secure-messaging answer (AES or 3DES) fits the PN532's 262-byte buffer. */
export const MAX_LE_WITHIN_BUFFER = 0xef;

export interface Pn532CardTransportOptions {
  pn532: Pn532;
  /** Card types to poll for, in order. Default ['A', 'B'] (passports are either). */
  types?: Array<'A' | 'B'>;
  /** AFI for type B polling. Default 0x00 (all families). */
  afi?: number;
  /**
   * Default 0xDF (223), or 65536 while extended lengths are in use; see the header comment.
   * A value over 256 applies only while extended lengths are in use (223 otherwise).
   */
  maxLe?: number;
  /**
   * Extended-length APDUs (Le over 256), the answers coming back through MI chaining: true
   * (always, until a failure makes the transport fall back), false (never), or 'auto' (when the
   * card's ATS declares them). Default 'auto'.
   */
  extendedLength?: boolean | 'auto';
  /** Time for one APDU exchange. Default: the driver's exchangeTimeoutMs. */
  exchangeTimeoutMs?: number;
  /** Pause between polls while waiting for a card. Default 100 ms. */
  pollIntervalMs?: number;
  log?: Logger;
}

export class Pn532CardTransport {
  private readonly extendedMode: boolean | 'auto';
  private readonly fixedMaxLe: number | undefined;
  /** The card refused an extended APDU (6700): short APDUs until another card is activated. */
  private cardRefusedExtended = false;
  /** An extended exchange failed at the PN532 level: short APDUs from now on with this module. */
  private moduleFailedExtended = false;
  private readonly pn532: Pn532;
  private readonly types: Array<'A' | 'B'>;
  private readonly afi: number;
  private readonly exchangeTimeoutMs: number | undefined;
  private readonly pollIntervalMs: number;
  private readonly log: Logger;
  private current: Pn532Target | null = null;
  private lost = false;

  constructor(opts: Pn532CardTransportOptions) {
    this.pn532 = opts.pn532;
    this.types = opts.types ?? ['A', 'B'];
    this.afi = opts.afi ?? 0x00;
    this.extendedMode = opts.extendedLength ?? 'auto';
    const maxLe = opts.maxLe;
    if (maxLe !== undefined && (!Number.isInteger(maxLe) || maxLe < 1 || maxLe > 0x10000 || (maxLe > 256 && this.extendedMode === false))) {
      throw new UsageError('PN532_BAD_OPTIONS', 'maxLe must be 1..256 (up to 65536 with extended lengths)', { maxLe });
    }
    this.fixedMaxLe = maxLe;
    this.exchangeTimeoutMs = opts.exchangeTimeoutMs;
    this.pollIntervalMs = opts.pollIntervalMs ?? 100;
    this.log = opts.log ?? nullLogger;
  }

  /**
   * ApduTransport.extendedLength: whether extended-length APDUs are in use now (see the header
   * comment: the mode, the card's ATS, and the fall-backs after failures).
   */
  get extendedLength(): boolean {
    if (this.extendedMode === false || this.moduleFailedExtended || this.cardRefusedExtended) return false;
    if (this.extendedMode === true) return true;
    return this.current !== null && declaresExtendedLength(this.current);
  }

  /** ApduTransport.maxLe: the largest Le to ask for now. */
  get maxLe(): number {
    const ext = this.extendedLength;
    if (this.fixedMaxLe !== undefined) return this.fixedMaxLe <= 256 || ext ? this.fixedMaxLe : DEFAULT_MAX_LE;
    return ext ? DEFAULT_EXTENDED_MAX_LE : DEFAULT_MAX_LE;
  }

  /** The activated card, or null. */
  get target(): Pn532Target | null {
    return this.current;
  }

  /** Polls once for each configured type; activates and returns the first card found, or null. */
  async poll(): Promise<Pn532Target | null> {
    for (const type of this.types) {
      const found = await this.pn532.inListPassiveTarget(type, { afi: this.afi });
      const t = found[0];
      if (t && t.iso14443_4) {
        this.current = t;
        this.lost = false;
        this.cardRefusedExtended = false;
        return t;
      }
      if (t) {
        // Not an ISO/IEC 14443-4 card (e.g. a Mifare Classic): it cannot carry APDUs.
        this.log.info('ignoring a card that does not speak ISO/IEC 14443-4', { type, sak: t.type === 'A' ? t.sak : undefined });
        await this.pn532.inRelease(0).catch(() => undefined);
      }
    }
    return null;
  }

  /**
   * Waits until a card is in the field and activates it. Rejects with TimeoutError ('TIMEOUT')
   * when none came within timeoutMs, or with the signal's reason (a KioskError 'ABORTED').
   */
  async connect(opts: { timeoutMs: number; signal?: AbortSignal }): Promise<Pn532Target> {
    const end = Date.now() + opts.timeoutMs;
    for (;;) {
      if (opts.signal?.aborted) throw new KioskError('ABORTED', 'waiting for a card was cancelled');
      const t = await this.poll();
      if (t) return t;
      const left = end - Date.now();
      if (left <= 0) throw new TimeoutError('no card came into the field', { timeoutMs: opts.timeoutMs });
      await sleep(Math.min(this.pollIntervalMs, left), opts.signal);
    }
  }

  /** ApduTransport.reconnect: after CARD_LOST, waits for the card to come back and activates it. */
  async reconnect(opts: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
    this.current = null;
    await this.pn532.inRelease(0).catch(() => undefined);
    await this.connect(opts);
  }

  /** ApduTransport.transmit: one command APDU → the response APDU (data + SW1 SW2). */
  async transmit(command: Uint8Array): Promise<Uint8Array> {
    const t = this.current;
    if (!t) {
      throw new DeviceError(this.lost ? 'CARD_LOST' : 'NO_CARD', this.lost ? 'the card has left the field' : 'no card is activated');
    }
    const extended = isExtendedLengthApdu(command);
    try {
      const r = await this.pn532.inDataExchange(t.tg, command, this.exchangeTimeoutMs === undefined ? {} : { timeoutMs: this.exchangeTimeoutMs });
      if (r.length < 2) throw new DeviceError('PN532_BAD_RESPONSE', 'the card answer is shorter than a status word', { length: r.length });
      if (extended && r.length === 2 && r[0] === 0x67 && r[1] === 0x00 && !this.cardRefusedExtended) {
        this.cardRefusedExtended = true;
        this.log.warn('the card refused an extended-length APDU (6700): short APDUs for this card');
      }
      return r;
    } catch (e) {
      if (e instanceof KioskError && e.code === 'CARD_LOST') {
        this.current = null;
        this.lost = true;
      } else if (extended && (e instanceof DeviceError || e instanceof TimeoutError) && !this.moduleFailedExtended) {
        this.moduleFailedExtended = true;
        this.log.warn('an extended-length exchange failed: short APDUs from now on', { code: e.code });
      }
      throw e;
    }
  }

  /** Releases the card (InRelease): the chip drops its session. */
  async release(): Promise<void> {
    this.current = null;
    await this.pn532.inRelease(0);
  }
}

/** Whether a command APDU uses the extended length encoding (ISO/IEC 7816-4 §5.1: a 00 byte after P2, then 2-byte fields). */
export function isExtendedLengthApdu(command: Uint8Array): boolean {
  return command.length >= 7 && command[4] === 0x00;
}

/**
 * Whether the card declares extended Lc and Le fields in the card capabilities (compact-TLV tag 7,
 * third software function table, bit b7) of its ATS historical bytes (ISO/IEC 7816-4 §12.1.1.9).
 */
export function declaresExtendedLength(target: Pn532Target): boolean {
  if (target.type !== 'A' || !target.ats || target.ats.length < 2) return false;
  const ats = target.ats;
  const tl = Math.min(ats[0]!, ats.length);
  const t0 = ats[1]!;
  let p = 2 + ((t0 & 0x10) !== 0 ? 1 : 0) + ((t0 & 0x20) !== 0 ? 1 : 0) + ((t0 & 0x40) !== 0 ? 1 : 0);
  if (p >= tl) return false;
  const category = ats[p++]!;
  // Category 0x80: compact-TLV objects to the end; 0x00: compact-TLV objects then 3 status bytes.
  let end = tl;
  if (category === 0x00) end = tl - 3;
  else if (category !== 0x80) return false;
  while (p < end) {
    const tag = ats[p]! >> 4;
    const len = ats[p]! & 0x0f;
    p++;
    if (p + len > end) return false;
    if (tag === 0x7 && len >= 3) return (ats[p + 2]! & 0x40) !== 0;
    p += len;
  }
  return false;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort(): void {
      clearTimeout(timer);
      reject(new KioskError('ABORTED', 'waiting for a card was cancelled'));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
