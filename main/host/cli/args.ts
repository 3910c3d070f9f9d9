import { UsageError } from '../../base/errors.js';

/**
 * A small argument parser for the `kiosk` commands.
 * - `--name value` or `--name=value` for options;
 * - `multi` options take every following argument up to the next `--flag` (`--mrz L1 L2 L3`),
 *   and may be repeated (`--trust A --trust B`);
 * - `boolean` options take no value.
 * Unknown options and missing values raise UsageError (exit code 2).
 */
export interface OptionSpec {
  type: 'string' | 'boolean' | 'multi';
  /** For 'string': parse as an integer and check it. */
  integer?: boolean;
}

export interface ParsedArgs {
  options: Record<string, string | boolean | string[] | number | undefined>;
  positionals: string[];
}

export function parseArgs(argv: readonly string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const options: ParsedArgs['options'] = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a.length === 2) {
      positionals.push(a);
      continue;
    }
    let name = a.slice(2);
    let inline: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      inline = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const s = spec[name];
    if (!s) throw new UsageError('UNKNOWN_OPTION', `unknown option --${name}`);
    if (s.type === 'boolean') {
      options[name] = true;
      continue;
    }
    if (s.type === 'multi') {
      const list = (options[name] as string[] | undefined) ?? [];
      if (inline !== undefined) list.push(inline);
      while (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('--')) list.push(argv[++i] as string);
      if (list.length === 0) throw new UsageError('MISSING_VALUE', `--${name} needs a value`);
      options[name] = list;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError('MISSING_VALUE', `--${name} needs a value`);
    if (s.integer) {
      if (!/^-?\d+$/.test(value)) throw new UsageError('BAD_VALUE', `--${name} takes a whole number`);
      options[name] = Number(value);
    } else options[name] = value;
  }
  return { options, positionals };
}

export function optString(p: ParsedArgs, name: string): string | undefined {
  const v = p.options[name];
  return typeof v === 'string' ? v : undefined;
}

export function optNumber(p: ParsedArgs, name: string): number | undefined {
  const v = p.options[name];
  return typeof v === 'number' ? v : undefined;
}

export function optList(p: ParsedArgs, name: string): string[] {
  const v = p.options[name];
  return Array.isArray(v) ? v : [];
}

export function optFlag(p: ParsedArgs, name: string): boolean {
  return p.options[name] === true;
}

export function requireString(p: ParsedArgs, name: string): string {
  const v = optString(p, name);
  if (v === undefined) throw new UsageError('MISSING_OPTION', `--${name} is required`);
  return v;
}
