import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../../base/errors.js';
import { openKioskStore } from '../../../store/index.js';
import { optString, parseArgs } from '../args.js';
import { printJson, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/**
 * `kiosk audit verify [--db PATH]`: walks the hash chain of the audit log and every record it
 * vouches for. Prints {"ok", "entries", "headHash", "db", "firstBroken"?}; exit 0 when intact,
 * 1 naming the first broken entry.
 */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'verify') throw new UsageError('USAGE', 'usage: kiosk audit verify [--db PATH]');
  const args = parseArgs(rest, { db: { type: 'string' } });
  if (args.positionals.length) throw new UsageError('USAGE', `unexpected argument ${args.positionals[0]}`);
  const db = path.resolve(optString(args, 'db') ?? path.join(ctx.dataDir, 'kiosk.db'));
  if (!existsSync(db)) throw new UsageError('NO_DATABASE', `no database at ${db}`);
  const store = await openKioskStore({ dbPath: db, readOnly: true, logger: ctx.log });
  try {
    const r = await store.verifyAudit();
    printJson(ctx, { ...r, db });
    if (!r.ok) ctx.stderr(`kiosk audit: chain broken at entry ${r.firstBroken?.seq} (${r.firstBroken?.reason}${r.firstBroken?.table ? ` ${r.firstBroken.table} ${r.firstBroken.recordId}` : ''})`);
    return r.ok ? EXIT.OK : EXIT.INVALID_DOCUMENT;
  } finally {
    await store.close();
  }
}
