import { UsageError } from '../../../base/errors.js';
import { openSerialLink } from '../../../devices/serial/index.js';
import { createVirtualChip, type ChipExtension, type ChipFaults, type PaceCipher, type PaceCurve, type VirtualChip } from '../../../sim/chip/index.js';

const PACE_CURVES: readonly PaceCurve[] = ['brainpoolP256r1', 'brainpoolP384r1', 'brainpoolP512r1', 'P-256', 'P-384', 'P-521'];
const PACE_CIPHERS: readonly PaceCipher[] = ['AES-128', 'AES-192', 'AES-256', '3DES'];
import { chipAuthExtensions } from '../../../sim/chip-auth/index.js';
import { generatePassport, loadPassport, savePassport, type GeneratedPassport, type GenerateOptions } from '../../../sim/passport/index.js';
import { openPn532SimulatorOnPort } from '../../../sim/pn532/index.js';
import { optFlag, optList, optNumber, optString, parseArgs } from '../args.js';
import { printJson, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/**
 * `kiosk simulate nfc --port PATH [--baud N] (--passport DIR | --generate [--mrz LINE...]
 *  [--pace|--pace-only|--bac-only] [--pace-curve C] [--pace-cipher X] [--face jpeg|jpeg2000] [--dg11] [--dg12] [--dg14] [--dg15] [--no-sod]
 *  [--save DIR]) [--lift-after-bytes N] [--back-after-ms N] [--max-le N] [--bad-mac-after N]
 *  [--no-chip-time]`
 *
 * Runs a simulated PN532 with a virtual passport chip in its field on a serial port (typically a
 * pty end) until stopped (SIGINT/SIGTERM). Says `{"ready": true, ...}` on standard error when
 * it listens; prints its counters as one JSON document on standard output when it stops.
 */
const SPEC = {
  port: { type: 'string' },
  baud: { type: 'string', integer: true },
  passport: { type: 'string' },
  generate: { type: 'boolean' },
  mrz: { type: 'multi' },
  pace: { type: 'boolean' },
  'bac-only': { type: 'boolean' },
  'pace-only': { type: 'boolean' },
  'pace-curve': { type: 'string' },
  'pace-cipher': { type: 'string' },
  face: { type: 'string' },
  'face-encoding': { type: 'string' },
  dg11: { type: 'boolean' },
  dg12: { type: 'boolean' },
  dg14: { type: 'boolean' },
  dg15: { type: 'boolean' },
  'no-sod': { type: 'boolean' },
  save: { type: 'string' },
  'lift-after-bytes': { type: 'string', integer: true },
  'back-after-ms': { type: 'string', integer: true },
  'max-le': { type: 'string', integer: true },
  'bad-mac-after': { type: 'string', integer: true },
  'no-chip-time': { type: 'boolean' },
  'type-b': { type: 'boolean' },
} as const;

const USAGE =
  'usage: kiosk simulate nfc --port PATH [--baud N] (--passport DIR | --generate [--mrz LINE...] [--pace|--pace-only|--bac-only] [--pace-curve C] [--pace-cipher X] [--face jpeg|jpeg2000] [--dg14] [--dg15] [--save DIR]) [--lift-after-bytes N] [--back-after-ms N] [--max-le N] [--bad-mac-after N]';

/** Extensions of the virtual chip for a passport: Active and Chip Authentication with the passport's keys. */
export function chipExtensions(passport: GeneratedPassport): ChipExtension[] {
  return chipAuthExtensions(passport.keys);
}

export function buildChip(passport: GeneratedPassport, o: { faults?: ChipFaults; chipTime?: boolean; kind?: 'A' | 'B' } = {}): VirtualChip {
  return createVirtualChip({
    files: passport.files,
    mrzInformation: passport.mrzInformation,
    can: passport.can,
    accessControl: passport.accessControl,
    faults: o.faults ?? {},
    ...(o.chipTime === false ? { chipTimeMs: false as const } : {}),
    extensions: chipExtensions(passport),
    ...(o.kind ? { kind: o.kind } : {}),
  });
}

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, SPEC);
  const port = optString(args, 'port');
  const dir = optString(args, 'passport');
  const generate = optFlag(args, 'generate');
  if (!port || (dir === undefined) === !generate || args.positionals.length > 0) {
    ctx.stderr(USAGE);
    return EXIT.USAGE;
  }
  if ((optFlag(args, 'pace') || optFlag(args, 'pace-only')) && optFlag(args, 'bac-only')) {
    throw new UsageError('BAD_OPTIONS', '--pace/--pace-only and --bac-only exclude each other');
  }
  const curve = optString(args, 'pace-curve') ?? 'brainpoolP256r1';
  const cipher = optString(args, 'pace-cipher') ?? 'AES-128';
  if (!PACE_CURVES.includes(curve as PaceCurve)) throw new UsageError('BAD_VALUE', `--pace-curve is one of ${PACE_CURVES.join(', ')}`);
  if (!PACE_CIPHERS.includes(cipher as PaceCipher)) throw new UsageError('BAD_VALUE', `--pace-cipher is one of ${PACE_CIPHERS.join(', ')}`);
  const accessControl = optFlag(args, 'bac-only')
    ? { bac: true }
    : { bac: !optFlag(args, 'pace-only'), pace: { curve: curve as PaceCurve, cipher: cipher as PaceCipher } };
  const baudRate = optNumber(args, 'baud') ?? 115200;
  if (baudRate <= 0) throw new UsageError('BAD_VALUE', '--baud must be positive');
  const face = optString(args, 'face') ?? 'jpeg';
  if (face !== 'jpeg' && face !== 'jpeg2000') throw new UsageError('BAD_VALUE', '--face is jpeg or jpeg2000');
  const faceEncoding = optString(args, 'face-encoding') ?? 'ISO19794-5';
  if (faceEncoding !== 'ISO19794-5' && faceEncoding !== 'ISO39794-5') throw new UsageError('BAD_VALUE', '--face-encoding is ISO19794-5 or ISO39794-5');

  let passport: GeneratedPassport;
  if (dir !== undefined) {
    passport = await loadPassport(dir);
  } else {
    const mrz = optList(args, 'mrz');
    const g: GenerateOptions = {
      ...(mrz.length ? { mrz } : {}),
      face,
      faceEncoding,
      dg11: optFlag(args, 'dg11'),
      dg12: optFlag(args, 'dg12'),
      dg14: optFlag(args, 'dg14'),
      dg15: optFlag(args, 'dg15'),
      ...(optFlag(args, 'no-sod') ? { sod: false as const } : {}),
      accessControl,
    };
    passport = await generatePassport(g);
    const save = optString(args, 'save');
    if (save) await savePassport(save, passport);
  }

  const faults: ChipFaults = {};
  const lift = optNumber(args, 'lift-after-bytes');
  const back = optNumber(args, 'back-after-ms');
  const maxLe = optNumber(args, 'max-le');
  const badMac = optNumber(args, 'bad-mac-after');
  if (lift !== undefined) faults.liftAfterBytes = lift;
  if (back !== undefined) faults.backAfterMs = back;
  if (maxLe !== undefined) faults.maxLe = maxLe;
  if (badMac !== undefined) faults.badMacAfter = badMac;
  const chip = buildChip(passport, { faults, chipTime: !optFlag(args, 'no-chip-time'), kind: optFlag(args, 'type-b') ? 'B' : 'A' });

  const log = ctx.log.child('simulate-nfc');
  const sim = await openPn532SimulatorOnPort({
    path: port,
    baudRate,
    field: { card: chip },
    log,
    openLink: (p, b) => openSerialLink({ path: p, baudRate: b, log }),
  });
  ctx.stderr(
    JSON.stringify({
      ready: true,
      simulator: 'nfc',
      port,
      baudRate,
      accessControl: passport.accessControl.pace ? 'PACE+BAC' : 'BAC',
      files: [...passport.files.entries()].map(([fid, b]) => ({ fid: fid.toString(16).padStart(4, '0'), bytes: b.length })),
    }),
  );
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await sim.close();
  printJson(ctx, { simulator: 'nfc', stopped: true, pn532: sim.stats, chip: chip.stats });
  return EXIT.OK;
}
