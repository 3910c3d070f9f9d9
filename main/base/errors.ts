/**
 * Typed errors. Every error the kiosk raises on bad input is a KioskError with a stable
 * machine-readable `code`; callers switch on `code`, never on the message text.
 * Messages must never contain personal data (names, document numbers, dates of birth).
 */
export class KioskError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  toJSON(): { name: string; code: string; message: string; details: Readonly<Record<string, unknown>> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** Malformed bytes: a bad TLV, frame, length or encoding. */
export class FormatError extends KioskError {}

/** A device did not answer, went away, or answered outside its protocol. */
export class DeviceError extends KioskError {}

/** An operation ran past its deadline. */
export class TimeoutError extends KioskError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('TIMEOUT', message, details);
  }
}

/** A usage error of an API or command (bad arguments, wrong state). */
export class UsageError extends KioskError {}

export function isKioskError(e: unknown): e is KioskError {
  return e instanceof KioskError;
}

/** Turns anything thrown into a KioskError without losing the original as `cause`. */
export function asKioskError(e: unknown, code = 'INTERNAL'): KioskError {
  if (e instanceof KioskError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new KioskError(code, message, {}, { cause: e });
}
