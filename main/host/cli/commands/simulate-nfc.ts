import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `kiosk simulate nfc`: not built yet (its issue is open). */
export async function run(_argv: string[], ctx: CliContext): Promise<number> {
  ctx.stderr('kiosk simulate nfc: not available in this build yet');
  return EXIT.USAGE;
}
