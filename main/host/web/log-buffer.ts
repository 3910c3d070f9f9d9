import { createLogger, type Logger } from '../../base/log.js';

/** A logger that also keeps its last lines (already redacted) for the technician's log screen. */
export function bufferedLogger(scope: string, max = 1000): { log: Logger; lines(limit: number): string[] } {
  const buf: string[] = [];
  const log = createLogger(scope, {
    sink: (line) => {
      buf.push(line);
      if (buf.length > max) buf.splice(0, buf.length - max);
      process.stderr.write(line + '\n');
    },
  });
  return { log, lines: (limit) => buf.slice(-limit) };
}
