import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `kiosk simulate mrz`: not built yet (its issue is open). */
export async function run(_argv: string[], ctx: CliContext): Promise<number> {
  ctx.stderr('kiosk simulate mrz: not available in this build yet');
  return EXIT.USAGE;
}
