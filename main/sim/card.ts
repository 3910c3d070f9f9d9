/**
 * A contactless card as the simulated PN532 sees it in its RF field. The virtual passport chip
 * (main/sim/chip) implements it; fault wrappers (lifted mid-read, ...) decorate it.
 */
export interface SimCard {
  /** ISO/IEC 14443 type. */
  readonly kind: 'A' | 'B';
  /** NFCID1 (type A, 4, 7 or 10 bytes) or PUPI (type B, 4 bytes). */
  readonly uid: Uint8Array;
  /** Type A: ATQA (2 bytes, as sent on the air: LSB first), SAK, and the ATS (from TL on). */
  readonly atqa?: Uint8Array;
  readonly sak?: number;
  readonly ats?: Uint8Array;
  /** Type B: the ATQB (11 or 12 bytes from 0x50) and the ATTRIB response. */
  readonly atqb?: Uint8Array;
  readonly attribRes?: Uint8Array;
  /** Whether the card is in the field now (a lifted passport is not). */
  present(): boolean;
  /**
   * Processes one command APDU and returns the response APDU and the chip's processing time in
   * milliseconds (the emulator waits that long before answering, to be realistic).
   */
  transceive(apdu: Uint8Array): { response: Uint8Array; chipTimeMs: number };
  /** The field was switched off or the card deselected: drop session state (secure messaging). */
  reset(): void;
}
