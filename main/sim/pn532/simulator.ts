/**
 * A simulated PN532 on a byte link (a pty end, or an in-memory link in unit tests), answering the
 * host as NXP UM0701-02 describes, with a SimCard (the virtual passport chip) in its RF field.
 *
 * - HSU: after power-up the PN532 is asleep; the first bytes wake it and are lost while it wakes, so
 *   the host must send the wake-up preamble (0x55 0x55 00 00 ...) before its first command.
 * - Each command frame is acknowledged (ACK frame), then answered with a response frame; an unknown
 *   command or wrong parameters get the syntax error frame. A frame with a wrong checksum is not
 *   acknowledged (the host resends it after 15 ms, §6.2.3) — or, with onBadChecksum: 'error-frame',
 *   answered with the error frame.
 * - A NACK makes it send its last response again; an ACK from the host aborts the command running
 *   (e.g. an InListPassiveTarget waiting for a card), and so does a new command.
 * - Bytes are paced at the baud rate (10 bits per byte) in both directions; ptys ignore baud rates.
 * - InDataExchange waits the card's chipTimeMs; a card lifted before or during the exchange gives
 *   status 0x01 (time out) after fRetryTimeout, as a real PN532 does; the card must then be
 *   activated again (InListPassiveTarget). Answers over 262 bytes are chained with the MI bit, and
 *   DataOut chained by the host (MI bit in Tg) is gathered before it goes to the card.
 */
import { nullLogger, type Logger } from '../../base/log.js';
import type { SimCard } from '../card.js';
import { HostFrameParser, SIM_ACK, SIM_ERROR_FRAME, responseFrame } from './wire.js';

/** The part of a ByteLink the simulator needs (main/devices/link.ts ByteLink satisfies it). */
export interface SimByteLink {
  write(data: Uint8Array): Promise<void>;
  onData(listener: (chunk: Uint8Array) => void): () => void;
  close(): Promise<void>;
  readonly isOpen?: boolean;
}

export interface Pn532Field {
  card: SimCard | null;
}

export interface Pn532SimulatorOptions {
  link: SimByteLink;
  baudRate: number;
  field: Pn532Field;
  firmware?: { ic?: number; ver?: number; rev?: number; support?: number };
  log?: Logger;
  /** What to do with a host frame whose LCS or DCS is wrong. Default 'ignore' (no ACK). */
  onBadChecksum?: 'ignore' | 'error-frame';
  /** Start awake (skip the HSU wake-up requirement). Default false. */
  startAwake?: boolean;
  /** Pace bytes at the baud rate. Default true. */
  pace?: boolean;
  /** Extra latency before the ACK, in ms (a slow module). Default 0. */
  ackDelayMs?: number;
  /**
   * Line noise: garbage bytes sent to the host before every `everyFrames`-th frame (ACK or
   * response). Default bytes: 55 AA 00 FF 03 01 FF 7E (a false start code with a bad LCS).
   */
  lineNoise?: { everyFrames: number; bytes?: Uint8Array };
}

export interface Pn532SimulatorStats {
  commands: number;
  apdus: number;
  bytesIn: number;
  bytesOut: number;
  badFrames: number;
  nacks: number;
  aborts: number;
  lostWhileAsleep: number;
  /** Garbage bytes sent as line noise. */
  noiseBytes: number;
}

export interface Pn532Simulator {
  readonly stats: Pn532SimulatorStats;
  /** Whether the PN532 is asleep (power-down / not yet woken up). */
  readonly asleep: boolean;
  /** Writes raw bytes toward the host, paced like any other output (tests: garbage on the line). */
  inject(bytes: Uint8Array): Promise<void>;
  /** Stops the simulator (does not close the link unless closeLink is set). */
  stop(opts?: { closeLink?: boolean }): Promise<void>;
}

interface ActiveTarget {
  card: SimCard;
  kind: 'A' | 'B';
  selected: boolean;
  /** The card left the field: it lost power and must be activated again. */
  lost: boolean;
  txChain: Uint8Array[];
  rxRest: Uint8Array | null;
}

const MAX_DATA = 262;
const SUPPORTED_CMD = new Set([0x00, 0x02, 0x04, 0x06, 0x08, 0x0c, 0x0e, 0x10, 0x12, 0x14, 0x16, 0x32, 0x40, 0x42, 0x44, 0x4a, 0x52, 0x54, 0x60]);
/** SetSerialBaudRate BR codes (§7.2.8). */
const HSU_BAUD = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 1288000];

class Aborted extends Error {}

export function startPn532Simulator(opts: Pn532SimulatorOptions): Pn532Simulator {
  if (!Number.isFinite(opts.baudRate) || opts.baudRate <= 0) throw new RangeError('baudRate must be positive');
  const log = opts.log ?? nullLogger;
  const link = opts.link;
  const field = opts.field;
  const pace = opts.pace !== false;
  let byteMs = 10_000 / opts.baudRate; // 10 bits per byte (start, 8 data, stop)
  let chunkBytes = Math.max(1, Math.floor(opts.baudRate / 10 / 500)); // about 2 ms of line per chunk
  const setBaud = (baud: number): void => {
    byteMs = 10_000 / baud;
    chunkBytes = Math.max(1, Math.floor(baud / 10 / 500));
  };
  /** Register space of ReadRegister/WriteRegister (CIU and SFR registers; values kept, not acted on). */
  const registers = new Map<number, number>();
  let gpio = { p3: 0xff, p7: 0xff, i0i1: 0x00 };
  const fw = { ic: 0x32, ver: 0x01, rev: 0x06, support: 0x07, ...opts.firmware };
  const parser = new HostFrameParser();
  const stats: Pn532SimulatorStats = { commands: 0, apdus: 0, bytesIn: 0, bytesOut: 0, badFrames: 0, nacks: 0, aborts: 0, lostWhileAsleep: 0, noiseBytes: 0 };

  let stopped = false;
  let pendingBaud: number | undefined;
  let asleep = opts.startAwake !== true;
  let wakeAt = 0;
  let lastResponse: Uint8Array | null = null;
  let target: ActiveTarget | null = null;
  let rfOn = true;
  let maxRetriesPassive = 0xff;
  let retryTimeoutCode = 0x0a; // fRetryTimeout default: 51.2 ms
  let lastError = 0;
  let current: AbortController | null = null;
  let work: Promise<void> = Promise.resolve();

  // ---- output, paced at the baud rate ----
  let txFreeAt = 0;
  let txChain: Promise<void> = Promise.resolve();
  /**
   * Queues bytes for the host. `notBefore` is the simulated time at which the PN532 starts sending
   * them (e.g. the end of the command frame for its ACK); timers fire late, and starting from the
   * simulated time rather than from "now" keeps the line timing exact on average.
   */
  let framesOut = 0;
  const noise = opts.lineNoise && opts.lineNoise.everyFrames > 0 ? { every: Math.floor(opts.lineNoise.everyFrames), bytes: opts.lineNoise.bytes ?? Uint8Array.of(0x55, 0xaa, 0x00, 0xff, 0x03, 0x01, 0xff, 0x7e) } : undefined;
  const send = (bytes: Uint8Array, notBefore?: number, frame = true): Promise<void> => {
    let copy: Uint8Array = Uint8Array.from(bytes);
    if (frame && noise && ++framesOut % noise.every === 0) {
      stats.noiseBytes += noise.bytes.length;
      copy = concat([noise.bytes, copy]);
    }
    txChain = txChain.then(async () => {
      if (pace) {
        // The frame's first byte goes on the line when the line is free and the PN532 is ready.
        const now = performance.now();
        txFreeAt = Math.max(txFreeAt, notBefore !== undefined ? Math.max(notBefore, now - 50) : now);
      }
      for (let off = 0; off < copy.length && !stopped; off += chunkBytes) {
        const part = copy.subarray(off, off + chunkBytes);
        if (pace) {
          // A UART sends a frame's bytes back to back: each chunk is handed over when its last
          // byte has left the line on that timeline, never earlier. A timer that fires late
          // delays this chunk only; later chunks keep to the line's timeline instead of
          // adding up every timer's lateness (which made the simulated line slower than its baud).
          txFreeAt += part.length * byteMs;
          const wait = txFreeAt - performance.now();
          if (wait > 0) await sleep(wait);
        }
        if (stopped) return;
        stats.bytesOut += part.length;
        await link.write(part).catch((e: unknown) => log.warn('write to host failed', { error: e instanceof Error ? e : String(e) }));
      }
    });
    return txChain;
  };

  // ---- input, paced at the baud rate ----
  let rxFreeAt = 0;
  let rxChain: Promise<void> = Promise.resolve();
  const unsubscribe = link.onData((chunk) => {
    if (stopped) return;
    stats.bytesIn += chunk.length;
    const copy = Uint8Array.from(chunk);
    const now = performance.now();
    rxFreeAt = pace ? Math.max(rxFreeAt, now) + copy.length * byteMs : now;
    const due = rxFreeAt;
    rxChain = rxChain.then(async () => {
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait); // the frame is complete only once its last byte is in
      if (!stopped) receive(copy, due);
    });
  });

  function receive(bytes: Uint8Array, endTime: number): void {
    let data = bytes;
    if (asleep) {
      // The first byte starts the wake-up; bytes arriving in the next ~8 byte times are lost.
      const firstArrival = endTime - (bytes.length - 1) * byteMs;
      if (wakeAt === 0) wakeAt = firstArrival + 8 * Math.max(byteMs, 0.05);
      let i = 0;
      while (i < bytes.length && endTime - (bytes.length - 1 - i) * byteMs < wakeAt) i++;
      stats.lostWhileAsleep += i;
      if (i >= bytes.length) return;
      asleep = false;
      wakeAt = 0;
      log.debug('woken up');
      data = bytes.subarray(i);
    }
    for (const f of parser.feed(data)) {
      switch (f.type) {
        case 'ack':
          if (pendingBaud !== undefined && !current) {
            setBaud(pendingBaud);
            log.debug('serial baud rate changed', { baudRate: pendingBaud });
            pendingBaud = undefined;
            break;
          }
          if (current) {
            stats.aborts++;
            current.abort();
          }
          break;
        case 'nack':
          stats.nacks++;
          if (lastResponse) void send(lastResponse);
          break;
        case 'bad-frame':
          stats.badFrames++;
          log.debug('bad frame from the host', { reason: f.reason });
          if (opts.onBadChecksum === 'error-frame') void send(SIM_ERROR_FRAME);
          break;
        case 'command':
          if (f.tfi !== 0xd4 || f.data.length < 1) {
            stats.badFrames++;
            break;
          }
          onCommand(f.data, endTime);
          break;
      }
    }
  }

  function onCommand(data: Uint8Array, due: number): void {
    // A new command aborts the one in progress.
    if (current) {
      stats.aborts++;
      current.abort();
    }
    const ac = new AbortController();
    current = ac;
    stats.commands++;
    const ackDelay = opts.ackDelayMs ?? 0;
    const ackSent = ackDelay > 0 ? sleep(ackDelay).then(() => send(SIM_ACK)) : send(SIM_ACK, due);
    const prev = work;
    work = (async () => {
      await prev;
      await ackSent;
      try {
        const code = data[0]!;
        vt = Math.max(due + ackDelay, performance.now() - 50);
        const body = await execute(code, data.subarray(1), ac.signal);
        if (ac.signal.aborted) return;
        if (current === ac) current = null; // done: an ACK or a command from now on aborts nothing
        const frame = body === 'syntax-error' ? SIM_ERROR_FRAME : responseFrame(code + 1, body);
        lastResponse = frame;
        await send(frame, vt);
        if (code === 0x16 && body !== 'syntax-error') asleep = true; // PowerDown: asleep after answering
      } catch (e) {
        if (!(e instanceof Aborted)) log.error('simulator command failed', { error: e instanceof Error ? e : String(e) });
      } finally {
        if (current === ac) current = null;
      }
    })();
  }

  /** Simulated time of the command being processed (see send). */
  let vt = 0;
  /** Waits `ms` of simulated time: until vt + ms, however late the previous timer fired. */
  const pause = async (ms: number, signal: AbortSignal): Promise<void> => {
    vt += ms;
    const wait = vt - performance.now();
    if (wait >= 1) await abortableSleep(wait, signal);
    else if (signal.aborted) throw new Aborted();
  };

  const retryTimeoutMs = (): number => (retryTimeoutCode === 0 ? 0 : 0.1 * 2 ** (retryTimeoutCode - 1));

  const dropTarget = (): void => {
    if (target) {
      try {
        target.card.reset();
      } catch {}
    }
    target = null;
  };

  async function execute(code: number, p: Uint8Array, signal: AbortSignal): Promise<Uint8Array | 'syntax-error'> {
    if (!SUPPORTED_CMD.has(code)) return 'syntax-error';
    switch (code) {
      case 0x00: {
        // Diagnose. NumTst 0x06: ISO/IEC 14443-4 card presence detection → Status.
        // NumTst 0x00: communication line test, the data comes back.
        if (p[0] === 0x00) return concat([Uint8Array.of(0x00), p.subarray(1)]);
        if (p[0] !== 0x06) return 'syntax-error';
        if (target && !target.lost && target.selected && cardHere(target.card)) return Uint8Array.of(0x00);
        markLost();
        await pause(Math.max(retryTimeoutMs(), 1), signal);
        return Uint8Array.of(0x01);
      }
      case 0x02:
        return Uint8Array.of(fw.ic, fw.ver, fw.rev, fw.support);
      case 0x04: {
        // GetGeneralStatus: Err, Field, NbTg, [Tg BrRx BrTx Type], SAM status.
        const t = target && !target.lost ? [0x01, 0x00, 0x00, 0x00] : [];
        return Uint8Array.of(lastError, rfOn ? 1 : 0, t.length > 0 ? 1 : 0, ...t, 0x00);
      }
      case 0x06: {
        // ReadRegister: ADRH ADRL pairs → the values (a PN532 sends no status byte here).
        if (p.length < 2 || p.length % 2 !== 0) return 'syntax-error';
        const out = new Uint8Array(p.length / 2);
        for (let i = 0; i < out.length; i++) out[i] = registers.get((p[2 * i]! << 8) | p[2 * i + 1]!) ?? 0x00;
        return out;
      }
      case 0x08: {
        // WriteRegister: ADRH ADRL VAL triples.
        if (p.length < 3 || p.length % 3 !== 0) return 'syntax-error';
        for (let i = 0; i < p.length; i += 3) registers.set((p[i]! << 8) | p[i + 1]!, p[i + 2]!);
        return new Uint8Array(0);
      }
      case 0x0c:
        return Uint8Array.of(gpio.p3, gpio.p7, gpio.i0i1);
      case 0x0e: {
        if (p.length !== 2) return 'syntax-error';
        if (p[0]! & 0x80) gpio = { ...gpio, p3: p[0]! & 0x3f };
        if (p[1]! & 0x80) gpio = { ...gpio, p7: p[1]! & 0x06 };
        return new Uint8Array(0);
      }
      case 0x10: {
        // SetSerialBaudRate: answered at the old rate; the new rate applies after the host's ACK.
        const br = p[0];
        if (p.length !== 1 || br === undefined || br >= HSU_BAUD.length) return 'syntax-error';
        pendingBaud = HSU_BAUD[br]!;
        return new Uint8Array(0);
      }
      case 0x12:
        return p.length === 1 ? new Uint8Array(0) : 'syntax-error';
      case 0x14: {
        const mode = p[0];
        if (mode === undefined || mode < 1 || mode > 4 || p.length > 3) return 'syntax-error';
        return new Uint8Array(0);
      }
      case 0x16:
        if (p.length < 1) return 'syntax-error';
        dropTarget();
        return Uint8Array.of(0x00);
      case 0x32:
        return rfConfiguration(p);
      case 0x4a:
        return inListPassiveTarget(p, signal);
      case 0x40:
        return inDataExchange(p, signal);
      case 0x42:
        // InCommunicateThru: raw frames (other card families' commands, e.g. SRx or ISO 14443B'
        // probes of generic host software). The eMRTD chip does not answer raw frames: time out.
        await pause(Math.max(retryTimeoutMs(), 1), signal);
        return status(0x01);
      case 0x60:
        return inAutoPoll(p, signal);
      case 0x44: {
        if (p.length !== 1) return 'syntax-error';
        if (!target || (p[0] !== 0 && p[0] !== 1)) return status(0x27);
        try {
          target.card.reset();
        } catch {}
        target.selected = false;
        return status(0x00);
      }
      case 0x52: {
        if (p.length !== 1) return 'syntax-error';
        if (p[0] === 0) {
          dropTarget();
          return status(0x00);
        }
        if (p[0] !== 1 || !target) return status(0x27);
        dropTarget();
        return status(0x00);
      }
      case 0x54: {
        if (p.length !== 1) return 'syntax-error';
        if (!target || p[0] !== 1) return status(0x27);
        if (target.lost || !cardHere(target.card)) {
          markLost();
          await pause(Math.max(retryTimeoutMs(), 1), signal);
          return status(0x01);
        }
        target.card.reset();
        target.selected = true;
        return status(0x00);
      }
    }
    return 'syntax-error';
  }

  function status(s: number): Uint8Array {
    lastError = s & 0x3f;
    return Uint8Array.of(s);
  }

  function cardHere(card: SimCard): boolean {
    return rfOn && field.card === card && safePresent(card);
  }

  function markLost(): void {
    if (target && !target.lost) {
      target.lost = true;
      try {
        target.card.reset(); // it lost power
      } catch {}
      log.debug('card left the field');
    }
  }

  function rfConfiguration(p: Uint8Array): Uint8Array | 'syntax-error' {
    const item = p[0];
    const d = p.subarray(1);
    const expected: Record<number, number> = { 0x01: 1, 0x02: 3, 0x04: 1, 0x05: 3, 0x0a: 11, 0x0b: 8, 0x0c: 3, 0x0d: 9 };
    if (item === undefined || expected[item] === undefined || d.length !== expected[item]) return 'syntax-error';
    if (item === 0x01) {
      rfOn = (d[0]! & 0x01) !== 0;
      if (!rfOn) dropTarget();
    } else if (item === 0x02) {
      retryTimeoutCode = Math.min(d[2]!, 0x10);
    } else if (item === 0x05) {
      maxRetriesPassive = d[2]!;
    }
    return new Uint8Array(0);
  }

  async function inListPassiveTarget(p: Uint8Array, signal: AbortSignal): Promise<Uint8Array | 'syntax-error'> {
    const maxTg = p[0];
    const brTy = p[1];
    if (maxTg === undefined || brTy === undefined || maxTg < 1 || maxTg > 2) return 'syntax-error';
    let kind: 'A' | 'B' | null;
    let afi = 0;
    if (brTy === 0x00) kind = 'A';
    else if (brTy === 0x03) {
      if (p.length < 3) return 'syntax-error';
      kind = 'B';
      afi = p[2]!;
    } else if (brTy === 0x01 || brTy === 0x02) {
      if (p.length < 7) return 'syntax-error';
      kind = null; // FeliCa: none in this field
    } else if (brTy === 0x04) kind = null; // Jewel
    else return 'syntax-error';
    dropTarget();
    if (!rfOn) rfOn = true;
    const attemptMs = kind === 'B' ? 5 : 3;
    for (let attempt = 0; ; attempt++) {
      const card = field.card;
      if (kind && card && card.kind === kind && safePresent(card) && (kind === 'A' || afiMatches(afi, card))) {
        try {
          card.reset();
        } catch {}
        target = { card, kind, selected: true, lost: false, txChain: [], rxRest: null };
        return kind === 'A' ? targetDataA(card) : targetDataB(card);
      }
      if (maxRetriesPassive !== 0xff && attempt >= maxRetriesPassive) break;
      await pause(maxRetriesPassive === 0xff ? 20 : attemptMs, signal);
    }
    return Uint8Array.of(0x00);
  }

  /** InAutoPoll (§7.3.13): PollNr (0xFF = endless), Period (× 150 ms), Type1..TypeN. */
  async function inAutoPoll(p: Uint8Array, signal: AbortSignal): Promise<Uint8Array | 'syntax-error'> {
    const pollNr = p[0];
    const period = p[1];
    const types = p.subarray(2);
    if (pollNr === undefined || period === undefined || period < 1 || period > 0x0f || types.length < 1 || types.length > 15) return 'syntax-error';
    const typeA = new Set([0x00, 0x10, 0x20]);
    const typeB = new Set([0x03, 0x23]);
    for (let n = 0; pollNr === 0xff || n < pollNr; n++) {
      for (const type of types) {
        const card = field.card;
        const kind = typeA.has(type) ? 'A' : typeB.has(type) ? 'B' : null;
        if (kind && card && card.kind === kind && safePresent(card)) {
          dropTarget();
          try {
            card.reset();
          } catch {}
          target = { card, kind, selected: true, lost: false, txChain: [], rxRest: null };
          const data = kind === 'A' ? targetDataA(card) : targetDataB(card);
          const tgData = data.subarray(1); // without NbTg
          return concat([Uint8Array.of(0x01, type, tgData.length), tgData]);
        }
      }
      await pause(period * 150, signal);
    }
    return Uint8Array.of(0x00);
  }

  async function inDataExchange(p: Uint8Array, signal: AbortSignal): Promise<Uint8Array | 'syntax-error'> {
    const tgByte = p[0];
    if (tgByte === undefined) return 'syntax-error';
    const tg = tgByte & 0x3f;
    const mi = (tgByte & 0x40) !== 0;
    const dataOut = p.subarray(1);
    if (dataOut.length > MAX_DATA) return status(0x07);
    const t = target;
    if (!t || tg !== 1 || !t.selected) return status(0x27);
    if (t.lost || !cardHere(t.card)) {
      markLost();
      await pause(Math.max(retryTimeoutMs(), 1), signal);
      return status(0x01);
    }
    // The rest of a chained answer (the host sends Tg alone).
    if (t.rxRest && !mi && dataOut.length === 0) {
      return nextAnswerPart(t);
    }
    t.rxRest = null;
    if (mi) {
      t.txChain.push(Uint8Array.from(dataOut));
      const total = t.txChain.reduce((n, c) => n + c.length, 0);
      if (total > 65544 + MAX_DATA) {
        t.txChain = [];
        return status(0x07);
      }
      return status(0x00);
    }
    const apdu = concat([...t.txChain, dataOut]);
    t.txChain = [];
    stats.apdus++;
    let response: Uint8Array;
    let chipTimeMs: number;
    try {
      const r = t.card.transceive(apdu);
      response = r.response;
      chipTimeMs = r.chipTimeMs;
    } catch (e) {
      // A card that fails mid-command (e.g. lifted) does not answer: the PN532 times out.
      log.debug('card did not answer', { error: e instanceof Error ? e : String(e) });
      markLost();
      await pause(Math.max(retryTimeoutMs(), 1), signal);
      return status(0x01);
    }
    if (chipTimeMs > 0) await pause(chipTimeMs, signal);
    if (!cardHere(t.card)) {
      // Lifted while the chip was working: the answer never reaches the PN532.
      markLost();
      await pause(Math.max(retryTimeoutMs(), 1), signal);
      return status(0x01);
    }
    t.rxRest = Uint8Array.from(response);
    return nextAnswerPart(t);
  }

  function nextAnswerPart(t: ActiveTarget): Uint8Array {
    const rest = t.rxRest ?? new Uint8Array(0);
    if (rest.length > MAX_DATA) {
      t.rxRest = rest.subarray(MAX_DATA);
      lastError = 0;
      return concat([Uint8Array.of(0x40), rest.subarray(0, MAX_DATA)]);
    }
    t.rxRest = null;
    lastError = 0;
    return concat([Uint8Array.of(0x00), rest]);
  }

  return {
    stats,
    get asleep() {
      return asleep;
    },
    inject(bytes: Uint8Array) {
      return send(bytes, undefined, false);
    },
    async stop(o = {}) {
      if (stopped) return;
      current?.abort();
      await txChain.catch(() => undefined);
      stopped = true;
      unsubscribe();
      if (o.closeLink) await link.close().catch(() => undefined);
    },
  };
}

function safePresent(card: SimCard): boolean {
  try {
    return card.present();
  } catch {
    return false;
  }
}

/** Type A target data: Tg, SENS_RES (MSB first, as the PN532 reports it), SEL_RES, NFCIDLength, NFCID1, ATS. */
function targetDataA(card: SimCard): Uint8Array {
  const atqaAir = card.atqa ?? Uint8Array.of(0x08, 0x00); // on the air LSB first
  const sensRes = [atqaAir[1] ?? 0x00, atqaAir[0] ?? 0x00];
  const sak = card.sak ?? 0x20;
  const parts: number[] = [0x01, 0x01, ...sensRes, sak, card.uid.length, ...card.uid];
  if ((sak & 0x20) !== 0) {
    const ats = card.ats ?? Uint8Array.of(0x05, 0x78, 0x80, 0x70, 0x02);
    parts.push(...ats);
  }
  return Uint8Array.from(parts);
}

/** Type B target data: Tg, ATQB (12 bytes from 0x50), ATTRIB_RES length, ATTRIB_RES. */
function targetDataB(card: SimCard): Uint8Array {
  let atqb = card.atqb ?? concat([Uint8Array.of(0x50), card.uid.subarray(0, 4), Uint8Array.of(0, 0, 0, 0, 0x00, 0x81, 0x81)]);
  if (atqb[0] !== 0x50) atqb = concat([Uint8Array.of(0x50), atqb]);
  const fixed = new Uint8Array(12);
  fixed.set(atqb.subarray(0, 12));
  const attrib = card.attribRes ?? Uint8Array.of(0x00);
  return concat([Uint8Array.of(0x01, 0x01), fixed, Uint8Array.of(attrib.length), attrib]);
}

/** AFI matching per ISO/IEC 14443-3 (0x00 = all; high nibble family, low nibble sub-family, 0 = any). */
function afiMatches(afi: number, card: SimCard): boolean {
  if (afi === 0) return true;
  const cardAfi = card.atqb?.[card.atqb[0] === 0x50 ? 5 : 4] ?? 0;
  if (cardAfi === 0) return true;
  const hi = afi >> 4;
  const lo = afi & 0x0f;
  if (hi !== 0 && hi !== cardAfi >> 4) return false;
  if (lo !== 0 && lo !== (cardAfi & 0x0f)) return false;
  return true;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Aborted());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort(): void {
      clearTimeout(timer);
      reject(new Aborted());
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
