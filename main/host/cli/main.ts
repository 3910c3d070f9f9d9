import { isKioskError, UsageError } from '../../base/errors.js';
import { EXIT } from './exit-codes.js';
import { defaultContext, type CliContext, type CommandRun } from './context.js';

/**
 * The `kiosk` command. Each subcommand lives in ./commands/<name>.ts and is loaded lazily, so that
 * `kiosk mrz` does not pay for SQLite or ONNX Runtime. Standard output carries only the command's
 * JSON document; everything else goes to standard error.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: CommandRun }> }> = {
  mrz: { summary: 'parse MRZ lines given as arguments', load: () => import('./commands/mrz.js') },
  'scan-mrz': { summary: 'wait for one document on a serial MRZ scanner', load: () => import('./commands/scan-mrz.js') },
  read: { summary: 'read a passport chip through a PN532 on a serial port', load: () => import('./commands/read.js') },
  simulate: { summary: 'run a simulated device (mrz | nfc) on a serial port', load: () => import('./commands/simulate.js') },
  demo: { summary: 'run whole traveller sessions through the core against the simulators', load: () => import('./commands/demo.js') },
  check: { summary: 'run the document checks on data-page images', load: () => import('./commands/check.js') },
  models: { summary: 'verify the model files against the manifest (models verify)', load: () => import('./commands/models.js') },
  trust: { summary: 'import or list CSCA certificates, master lists and CRLs', load: () => import('./commands/trust.js') },
  audit: { summary: 'verify the hash chain of the audit log (audit verify)', load: () => import('./commands/audit.js') },
  doctor: { summary: 'check devices, models, trust store and storage', load: () => import('./commands/doctor.js') },
  serve: { summary: 'serve the kiosk UI on loopback (the browser host)', load: () => import('./commands/serve.js') },
};

export function usage(): string {
  const lines = ['usage: kiosk <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Environment: KIOSK_DATA_DIR (data folder), KIOSK_CONFIG (configuration file), KIOSK_LOG_LEVEL.');
  return lines.join('\n');
}

export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    ctx.stderr(usage());
    return name ? EXIT.OK : EXIT.USAGE;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    ctx.stderr(`kiosk: unknown command '${name}'\n\n${usage()}`);
    return EXIT.USAGE;
  }
  try {
    const mod = await cmd.load();
    return await mod.run(rest, ctx);
  } catch (e) {
    if (e instanceof UsageError) {
      ctx.stderr(`kiosk ${name}: ${e.message}`);
      return EXIT.USAGE;
    }
    if (isKioskError(e)) {
      ctx.stderr(`kiosk ${name}: ${e.code}: ${e.message}`);
      return EXIT.DEVICE;
    }
    ctx.stderr(`kiosk ${name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return EXIT.DEVICE;
  }
}

export async function main(): Promise<void> {
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const code = await runCli(process.argv.slice(2), defaultContext(ac.signal));
  // The command is done (long-running ones return only once stopped): exit even when a device,
  // a worker or a simulator it started failed to close, once standard output is flushed.
  process.exitCode = code;
  process.stdout.write('', () => process.exit(code));
}
