import path from 'node:path';
import { createLogger, type Logger } from '../../base/log.js';

/** What every `kiosk` command gets: where to write, the environment, the data dir and a logger. */
export interface CliContext {
  /** Writes the command's one JSON document (or text for humans) to standard output. */
  stdout: (text: string) => void;
  /** Progress and logs: standard error. */
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** KIOSK_DATA_DIR, or ./.kiosk-data. Holds the database, keys and the trust store. */
  dataDir: string;
  /** KIOSK_CONFIG, when set. */
  configPath: string | undefined;
  log: Logger;
  /** Aborted on SIGINT/SIGTERM: long-running commands (simulators, scans) stop cleanly. */
  signal: AbortSignal;
}

export type CommandRun = (argv: string[], ctx: CliContext) => Promise<number>;

export function defaultContext(signal: AbortSignal, env: NodeJS.ProcessEnv = process.env): CliContext {
  return {
    stdout: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
    stderr: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
    env,
    dataDir: path.resolve(env.KIOSK_DATA_DIR ?? '.kiosk-data'),
    configPath: env.KIOSK_CONFIG ? path.resolve(env.KIOSK_CONFIG) : undefined,
    log: createLogger('kiosk'),
    signal,
  };
}

/** Prints one JSON document on standard output. */
export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout(JSON.stringify(value, jsonReplacer, 2));
}

/** Uint8Array → hex in JSON output (bytes in the contract are upper-case hex strings). */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex').toUpperCase();
  if (typeof value === 'bigint') return value.toString();
  return value;
}
