import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../../base/errors.js';
import { openTrustStore } from '../../../emrtd/trust-store.js';
import { optFlag, optString, parseArgs } from '../args.js';
import { printJson, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

const USAGE =
  'usage: kiosk trust import FILE... [--allow-unanchored-master-list]\n' +
  '       kiosk trust list [--now YYYY-MM-DD]\n' +
  'The trust store is $KIOSK_DATA_DIR/trust. FILE: CSCA or link certificates (PEM or DER), CSCA master lists (CMS .ml), CRLs.\n' +
  'Import a state\'s CSCA before (or in the same command as) its master list: the list signer must chain to a trusted CSCA.';

/** The trust store folder of a data dir (ARCHITECTURE.md: KIOSK_DATA_DIR holds the trust store). */
export function trustDir(ctx: CliContext): string {
  return path.join(ctx.dataDir, 'trust');
}

/**
 * `kiosk trust import FILE...` prints {"trustStore", "imported": [{file, kind, ok, added, duplicates, rejected, error?, masterList?}], "alerts"}
 * and exits 0 when every file was imported, 1 when any was refused (bad signature, untrusted master-list signer ...).
 * `kiosk trust list` prints {"trustStore", "certificates", "crls", "masterLists", "alerts"}; alerts (a CRL past
 * its nextUpdate) also go to standard error for the technician.
 */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'import') {
    const args = parseArgs(rest, { 'allow-unanchored-master-list': { type: 'boolean' } });
    if (args.positionals.length === 0) throw new UsageError('MISSING_ARGUMENT', USAGE);
    for (const f of args.positionals) {
      if (!existsSync(f) || !statSync(f).isFile()) throw new UsageError('FILE_NOT_FOUND', `no such file: ${f}`);
    }
    const store = openTrustStore(trustDir(ctx));
    const imported = store.importFiles(args.positionals, { allowUnanchoredMasterList: optFlag(args, 'allow-unanchored-master-list') });
    for (const o of imported) {
      ctx.stderr(o.ok ? `imported ${o.file}: ${o.kind}, ${o.added} added, ${o.duplicates} already there${o.rejected ? `, ${o.rejected} rejected` : ''}` : `refused ${o.file}: ${o.error?.code}: ${o.error?.message}`);
    }
    const alerts = store.alerts();
    for (const a of alerts) ctx.stderr(`ALERT ${a.code}: ${a.message}`);
    printJson(ctx, { trustStore: store.dir, imported, alerts });
    return imported.every((o) => o.ok) ? EXIT.OK : EXIT.INVALID_DOCUMENT;
  }
  if (sub === 'list') {
    const args = parseArgs(rest, { now: { type: 'string' } });
    const nowText = optString(args, 'now');
    const now = nowText ? new Date(`${nowText}T00:00:00Z`) : new Date();
    if (!Number.isFinite(now.getTime())) throw new UsageError('BAD_VALUE', '--now takes a date YYYY-MM-DD');
    const store = openTrustStore(trustDir(ctx));
    const listing = store.list(now);
    for (const a of listing.alerts) ctx.stderr(`ALERT ${a.code}: ${a.message}`);
    printJson(ctx, { trustStore: listing.directory, ...listing, directory: undefined });
    return EXIT.OK;
  }
  throw new UsageError('MISSING_ARGUMENT', USAGE);
}
