import type { SimCard } from '../../../../main/sim/card.js';

/** A tiny SimCard for PN532 tests: answers every APDU with the APDU itself followed by 90 00. */
export class EchoCard implements SimCard {
  kind: 'A' | 'B';
  uid: Uint8Array;
  atqa?: Uint8Array;
  sak?: number;
  ats?: Uint8Array;
  atqb?: Uint8Array;
  attribRes?: Uint8Array;
  inField = true;
  chipTimeMs = 0;
  resets = 0;
  apdus = 0;
  /** Lift the card from the field after this many APDUs (while the chip works on the next one). */
  liftAfter: number | undefined;

  constructor(kind: 'A' | 'B' = 'A') {
    this.kind = kind;
    if (kind === 'A') {
      this.uid = Uint8Array.of(0x08, 0x12, 0x34, 0x56);
      this.atqa = Uint8Array.of(0x08, 0x00); // 0x0008 on the air, LSB first
      this.sak = 0x20;
      this.ats = Uint8Array.of(0x05, 0x78, 0x80, 0x70, 0x02);
    } else {
      this.uid = Uint8Array.of(0xa1, 0xb2, 0xc3, 0xd4);
      this.atqb = Uint8Array.of(0x50, 0xa1, 0xb2, 0xc3, 0xd4, 0x00, 0x00, 0x00, 0x00, 0x00, 0x81, 0xe1);
      this.attribRes = Uint8Array.of(0x10);
    }
  }

  present(): boolean {
    return this.inField;
  }

  transceive(apdu: Uint8Array): { response: Uint8Array; chipTimeMs: number } {
    this.apdus++;
    if (this.liftAfter !== undefined && this.apdus > this.liftAfter) this.inField = false;
    const response = new Uint8Array(apdu.length + 2);
    response.set(apdu);
    response[apdu.length] = 0x90;
    response[apdu.length + 1] = 0x00;
    return { response, chipTimeMs: this.chipTimeMs };
  }

  reset(): void {
    this.resets++;
  }
}
