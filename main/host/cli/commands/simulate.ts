import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `kiosk simulate mrz ...` and `kiosk simulate nfc ...`: simulated devices on a serial port. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const [device, ...rest] = argv;
  if (device === 'mrz') return (await import('./simulate-mrz.js')).run(rest, ctx);
  if (device === 'nfc') return (await import('./simulate-nfc.js')).run(rest, ctx);
  ctx.stderr('usage: kiosk simulate mrz --port PATH --framing F --mrz LINE...\n       kiosk simulate nfc --port PATH (--passport DIR | --generate [--mrz LINE...] [options])');
  return EXIT.USAGE;
}
