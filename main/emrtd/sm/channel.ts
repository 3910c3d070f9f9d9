import { encodeResponseApdu, parseCommandApdu, describeCommand } from '../apdu.js';
import type { ApduTransport } from '../transport.js';
import { SmCodec, type SmCipher, type SmKeys } from './codec.js';
import { SecureMessagingError } from './errors.js';
import { KioskError } from '../../base/errors.js';
import type { Logger } from '../../base/log.js';

export interface SecureChannel {
  readonly cipher: SmCipher;
  /** Wraps the command, sends it, verifies the response MAC (throws SecureMessagingError code 'SM_BAD_MAC' etc.), returns the unwrapped response APDU (data + SW). */
  transmit(command: Uint8Array): Promise<Uint8Array>;
  /** Replaces the session keys (after Chip Authentication) and resets the SSC as the spec says. */
  setKeys(keys: { cipher: SmCipher; kEnc: Uint8Array; kMac: Uint8Array; ssc?: Uint8Array }): void;
}

/**
 * Secure channel over an ApduTransport. After any secure messaging failure the channel closes
 * (the chip has dropped its session keys): every later transmit throws 'SM_CHANNEL_CLOSED' until a
 * new channel is made by access control. Transport errors (CARD_LOST, TIMEOUT) pass through as they
 * are, and also close the channel, because the SSC is then out of step.
 */
export class SmChannel implements SecureChannel {
  private readonly codec: SmCodec;
  private closedBy: KioskError | undefined;

  constructor(
    private readonly transport: ApduTransport,
    keys: SmKeys,
    private readonly log?: Logger,
  ) {
    this.codec = new SmCodec(keys);
  }

  get cipher(): SmCipher {
    return this.codec.cipher;
  }

  /** The current send sequence counter (for tests and diagnostics). */
  get ssc(): Uint8Array {
    return this.codec.ssc;
  }

  /**
   * The largest READ BINARY Ne whose protected response fits a short response APDU (256 bytes):
   * 223 with AES (16-byte blocks), 231 with 3DES. Larger asks are lowered to it unless the
   * transport has extended lengths.
   */
  get maxShortReadLe(): number {
    return this.codec.cipher === 'AES' ? 223 : 231;
  }

  get closed(): boolean {
    return this.closedBy !== undefined;
  }

  setKeys(keys: { cipher: SmCipher; kEnc: Uint8Array; kMac: Uint8Array; ssc?: Uint8Array }): void {
    this.codec.setKeys(keys);
    this.closedBy = undefined;
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    if (this.closedBy) {
      throw new SecureMessagingError('SM_CHANNEL_CLOSED', 'secure messaging channel is closed; re-establish access control', {
        after: this.closedBy.code,
      });
    }
    const cmd = parseCommandApdu(command);
    const extended = this.transport.extendedLength === true && (cmd.le ?? 0) > this.maxShortReadLe;
    if (!extended && (cmd.ins === 0xb0 || cmd.ins === 0xb1) && cmd.le !== undefined && cmd.le > this.maxShortReadLe) {
      // A short protected response carries at most 256 bytes (DO87 + DO99 + DO8E): ask for no more
      // than fits. READ BINARY callers already accept fewer bytes than asked.
      cmd.le = this.maxShortReadLe;
    }
    const wrapped = this.codec.wrapCommand(cmd, { extended });
    let raw: Uint8Array;
    try {
      raw = await this.transport.transmit(wrapped);
    } catch (e) {
      this.closedBy = e instanceof KioskError ? e : new KioskError('TRANSPORT', 'transport failed', {}, { cause: e });
      throw e;
    }
    try {
      const r = this.codec.unwrapResponse(raw);
      return encodeResponseApdu(r.data, r.sw);
    } catch (e) {
      const err = e instanceof SecureMessagingError ? e : new SecureMessagingError('SM_BAD_RESPONSE', 'secure messaging response rejected', {}, { cause: e });
      this.closedBy = err;
      this.log?.warn('secure messaging failed', { code: err.code, command: describeCommand(command) });
      throw err;
    }
  }
}

export function createSecureChannel(transport: ApduTransport, keys: SmKeys, log?: Logger): SmChannel {
  return new SmChannel(transport, keys, log);
}
