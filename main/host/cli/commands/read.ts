import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import nodePath from 'node:path';
import { DeviceError, isKioskError, KioskError, TimeoutError, UsageError } from '../../../base/errors.js';
import type { Logger } from '../../../base/log.js';
import { mrzInformation, parseMrz } from '../../../mrz/index.js';
import type { MrzResult } from '../../../mrz/types.js';
import { AccessDeniedError } from '../../../emrtd/apdu.js';
import type { AccessKey } from '../../../emrtd/access.js';
import { readPassport, type ReadableFile, type ReadProgress, type ReadResult } from '../../../emrtd/reader.js';
import { authenticateChip, MemoryTrustStore, type Certificate, type Crl } from '../../../emrtd/pki/index.js';
import { openTrustStore, trustStoreFromBytes } from '../../../emrtd/trust-store.js';
import { Pn532, Pn532CardTransport, type Pn532Target } from '../../../devices/pn532/index.js';
import { openSerialLink, type SerialLink } from '../../../devices/serial/index.js';
import { optFlag, optList, optNumber, optString, parseArgs } from '../args.js';
import { printJson, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/**
 * `kiosk read --nfc PATH [--baud N] (--mrz LINE... | --document-number X --birth-date YYMMDD
 *  --expiry-date YYMMDD) [--can N] [--trust PATH]... [--timeout-ms N]`
 *
 * Reads the passport chip through a PN532 on a serial port and prints the contract JSON
 * (ARCHITECTURE.md). Exit 0 whenever the chip was read (whatever the authentication statuses),
 * 5 when the chip refuses the key, 3 when no chip answers, 4 on a device error, 2 on bad usage.
 * Progress goes to standard error, one line per quarter of each file.
 */
const SPEC = {
  nfc: { type: 'string' },
  baud: { type: 'string', integer: true },
  mrz: { type: 'multi' },
  'document-number': { type: 'string' },
  'birth-date': { type: 'string' },
  'expiry-date': { type: 'string' },
  can: { type: 'string' },
  trust: { type: 'multi' },
  'timeout-ms': { type: 'string', integer: true },
  files: { type: 'multi' },
  'prefer-bac': { type: 'boolean' },
  'max-le': { type: 'string', integer: true },
  quiet: { type: 'boolean' },
  'ack-timeout-ms': { type: 'string', integer: true },
} as const;

/** ACK wait of `kiosk read` (see the comment where the driver is made). */
export const ACK_TIMEOUT_MS = 400;

const USAGE =
  'usage: kiosk read --nfc PATH [--baud N] (--mrz LINE... | --document-number X --birth-date YYMMDD --expiry-date YYMMDD) [--can N] [--trust PATH]... [--timeout-ms N]';

export const ACCESS_DENIED_MESSAGE = 'The chip refused the access key: the MRZ may be misread — please check it (document number, date of birth, date of expiry).';

/** Authentication results in the contract's shape (ARCHITECTURE.md), from main/emrtd/pki authenticateChip. */
export interface Verification {
  passiveAuthentication: {
    status: 'valid' | 'invalid' | 'unknown-signer' | 'not-performed';
    signatureValid: boolean | null;
    dataGroupHashes: Record<string, boolean>;
    documentSigner: Record<string, unknown> | null;
    csca?: Record<string, unknown> | null;
    sod?: Record<string, unknown> | null;
    reasons: { code: string; message: string }[];
  };
  activeAuthentication: { status: 'valid' | 'invalid' | 'not-supported' | 'not-performed'; algorithm?: string | null; reasons?: { code: string; message: string }[] };
  chipAuthentication: { status: 'valid' | 'invalid' | 'not-supported' | 'not-performed'; protocol?: string | null; reasons?: { code: string; message: string }[] };
  timings: Record<string, number>;
}

export interface VerifyContext {
  /** Trust store inputs given with --trust: CSCA certificates (PEM/DER), master lists, CRLs, or trust store folders. */
  trust: string[];
  dataDir: string;
  log: Logger;
}

/**
 * The trust store of a read: the data dir's ($KIOSK_DATA_DIR/trust, when it exists) plus the
 * --trust inputs (files are trusted as given; a folder is a trust store folder, or else every file
 * in it is taken). Files that cannot be used are logged and left out.
 */
export function readTrustStore(ctx: VerifyContext): MemoryTrustStore {
  const anchors: Certificate[] = [];
  const crls: Crl[] = [];
  const addStore = (dir: string): void => {
    const s = openTrustStore(dir);
    anchors.push(...s.anchors);
    crls.push(...s.crls);
  };
  const dataTrust = nodePath.join(ctx.dataDir, 'trust');
  if (existsSync(nodePath.join(dataTrust, 'certs'))) addStore(dataTrust);
  const items: { name: string; bytes: Uint8Array }[] = [];
  for (const t of ctx.trust) {
    if (!existsSync(t)) throw new UsageError('FILE_NOT_FOUND', `--trust: no such file or folder: ${t}`);
    if (statSync(t).isDirectory()) {
      if (existsSync(nodePath.join(t, 'certs'))) addStore(t);
      else for (const f of readdirSync(t).sort()) if (statSync(nodePath.join(t, f)).isFile()) items.push({ name: f, bytes: new Uint8Array(readFileSync(nodePath.join(t, f))) });
    } else items.push({ name: nodePath.basename(t), bytes: new Uint8Array(readFileSync(t)) });
  }
  const { store, outcomes } = trustStoreFromBytes(items);
  for (const o of outcomes) if (!o.ok) ctx.log.warn('trust input not used', { file: o.file, code: o.error?.code });
  return new MemoryTrustStore([...anchors, ...store.anchors], [...crls, ...store.crls]);
}

/**
 * The verification phase: Active Authentication, Chip Authentication (new session keys, reading
 * goes on under them) and Passive Authentication, each with its own status. Exit codes do not
 * depend on them (the kiosk core decides).
 */
export async function verify(read: ReadResult, ctx: VerifyContext): Promise<Verification> {
  const trustStore = readTrustStore(ctx);
  const r = await authenticateChip({ files: read.files, channel: () => read.session.channel, trustStore });
  const pa = r.passiveAuthentication;
  return {
    passiveAuthentication: {
      status: pa.status,
      signatureValid: pa.signatureValid,
      dataGroupHashes: pa.dataGroupHashes,
      documentSigner: pa.documentSigner ? { ...pa.documentSigner } : null,
      csca: pa.csca ? { ...pa.csca } : null,
      sod: pa.sod ? { ...pa.sod } : null,
      reasons: pa.reasons,
    },
    activeAuthentication: { status: r.activeAuthentication.status, algorithm: r.activeAuthentication.algorithm, reasons: r.activeAuthentication.reasons },
    chipAuthentication: { status: r.chipAuthentication.status, protocol: r.chipAuthentication.protocol, reasons: r.chipAuthentication.reasons },
    timings: { passiveAuthenticationMs: r.timings.passiveMs, activeAuthenticationMs: r.timings.activeMs, chipAuthenticationMs: r.timings.chipMs },
  };
}

export function accessKeyFromArgs(opts: {
  mrz: string[];
  documentNumber?: string;
  birthDate?: string;
  expiryDate?: string;
  can?: string;
}): { key: AccessKey; mrz?: MrzResult } {
  if (opts.can !== undefined) {
    if (!/^\d{6}$/.test(opts.can)) throw new UsageError('BAD_CAN', 'the CAN is six digits');
    return { key: { kind: 'can', can: opts.can } };
  }
  if (opts.mrz.length > 0) {
    const mrz = parseMrz(opts.mrz);
    const f = mrz.fields;
    if (!f.documentNumber || !f.birthDate || !f.expiryDate) {
      throw new UsageError('BAD_MRZ', 'the MRZ given has no readable document number, date of birth and date of expiry');
    }
    return { key: { kind: 'mrz', mrzInformation: mrzInformation(f.documentNumber, f.birthDate, f.expiryDate) }, mrz };
  }
  if (opts.documentNumber && opts.birthDate && opts.expiryDate) {
    try {
      return { key: { kind: 'mrz', mrzInformation: mrzInformation(opts.documentNumber, opts.birthDate, opts.expiryDate) } };
    } catch (e) {
      throw new UsageError('BAD_MRZ_FIELDS', isKioskError(e) ? e.message : 'bad document number or dates');
    }
  }
  throw new UsageError('MISSING_KEY', 'give --mrz LINE..., or --document-number, --birth-date and --expiry-date, or --can');
}

const READABLE: ReadableFile[] = ['COM', 'DG1', 'DG2', 'DG11', 'DG12', 'DG14', 'DG15', 'SOD'];

function progressPrinter(ctx: CliContext, quiet: boolean): (p: ReadProgress) => void {
  const shown = new Map<string, number>();
  return (p) => {
    if (quiet) return;
    const q = p.totalBytes ? Math.floor((p.bytesRead / p.totalBytes) * 4) : 0;
    if ((shown.get(p.file) ?? -1) >= q) return;
    shown.set(p.file, q);
    ctx.stderr(JSON.stringify({ progress: { file: p.file, bytesRead: p.bytesRead, totalBytes: p.totalBytes, overallBytesRead: p.overall.bytesRead } }));
  };
}

function chipInfo(t: Pn532Target | null): { type: 'A' | 'B' | null; uid: string | null } {
  if (!t) return { type: null, uid: null };
  return { type: t.type, uid: Buffer.from(t.uid).toString('hex').toUpperCase() };
}

/** The contract JSON (ARCHITECTURE.md, `kiosk read`). */
export function readJson(read: ReadResult, v: Verification, chip: { type: 'A' | 'B' | null; uid: string | null }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const files: Record<string, Uint8Array> = {};
  for (const name of READABLE) {
    const b = read.files[name];
    if (b) files[name] = b;
  }
  const face = read.face;
  return {
    chip,
    accessControl: { protocol: read.accessControl.protocol, status: read.accessControl.status, runs: read.accessControl.runs },
    files,
    dg1: read.dg1 ? parseMrz(read.dg1.lines) : null,
    faceImage: face ? { format: face.info.format, container: face.info.container, width: face.info.width, height: face.info.height, bytes: face.image } : null,
    passiveAuthentication: v.passiveAuthentication,
    activeAuthentication: v.activeAuthentication,
    chipAuthentication: v.chipAuthentication,
    fileFailures: read.fileFailures,
    parseErrors: read.parseErrors,
    resumes: read.resumes,
    le: read.le,
    timings: { ...read.timings, verification: v.timings, ...extra },
  };
}

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, SPEC);
  const path = optString(args, 'nfc');
  if (!path || args.positionals.length > 0) {
    ctx.stderr(USAGE);
    return EXIT.USAGE;
  }
  const baudRate = optNumber(args, 'baud') ?? 115200;
  const timeoutMs = optNumber(args, 'timeout-ms') ?? 10_000;
  const maxLe = optNumber(args, 'max-le');
  if (baudRate <= 0 || timeoutMs <= 0) throw new UsageError('BAD_VALUE', '--baud and --timeout-ms must be positive');
  const files = optList(args, 'files');
  for (const t of optList(args, 'trust')) if (!existsSync(t)) throw new UsageError('FILE_NOT_FOUND', `--trust: no such file or folder: ${t}`);
  for (const f of files) if (!READABLE.includes(f as ReadableFile)) throw new UsageError('BAD_VALUE', `--files: unknown file ${f}`);
  const { key } = accessKeyFromArgs({
    mrz: optList(args, 'mrz'),
    documentNumber: optString(args, 'document-number'),
    birthDate: optString(args, 'birth-date'),
    expiryDate: optString(args, 'expiry-date'),
    can: optString(args, 'can'),
  });
  const log = ctx.log.child('read');
  const t0 = performance.now();
  let link: SerialLink | undefined;
  let pn532: Pn532 | undefined;
  try {
    try {
      link = await openSerialLink({ path, baudRate, reconnect: false, log });
    } catch (e) {
      ctx.stderr(`kiosk read: cannot open ${path}: ${isKioskError(e) ? e.message : String(e)}`);
      return EXIT.DEVICE;
    }
    // A resent command frame re-runs its APDU on the chip, and chip APDUs are not idempotent (PACE
    // steps, the secure-messaging counter): resend only when the module has clearly missed the
    // frame, not because this host was busy (UM0701-02 gives the PN532 15 ms to ACK).
    pn532 = new Pn532({ link, baudRate, log, ackTimeoutMs: optNumber(args, 'ack-timeout-ms') ?? ACK_TIMEOUT_MS });
    try {
      await pn532.init();
    } catch (e) {
      ctx.stderr(`kiosk read: the NFC reader does not answer (${isKioskError(e) ? e.code : 'error'})`);
      return EXIT.DEVICE;
    }
    const transport = new Pn532CardTransport({ pn532, log, ...(maxLe ? { maxLe } : {}) });
    let target: Pn532Target;
    try {
      target = await transport.connect({ timeoutMs, signal: ctx.signal });
    } catch (e) {
      if (e instanceof TimeoutError) {
        ctx.stderr('kiosk read: no chip answered: place the passport on the reader');
        return EXIT.NO_DOCUMENT;
      }
      throw e;
    }
    const chip = chipInfo(target);
    const tRead = performance.now();
    const read = await readPassport(transport, key, {
      ...(files.length ? { files: files as ReadableFile[] } : {}),
      onProgress: progressPrinter(ctx, optFlag(args, 'quiet')),
      resume: { timeoutMs },
      signal: ctx.signal,
      log,
      ...(optFlag(args, 'prefer-bac') ? { accessOptions: { preferBac: true } } : {}),
    });
    const readMs = performance.now() - tRead;
    const v = await verify(read, { trust: optList(args, 'trust'), dataDir: ctx.dataDir, log });
    const link0 = pn532.stats;
    printJson(
      ctx,
      readJson(read, v, chip, {
        readMs: Math.round(readMs * 10) / 10,
        commandMs: Math.round((performance.now() - t0) * 10) / 10,
        wire: { bytesOut: link0.bytesOut, bytesIn: link0.bytesIn, baudRate, skippedBytes: link0.skippedBytes, nacks: link0.nacks, resends: link0.resends },
      }),
    );
    return EXIT.OK;
  } catch (e) {
    if (e instanceof AccessDeniedError) {
      ctx.stderr(`kiosk read: ${ACCESS_DENIED_MESSAGE}`);
      return EXIT.ACCESS_DENIED;
    }
    if (e instanceof UsageError) throw e;
    if (e instanceof TimeoutError || (e instanceof DeviceError && (e.code === 'CARD_LOST' || e.code === 'NO_CARD'))) {
      ctx.stderr(`kiosk read: the chip stopped answering (${e.code}): keep the passport on the reader and try again`);
      return EXIT.NO_DOCUMENT;
    }
    if (e instanceof KioskError) {
      ctx.stderr(`kiosk read: ${e.code}: ${e.message}`);
      return e.code === 'ABORTED' ? EXIT.NO_DOCUMENT : EXIT.DEVICE;
    }
    throw e;
  } finally {
    pn532?.close();
    await link?.close().catch(() => undefined);
  }
}
