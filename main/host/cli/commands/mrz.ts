import { UsageError } from '../../../base/errors.js';
import { parseMrz } from '../../../mrz/index.js';
import { optFlag, optString, parseArgs } from '../args.js';
import { printJson, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/**
 * `kiosk mrz LINE... [--no-repair] [--today YYYY-MM-DD]`: parses the MRZ lines given as arguments
 * (one argument per line, or one argument holding lines separated by newlines) and prints the
 * MrzResult JSON. Exit 0 when valid, 1 when the document data is invalid, 2 on a usage error.
 * `--today` fixes the date used to resolve the century of dates (for reproducible runs).
 */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, { 'no-repair': { type: 'boolean' }, today: { type: 'string' } });
  if (args.positionals.length === 0) throw new UsageError('MISSING_ARGUMENT', 'usage: kiosk mrz LINE... [--no-repair] [--today YYYY-MM-DD]');
  const todayText = optString(args, 'today');
  let today: Date | undefined;
  if (todayText !== undefined) {
    today = new Date(`${todayText}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(todayText) || !Number.isFinite(today.getTime())) {
      throw new UsageError('BAD_VALUE', '--today takes a date YYYY-MM-DD');
    }
  }
  const result = parseMrz(args.positionals, { repair: !optFlag(args, 'no-repair'), ...(today ? { today } : {}) });
  printJson(ctx, result);
  return result.valid ? EXIT.OK : EXIT.INVALID_DOCUMENT;
}
