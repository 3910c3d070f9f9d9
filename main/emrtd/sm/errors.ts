import { KioskError } from '../../base/errors.js';

/**
 * Secure messaging failed. Codes: 'SM_BAD_MAC' (response MAC wrong), 'SM_MISSING_OBJECTS' (no DO8E,
 * DO99 ...), 'SM_BAD_RESPONSE' (malformed data objects or padding), 'SM_SESSION_ABORTED' (the chip
 * answered 6987/6988 or another plain status word: it dropped the session), 'SM_CHANNEL_CLOSED'
 * (the channel failed before and must be re-established by access control).
 * After any of these the session keys are gone on the chip side: re-authenticate.
 */
export class SecureMessagingError extends KioskError {
  /** The plain status word when the chip answered without secure messaging. */
  readonly sw: number | undefined;
  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown; sw?: number }) {
    super(code, message, details, options);
    this.sw = options?.sw;
  }
}
