import { concatBytes } from '../base/bytes.js';
import { DeviceError, FormatError, KioskError, TimeoutError, UsageError } from '../base/errors.js';
import { nullLogger, type Logger } from '../base/log.js';
import { readTlvHeader } from '../base/tlv.js';
import { Cmd, encodeCommandApdu, parseResponseApdu, swHex, StatusWordError } from './apdu.js';
import { fileByName, type LdsFileName } from './lds/files.js';
import { parseEfCom, type EfCom } from './lds/com.js';
import { parseDg1, type Dg1 } from './lds/dg1.js';
import { parseDg2, type Dg2, type FaceImage } from './lds/dg2.js';
import { parseDg11, parseDg12, type Dg11, type Dg12 } from './lds/dg11-12.js';
import { parseDg14, parseDg15, type Dg14, type Dg15 } from './lds/dg14-15.js';
import { SecureMessagingError } from './sm/errors.js';
import type { SecureChannel } from './sm/channel.js';
import type { ApduTransport } from './transport.js';
import { establishAccess, type AccessKey, type AccessOptions, type AccessResult } from './access.js';

/**
 * Reading the chip (ICAO 9303-10/11): access control, then the LDS files in the order that
 * matters at a kiosk (EF.COM, DG1 and EF.SOD before the slow DG2), with READ BINARY chunk sizes
 * chosen by an Le ladder, progress events per chunk, and resumption from the last offset when the
 * passport is lifted and put back.
 */
type AccessFn = (transport: ApduTransport, key: AccessKey, opts: AccessOptions) => Promise<AccessResult>;

export type { AccessKey, AccessResult };

export type ReadableFile = 'COM' | 'DG1' | 'DG2' | 'DG11' | 'DG12' | 'DG14' | 'DG15' | 'SOD';

/** Reading order: DG1 and SOD first (the kiosk can start checks), then the large DG2. */
export const READ_ORDER: readonly ReadableFile[] = ['COM', 'DG1', 'SOD', 'DG2', 'DG11', 'DG12', 'DG14', 'DG15'];

/** Le values tried in turn when the chip or the link refuses a read size (gmrtd-style ladder). */
export const LE_LADDER: readonly number[] = [231, 224, 192, 160, 128, 96, 64, 32, 16];

export interface ReadProgress {
  file: ReadableFile;
  /** Bytes of this file read so far. */
  bytesRead: number;
  /** This file's size (from its TLV header). */
  totalBytes: number;
  overall: {
    /** Bytes read of all files so far. */
    bytesRead: number;
    /** Sizes of the files whose header is known so far (grows as files are started). */
    totalBytesKnown: number;
    filesDone: number;
    filesPlanned: number;
    /** 0..1 for a progress bar: files done plus the current file's share, over the files planned. */
    fraction: number;
  };
}

export interface ReadOptions {
  /** Files wanted; default all of READ_ORDER. DG11/DG12/DG14/DG15 are read only when EF.COM lists them. */
  files?: readonly ReadableFile[];
  onProgress?: (p: ReadProgress) => void;
  /** Resume after the chip is lost: how long to wait for it to come back (default 15 s). `false`: never resume. */
  resume?: { timeoutMs: number; maxAttempts?: number } | false;
  signal?: AbortSignal;
  log?: Logger;
  /** Access control; default establishAccess from ./access.js (injectable for tests). */
  access?: AccessFn;
  /** Passed to access control (e.g. preferBac). */
  accessOptions?: Omit<AccessOptions, 'log'>;
  /** Starting Le; default transport.maxLe. */
  initialLe?: number;
  /**
   * Called once, after the first access control and before the files are read: Chip
   * Authentication hooks in here (read DG14 with session.readFile, then switch the channel's keys).
   */
  afterAccess?: (session: ReadSession) => Promise<void>;
}

/** What a reader hands to later protocols (Active and Chip Authentication) to keep talking. */
export interface ReadSession {
  access: AccessResult;
  /** The current secure channel (replaced after a resume). */
  readonly channel: SecureChannel;
  files: Partial<Record<LdsFileName, Uint8Array>>;
  /**
   * Reads one file with the reader's machinery (Le ladder, resume). The bytes are kept: the
   * main read does not read the file again. Resolves with a FileFailure when the file is absent or
   * protected.
   */
  readFile(name: ReadableFile): Promise<Uint8Array | FileFailure>;
}

export interface FileFailure {
  code: string;
  message: string;
  sw?: string;
}

export interface ReadResult {
  accessControl: {
    protocol: 'PACE' | 'BAC';
    status: 'success';
    /** How many times access control ran (1 + resumes). */
    runs: number;
    /** EF.CardAccess as read (PACE only). */
    cardAccess?: Uint8Array;
  };
  /** Raw files as read (whole TLV, tag included). Personal data: never log. */
  files: Partial<Record<ReadableFile, Uint8Array>>;
  /** Files that could not be read: not present (FILE_NOT_FOUND), access denied (e.g. EAC), ... */
  fileFailures: Partial<Record<ReadableFile, FileFailure>>;
  /** Parsed files; a file that does not parse is in parseErrors instead. */
  com?: EfCom;
  dg1?: Dg1;
  dg2?: Dg2;
  dg11?: Dg11;
  dg12?: Dg12;
  dg14?: Dg14;
  dg15?: Dg15;
  parseErrors: Partial<Record<ReadableFile, FileFailure>>;
  /** The first face of DG2, if any. */
  face?: FaceImage;
  /** Times the chip was lost (or secure messaging broke) and reading resumed from the last offset. */
  resumes: number;
  /** The Le the ladder settled on. */
  le: number;
  /** For Active/Chip Authentication after reading. */
  session: ReadSession;
  timings: { totalMs: number; accessControlMs: number; perFileMs: Partial<Record<ReadableFile, number>> };
}

/** A read error that resuming can fix (chip lost, timed out, secure messaging broken). */
function isRecoverable(e: unknown): boolean {
  if (e instanceof TimeoutError) return true;
  if (e instanceof SecureMessagingError) return true;
  if (e instanceof DeviceError) return true;
  return false;
}

function isCardLost(e: unknown): boolean {
  return e instanceof TimeoutError || (e instanceof DeviceError && (e.code === 'CARD_LOST' || e.code === 'TIMEOUT' || e.code === 'NO_CARD'));
}

/** Internal: the chip did not come back in time (its cause is what gets thrown). */
class ResumeFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('resume failed');
  }
}

function nextLower(le: number): number | undefined {
  return LE_LADDER.find((x) => x < le);
}

class Reader {
  private access: AccessResult | undefined;
  private channel!: SecureChannel;
  le: number;
  resumes = 0;
  accessRuns = 0;
  accessMs = 0;
  private readonly log: Logger;
  private readonly files: Partial<Record<LdsFileName, Uint8Array>> = {};
  overallRead = 0;
  overallKnown = 0;
  filesDone = 0;
  filesPlanned = 0;
  /** The last READ BINARY ended with 6282 (end of file). */
  private eof = false;

  constructor(
    private readonly transport: ApduTransport,
    private readonly key: AccessKey,
    private readonly opts: ReadOptions,
  ) {
    this.log = opts.log ?? nullLogger;
    const start = opts.initialLe ?? transport.maxLe;
    if (!Number.isInteger(start) || start < 1) throw new UsageError('BAD_LE', 'maxLe must be a positive whole number');
    this.le = start;
  }

  readonly session: ReadSession = ((): ReadSession => {
    const getAccess = (): AccessResult => this.access!;
    const getChannel = (): SecureChannel => this.channel;
    const readFile = async (name: ReadableFile): Promise<Uint8Array | FileFailure> => {
      const have = this.files[name];
      if (have) return have;
      const got = await this.readFile(name);
      if (got instanceof Uint8Array) this.files[name] = got;
      return got;
    };
    return {
      readFile,
      get access() {
        return getAccess();
      },
      get channel() {
        return getChannel();
      },
      files: this.files,
    };
  })();

  private checkAbort(): void {
    if (this.opts.signal?.aborted) throw new KioskError('ABORTED', 'reading was cancelled');
  }

  async authenticate(): Promise<void> {
    this.checkAbort();
    const t0 = performance.now();
    const fn = this.opts.access ?? establishAccess;
    try {
      // On a resume, EF.CardAccess is not read again.
      const cardAccess = this.access?.cardAccess;
      this.access = await fn(this.transport, this.key, { ...this.opts.accessOptions, log: this.log, ...(cardAccess ? { cardAccess } : {}) });
    } finally {
      this.accessMs += performance.now() - t0;
      this.accessRuns++;
    }
    this.channel = this.access.channel;
  }

  /**
   * After losing the chip or the secure channel: wait for the chip to be back, authenticate again.
   * Retries while the failures are recoverable, up to maxAttempts; then throws the last error.
   */
  async recover(cause: unknown): Promise<void> {
    const r = this.opts.resume;
    if (r === false) throw cause;
    const timeoutMs = r?.timeoutMs ?? 15_000;
    const maxAttempts = r?.maxAttempts ?? 5;
    this.resumes++;
    let err = cause;
    for (let attempt = 1; ; attempt++) {
      if (attempt > maxAttempts) throw err;
      this.checkAbort();
      const code = err instanceof KioskError ? err.code : 'UNKNOWN';
      this.log.info('chip lost or channel broken; resuming', { code, attempt });
      try {
        if (isCardLost(err)) {
          if (!this.transport.reconnect) throw err;
          // The chip did not come back within the resume time: give up (no further attempts).
          await this.transport.reconnect({ timeoutMs, signal: this.opts.signal }).catch((e: unknown) => {
            throw new ResumeFailed(e);
          });
        }
        await this.authenticate();
        return;
      } catch (e) {
        if (e instanceof ResumeFailed) throw e.cause;
        if (!isRecoverable(e) || e === err) throw e;
        err = e;
      }
    }
  }

  private async send(cmd: Uint8Array): Promise<{ data: Uint8Array; sw: number }> {
    this.checkAbort();
    return parseResponseApdu(await this.channel.transmit(cmd));
  }

  private async select(name: ReadableFile): Promise<{ ok: true } | { ok: false; failure: FileFailure }> {
    const r = await this.send(encodeCommandApdu(Cmd.selectEf(fileByName(name).fid)));
    if (r.sw === 0x9000) return { ok: true };
    if (r.sw === 0x6a82) return { ok: false, failure: { code: 'FILE_NOT_FOUND', message: `${name} is not on the chip`, sw: swHex(r.sw) } };
    if (r.sw === 0x6982) return { ok: false, failure: { code: 'FILE_ACCESS_DENIED', message: `${name} needs further authentication`, sw: swHex(r.sw) } };
    throw new StatusWordError(r.sw, `SELECT ${name}`);
  }

  private readCommand(offset: number, le: number): Uint8Array {
    return encodeCommandApdu(offset <= 0x7fff ? Cmd.readBinary(offset, le) : Cmd.readBinaryOdd(offset, le));
  }

  /**
   * One READ BINARY at `offset` for `want` bytes, walking the Le ladder on length errors.
   * `atEnd` is true when `want` reaches the end of the file (a 6B00 or 6282 there is expected).
   */
  private async readChunk(name: ReadableFile, offset: number, want: number, knownEnd: boolean): Promise<Uint8Array> {
    this.eof = false;
    let le = Math.min(want, this.le);
    for (;;) {
      const r = await this.send(this.readCommand(offset, le));
      const sw = r.sw;
      if (sw === 0x9000) {
        if (r.data.length === 0) throw new FormatError('READ_EMPTY', `READ BINARY of ${name} returned no data`, { offset });
        return r.data;
      }
      if (sw === 0x6282) {
        // End of file reached before Le bytes: a short read, fine at the end.
        this.eof = true;
        if (r.data.length > 0) return r.data;
        throw new FormatError('READ_PAST_END', `${name} ended before the length its header declares`, { offset });
      }
      if (sw >> 8 === 0x6c) {
        const exact = sw & 0xff || 256;
        if (exact >= le) throw new StatusWordError(sw, `READ BINARY ${name}`);
        if (!(knownEnd && le >= want)) this.le = Math.min(this.le, exact);
        le = exact;
        continue;
      }
      if (sw === 0x6700 || (sw === 0x6b00 && !(knownEnd && le >= want))) {
        const lower = nextLower(le);
        if (lower === undefined) throw new StatusWordError(sw, `READ BINARY ${name}`, { le });
        this.log.debug('Le ladder step down', { from: le, to: lower, sw: swHex(sw) });
        this.le = Math.min(this.le, lower);
        le = Math.min(lower, want);
        continue;
      }
      if (sw === 0x6b00) throw new FormatError('READ_PAST_END', `${name}: offset beyond the end of the file`, { offset });
      throw new StatusWordError(sw, `READ BINARY ${name}`, { offset });
    }
  }

  /**
   * Reads one whole file: its TLV header first (4 bytes, more when the length needs it), then
   * chunks. Resumes from the last offset after a lost chip; a link error also lowers Le.
   */
  async readFile(name: ReadableFile): Promise<Uint8Array | FileFailure> {
    let buf: Uint8Array = new Uint8Array(0);
    let total = -1;
    let selected = false;
    for (;;) {
      try {
        if (!selected) {
          const s = await this.select(name);
          if (!s.ok) return s.failure;
          selected = true;
        }
        if (total < 0) {
          while (total < 0) {
            const head = await this.readChunk(name, buf.length, Math.max(4, buf.length + 2) - buf.length, false);
            buf = concatBytes(buf, head);
            try {
              const h = readTlvHeader(buf, 0, { maxLength: 1 << 24 });
              if (h.length < 0) throw new FormatError('LDS_INDEFINITE', `${name}: indefinite length at the top level`);
              total = h.headerLength + h.length;
              this.overallKnown += total;
            } catch (e) {
              if (!(e instanceof FormatError && e.code === 'TLV_TRUNCATED' && buf.length < 8)) throw e;
            }
          }
          if (buf.length > total) buf = buf.subarray(0, total);
          if (this.eof && buf.length < total) {
            throw new FormatError('READ_PAST_END', `${name} ended after ${buf.length} of the ${total} bytes its header declares`);
          }
          this.progress(name, buf.length, total, buf.length);
        }
        while (buf.length < total) {
          const want = total - buf.length;
          const chunk = await this.readChunk(name, buf.length, want, true);
          const take = chunk.subarray(0, Math.min(chunk.length, want));
          buf = concatBytes(buf, take);
          if (this.eof && buf.length < total) {
            throw new FormatError('READ_PAST_END', `${name} ended after ${buf.length} of the ${total} bytes its header declares`);
          }
          this.progress(name, buf.length, total, take.length);
        }
        return buf;
      } catch (e) {
        if (!isRecoverable(e)) throw e;
        // A link error (not a lost chip) may mean the frame was too big: also step the ladder down.
        if (e instanceof DeviceError && !isCardLost(e)) {
          const lower = nextLower(this.le);
          if (lower !== undefined) this.le = lower;
        }
        await this.recover(e);
        selected = false;
      }
    }
  }

  private progress(file: ReadableFile, bytesRead: number, totalBytes: number, delta: number): void {
    this.overallRead += delta;
    this.opts.onProgress?.({
      file,
      bytesRead,
      totalBytes,
      overall: {
        bytesRead: this.overallRead,
        totalBytesKnown: this.overallKnown,
        filesDone: this.filesDone,
        filesPlanned: this.filesPlanned,
        fraction: this.filesPlanned > 0 ? Math.min(1, (this.filesDone + (totalBytes > 0 ? bytesRead / totalBytes : 0)) / this.filesPlanned) : 0,
      },
    });
  }

  setFile(name: ReadableFile, bytes: Uint8Array): void {
    this.files[name] = bytes;
  }
}

function failureOf(e: unknown): FileFailure {
  if (e instanceof KioskError) return { code: e.code, message: e.message };
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

/**
 * Reads the passport. Throws AccessDeniedError (code 'ACCESS_DENIED') when the chip refuses the
 * key, DeviceError/TimeoutError when the chip cannot be reached (and could not be resumed), and
 * StatusWordError when the chip answers outside the protocol. A file absent from the chip is
 * reported in `fileFailures`, a file that does not parse in `parseErrors`: the raw bytes are kept.
 */
export async function readPassport(transport: ApduTransport, key: AccessKey, opts: ReadOptions = {}): Promise<ReadResult> {
  const t0 = performance.now();
  const wanted = new Set<ReadableFile>(opts.files ?? READ_ORDER);
  const reader = new Reader(transport, key, opts);
  const perFileMs: Partial<Record<ReadableFile, number>> = {};
  const files: Partial<Record<ReadableFile, Uint8Array>> = {};
  const fileFailures: Partial<Record<ReadableFile, FileFailure>> = {};
  const parseErrors: Partial<Record<ReadableFile, FileFailure>> = {};
  const result: Omit<ReadResult, 'accessControl' | 'resumes' | 'le' | 'timings' | 'session'> = { files, fileFailures, parseErrors };

  // Access control, resumed like a read if the chip is lifted during it.
  try {
    await reader.authenticate();
  } catch (e) {
    if (!isCardLost(e)) throw e;
    await reader.recover(e);
    reader.resumes--;
  }
  await opts.afterAccess?.(reader.session);

  const plan: ReadableFile[] = READ_ORDER.filter((f) => wanted.has(f) || f === 'COM');
  reader.filesPlanned = plan.length;
  const skipped = (name: ReadableFile): boolean =>
    (name === 'DG11' || name === 'DG12' || name === 'DG14' || name === 'DG15') && result.com !== undefined && !result.com.dataGroups.includes(name);
  for (const name of plan) {
    // DG11, DG12, DG14, DG15 only when EF.COM lists them (when EF.COM was read).
    if (skipped(name)) continue;
    const ft = performance.now();
    let got: Uint8Array | FileFailure;
    try {
      got = reader.session.files[name] ?? (await reader.readFile(name));
    } catch (e) {
      // A file the chip will not give (a status word) or whose header is malformed: record it and
      // go on with the others (Passive Authentication then reports what is missing).
      if (!(e instanceof FormatError || e instanceof StatusWordError)) throw e;
      got = { ...failureOf(e), ...(e instanceof StatusWordError ? { sw: swHex(e.sw) } : {}) };
    }
    perFileMs[name] = Math.round((performance.now() - ft) * 10) / 10;
    reader.filesDone++;
    if (!(got instanceof Uint8Array)) {
      fileFailures[name] = got;
      if (name === 'COM' || name === 'DG1') opts.log?.warn('mandatory file missing', { file: name, code: got.code });
      continue;
    }
    files[name] = got;
    reader.setFile(name, got);
    try {
      switch (name) {
        case 'COM':
          result.com = parseEfCom(got);
          reader.filesPlanned = plan.filter((f) => !skipped(f)).length;
          break;
        case 'DG1':
          result.dg1 = parseDg1(got);
          break;
        case 'DG2':
          result.dg2 = parseDg2(got);
          result.face = result.dg2.faces[0];
          break;
        case 'DG11':
          result.dg11 = parseDg11(got);
          break;
        case 'DG12':
          result.dg12 = parseDg12(got);
          break;
        case 'DG14':
          result.dg14 = parseDg14(got);
          break;
        case 'DG15':
          result.dg15 = parseDg15(got);
          break;
        case 'SOD':
          break;
      }
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      parseErrors[name] = failureOf(e);
    }
  }

  const access = reader.session.access;
  return {
    accessControl: {
      protocol: access.protocol,
      status: 'success',
      runs: reader.accessRuns,
      ...(access.cardAccess ? { cardAccess: access.cardAccess } : {}),
    },
    ...result,
    resumes: reader.resumes,
    le: reader.le,
    session: reader.session,
    timings: {
      totalMs: Math.round((performance.now() - t0) * 10) / 10,
      accessControlMs: Math.round(reader.accessMs * 10) / 10,
      perFileMs,
    },
  };
}
