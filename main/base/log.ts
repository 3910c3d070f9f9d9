/**
 * Logger. Writes JSON lines to standard error (never standard output: the CLI's stdout carries
 * only its JSON document). It never logs personal data: fields whose names denote personal
 * data are replaced by "[redacted]", and values are never interpolated into the message.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const PERSONAL = new Set([
  'surname', 'givennames', 'name', 'names', 'documentnumber', 'birthdate', 'dateofbirth', 'personalnumber',
  'mrz', 'lines', 'line', 'dg1', 'dg2', 'dg11', 'dg12', 'face', 'faceimage', 'image', 'photo', 'optionaldata',
  'optionaldata2', 'password', 'pin', 'can', 'key', 'secret', 'token', 'credential', 'fields',
]);

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

export type LogSink = (line: string) => void;

export function redact(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (PERSONAL.has(k.toLowerCase())) out[k] = '[redacted]';
    else if (v instanceof Uint8Array) out[k] = `<${v.length} bytes>`;
    else if (v instanceof Error) out[k] = { name: v.name, message: v.message, code: (v as { code?: unknown }).code };
    else if (v && typeof v === 'object' && !Array.isArray(v) && depth < 4) out[k] = redact(v as Record<string, unknown>, depth + 1);
    else out[k] = v;
  }
  return out;
}

function envLevel(): LogLevel {
  const l = (process.env.KIOSK_LOG_LEVEL ?? 'info').toLowerCase();
  return l in ORDER ? (l as LogLevel) : 'info';
}

export function createLogger(scope = 'kiosk', opts: { level?: LogLevel; sink?: LogSink } = {}): Logger {
  const level = opts.level ?? envLevel();
  const sink: LogSink = opts.sink ?? ((line) => process.stderr.write(line + '\n'));
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (ORDER[lvl] < ORDER[level]) return;
    const rec = { t: new Date().toISOString(), level: lvl, scope, msg, ...(fields ? redact(fields) : {}) };
    try {
      sink(JSON.stringify(rec));
    } catch {
      /* a logger never throws */
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (s) => createLogger(`${scope}.${s}`, { level, sink }),
  };
}

/** A logger that drops everything (tests, library defaults). */
export const nullLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => nullLogger,
};
