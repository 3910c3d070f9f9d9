import { DeviceError, UsageError, isKioskError } from '../../../base/errors.js';
import { openSerialLink, type SerialLink } from '../../../devices/serial/index.js';
import { MrzScannerSimulator, SCANNER_FRAMINGS, groupDocuments, type ScannerFraming } from '../../../sim/mrz-scanner/index.js';
import { optFlag, optList, optNumber, optString, parseArgs, requireString } from '../args.js';
import { printJson, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

const USAGE =
  `usage: kiosk simulate mrz --port PATH --framing ${SCANNER_FRAMINGS.join('|')} --mrz LINE... [--mrz LINE...]\n` +
  '         [--baud N] [--repeat N] [--interval-ms N] [--start-delay-ms N] [--seed N]\n' +
  '         [--noise] [--split] [--bad-bcc] [--ocr-confusions]';

/**
 * `kiosk simulate mrz`: a simulated serial MRZ scanner on PATH (one end of a pty pair). It sends
 * the documents given with --mrz (lines one after another; grouped into documents by line length:
 * 30-character lines three to a document, 36 and 44 two) in the chosen framing, paced at --baud
 * (default 9600), --repeat times over (default 1; 0 = until stopped), --interval-ms apart
 * (default 1000), after --start-delay-ms (default 0). It then exits 0 and prints
 * {"framing", "sent", "documents"}; SIGINT/SIGTERM stop it early (also exit 0).
 * Faults: --noise (noise bytes before each frame), --split (a pause in the middle of each frame),
 * --bad-bcc (rte only), --ocr-confusions (one O/0-style confusion in the data line), --seed N.
 * When the port goes away (pty removed) it waits for it to return and resends the document.
 * Exit 4 when the port cannot be opened, 2 on usage errors.
 */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, {
    port: { type: 'string' },
    framing: { type: 'string' },
    mrz: { type: 'multi' },
    baud: { type: 'string', integer: true },
    repeat: { type: 'string', integer: true },
    'interval-ms': { type: 'string', integer: true },
    'start-delay-ms': { type: 'string', integer: true },
    seed: { type: 'string', integer: true },
    noise: { type: 'boolean' },
    split: { type: 'boolean' },
    'bad-bcc': { type: 'boolean' },
    'ocr-confusions': { type: 'boolean' },
  });
  if (args.positionals.length > 0) throw new UsageError('UNEXPECTED_ARGUMENT', USAGE);
  const path = requireString(args, 'port');
  const framing = optString(args, 'framing');
  if (!framing || !(SCANNER_FRAMINGS as readonly string[]).includes(framing)) {
    throw new UsageError('BAD_VALUE', `--framing takes one of ${SCANNER_FRAMINGS.join(', ')}\n${USAGE}`);
  }
  const lines = optList(args, 'mrz').flatMap((l) => l.split(/\r?\n/)).map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) throw new UsageError('MISSING_OPTION', `--mrz is required\n${USAGE}`);
  if (lines.some((l) => !/^[\x20-\x7e]+$/.test(l))) throw new UsageError('BAD_VALUE', '--mrz lines must be printable ASCII');
  const baudRate = optNumber(args, 'baud') ?? 9600;
  const repeat = optNumber(args, 'repeat') ?? 1;
  const intervalMs = optNumber(args, 'interval-ms') ?? 1000;
  const startDelayMs = optNumber(args, 'start-delay-ms') ?? 0;
  if (repeat < 0 || intervalMs < 0 || startDelayMs < 0) throw new UsageError('BAD_VALUE', '--repeat, --interval-ms and --start-delay-ms take numbers of at least 0');
  if (baudRate < 300) throw new UsageError('BAD_VALUE', '--baud takes a rate of at least 300');
  if (optFlag(args, 'bad-bcc') && framing !== 'rte') throw new UsageError('BAD_VALUE', '--bad-bcc applies only to --framing rte');

  let link: SerialLink;
  try {
    link = await openSerialLink({ path, baudRate, log: ctx.log, reconnect: { intervalMs: 200 } });
  } catch (e) {
    ctx.stderr(`kiosk simulate mrz: cannot open ${path}: ${isKioskError(e) ? `${e.code} ${String(e.details.reason ?? e.message)}` : String(e)}`);
    return EXIT.DEVICE;
  }
  const sim = new MrzScannerSimulator(link, {
    framing: framing as ScannerFraming,
    baudRate,
    seed: optNumber(args, 'seed') ?? 1,
    faults: {
      noise: optFlag(args, 'noise'),
      split: optFlag(args, 'split'),
      badBcc: optFlag(args, 'bad-bcc'),
      ocrConfusions: optFlag(args, 'ocr-confusions'),
    },
    log: ctx.log,
  });
  const documents = groupDocuments(lines);
  const signal = ctx.signal;
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  ctx.stderr(`kiosk simulate mrz: ${documents.length} document(s) on ${path}, framing ${framing}, ${baudRate} baud`);
  let sent = 0;
  try {
    await pause(startDelayMs);
    outer: for (let r = 0; repeat === 0 || r < repeat; r++) {
      for (const doc of documents) {
        for (;;) {
          if (signal.aborted) break outer;
          if (sent > 0) await pause(intervalMs);
          if (signal.aborted) break outer;
          try {
            await sim.send(doc, signal);
            sent++;
            break;
          } catch (e) {
            if (isKioskError(e) && e.code === 'ABORTED') break outer;
            if (!(e instanceof DeviceError)) throw e;
            ctx.stderr(`kiosk simulate mrz: ${e.code}: waiting for the port to come back`);
            await pause(Math.max(200, intervalMs));
          }
        }
      }
    }
  } finally {
    await link.close();
  }
  printJson(ctx, { framing, sent, documents: documents.length });
  return EXIT.OK;
}
