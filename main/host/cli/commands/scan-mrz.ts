import { DeviceError, UsageError, isKioskError } from '../../../base/errors.js';
import { parseMrz, type MrzResult } from '../../../mrz/index.js';
import { openSerialLink, type SerialLink } from '../../../devices/serial/index.js';
import { FRAMING_MODES, MrzReader, isFramingMode, type MrzDocument } from '../../../devices/mrz-reader/index.js';
import { optFlag, optNumber, optString, parseArgs, requireString } from '../args.js';
import { printJson, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

const USAGE = `usage: kiosk scan-mrz --port PATH [--baud N] [--framing ${FRAMING_MODES.join('|')}] [--timeout-ms N] [--no-repair]`;

/**
 * `kiosk scan-mrz`: waits for one document on a serial MRZ scanner and prints the `kiosk mrz`
 * JSON plus "framing" (the framing the document came in). Exit 0 valid, 1 invalid document data,
 * 3 no document before --timeout-ms (default 30000) or stopped, 4 the port cannot be opened or the
 * device is gone at the deadline, 2 usage. Framing errors (noise, partial frames, bad BCC) are
 * logged on standard error and the wait goes on; an unplugged scanner is waited for.
 */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, {
    port: { type: 'string' },
    baud: { type: 'string', integer: true },
    framing: { type: 'string' },
    'timeout-ms': { type: 'string', integer: true },
    'no-repair': { type: 'boolean' },
  });
  if (args.positionals.length > 0) throw new UsageError('UNEXPECTED_ARGUMENT', USAGE);
  const path = requireString(args, 'port');
  const baudRate = optNumber(args, 'baud') ?? 9600;
  const framing = optString(args, 'framing') ?? 'auto';
  const timeoutMs = optNumber(args, 'timeout-ms') ?? 30_000;
  if (!isFramingMode(framing)) throw new UsageError('BAD_VALUE', `--framing takes one of ${FRAMING_MODES.join(', ')}`);
  if (baudRate <= 0) throw new UsageError('BAD_VALUE', '--baud takes a positive number');
  if (timeoutMs < 0) throw new UsageError('BAD_VALUE', '--timeout-ms takes a number of milliseconds');
  const repair = !optFlag(args, 'no-repair');

  let link: SerialLink;
  try {
    link = await openSerialLink({ path, baudRate, log: ctx.log, reconnect: { intervalMs: 250 } });
  } catch (e) {
    ctx.stderr(`kiosk scan-mrz: cannot open ${path}: ${isKioskError(e) ? `${e.code} ${String(e.details.reason ?? e.message)}` : String(e)}`);
    return EXIT.DEVICE;
  }
  const reader = new MrzReader<MrzResult>(link, { framing, parse: (lines) => parseMrz(lines, { repair }), log: ctx.log });
  reader.on('error', (e) => ctx.stderr(`kiosk scan-mrz: ${e.code}: ${e.message}`));
  reader.on('status', (s) => {
    if (s.state === 'disconnected') ctx.stderr('kiosk scan-mrz: scanner disconnected; waiting for it to come back');
    else if (s.state === 'connected') ctx.stderr('kiosk scan-mrz: scanner connected again');
  });
  ctx.stderr(`kiosk scan-mrz: waiting for a document on ${path} (framing ${framing}, ${timeoutMs} ms)`);
  try {
    let doc: MrzDocument<MrzResult>;
    try {
      doc = await reader.next({ timeoutMs, signal: ctx.signal });
    } catch (e) {
      if (!reader.connected) {
        ctx.stderr('kiosk scan-mrz: the scanner is not connected');
        return EXIT.DEVICE;
      }
      ctx.stderr(isKioskError(e) && e.code === 'ABORTED' ? 'kiosk scan-mrz: stopped before a document arrived' : 'kiosk scan-mrz: no document before the timeout');
      return EXIT.NO_DOCUMENT;
    }
    printJson(ctx, { ...doc.result, framing: doc.framing });
    return doc.result.valid ? EXIT.OK : EXIT.INVALID_DOCUMENT;
  } finally {
    reader.stop();
    await link.close().catch((e: unknown) => {
      if (!(e instanceof DeviceError)) throw e;
    });
  }
}
