/**
 * The one thing main/emrtd needs from a card reader: send a command APDU, get a response APDU.
 * main/devices/pn532 implements it structurally (it never imports emrtd); so can a PC/SC reader
 * or a test double. Errors are DeviceError / TimeoutError from main/base/errors:
 *  - code 'CARD_LOST': the chip left the field (passport lifted);
 *  - code 'TIMEOUT':   the chip did not answer in time;
 *  - other codes:      the reader itself failed (unplugged, protocol error).
 */
export interface ApduTransport {
  /** Sends one command APDU; resolves with the response APDU (data followed by SW1 SW2). */
  transmit(command: Uint8Array): Promise<Uint8Array>;
  /**
   * The largest response data length (Le) the link can carry in one exchange, e.g. 0xE7 (231)
   * leaves room for secure-messaging overhead within a PN532 normal frame. Readers start the Le
   * ladder here.
   */
  readonly maxLe: number;
  /** Whether the link can carry extended-length APDUs (Lc/Le over 256). */
  readonly extendedLength?: boolean;
  /**
   * Waits until a chip is in the field again and activates it (after 'CARD_LOST'), so that the
   * reader can re-authenticate and resume from the last offset. Rejects with TimeoutError.
   */
  reconnect?(opts: { timeoutMs: number; signal?: AbortSignal }): Promise<void>;
}
