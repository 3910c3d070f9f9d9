/**
 * The PN532 side of the HSU frame protocol (NXP UM0701-02 §6.2.1), written separately from the
 * host driver's codec in main/devices/pn532 on purpose: the simulator must not share the driver's
 * mistakes, and main/sim may not import main/devices (layer rule).
 */

export const SIM_ACK: Uint8Array = Uint8Array.of(0x00, 0x00, 0xff, 0x00, 0xff, 0x00);
export const SIM_ERROR_FRAME: Uint8Array = Uint8Array.of(0x00, 0x00, 0xff, 0x01, 0xff, 0x7f, 0x81, 0x00);

/** A PN532 → host information frame: TFI D5, response code, body. Normal up to LEN 255, extended above. */
export function responseFrame(responseCode: number, body: Uint8Array): Uint8Array {
  const len = body.length + 2; // TFI + code + body
  const header: number[] = [0x00, 0x00, 0xff];
  if (len <= 255) {
    header.push(len, (0x100 - len) & 0xff);
  } else {
    const hi = (len >> 8) & 0xff;
    const lo = len & 0xff;
    header.push(0xff, 0xff, hi, lo, (0x100 - ((hi + lo) & 0xff)) & 0xff);
  }
  const out = new Uint8Array(header.length + len + 2);
  out.set(header);
  let i = header.length;
  out[i++] = 0xd5;
  out[i++] = responseCode;
  out.set(body, i);
  i += body.length;
  let sum = 0xd5 + responseCode;
  for (const b of body) sum += b;
  out[i++] = (0x100 - (sum & 0xff)) & 0xff;
  out[i] = 0x00;
  return out;
}

export type HostFrame =
  | { type: 'ack' }
  | { type: 'nack' }
  | { type: 'command'; tfi: number; data: Uint8Array }
  | { type: 'bad-frame'; reason: 'lcs' | 'dcs' | 'length' };

type State =
  | { s: 'hunt'; zero: boolean }
  | { s: 'len1' }
  | { s: 'lcs'; len: number }
  | { s: 'ext-hi' }
  | { s: 'ext-lo'; hi: number }
  | { s: 'ext-lcs'; hi: number; lo: number }
  | { s: 'data'; len: number; got: number; buf: Uint8Array; sum: number }
  | { s: 'dcs'; buf: Uint8Array; sum: number }
  | { s: 'ackOrNack'; first: number };

/** A byte-at-a-time parser of host frames. Garbage outside frames is ignored. */
export class HostFrameParser {
  private st: State = { s: 'hunt', zero: false };
  constructor(private readonly maxLen = 265) {}

  feed(bytes: Uint8Array): HostFrame[] {
    const out: HostFrame[] = [];
    for (const b of bytes) {
      const st = this.st;
      switch (st.s) {
        case 'hunt':
          if (st.zero && b === 0xff) this.st = { s: 'len1' };
          else this.st = { s: 'hunt', zero: b === 0x00 };
          break;
        case 'len1':
          if (b === 0x00 || b === 0xff) this.st = { s: 'ackOrNack', first: b };
          else this.st = { s: 'lcs', len: b };
          break;
        case 'ackOrNack': {
          const first = st.first;
          if (first === 0x00 && b === 0xff) {
            out.push({ type: 'ack' });
            this.st = { s: 'hunt', zero: false };
          } else if (first === 0xff && b === 0x00) {
            out.push({ type: 'nack' });
            this.st = { s: 'hunt', zero: false };
          } else if (first === 0xff && b === 0xff) {
            this.st = { s: 'ext-hi' };
          } else if (first === 0xff && b === 0x01) {
            // A normal frame of LEN 255 (LCS 01).
            this.st = 255 > this.maxLen ? { s: 'hunt', zero: false } : { s: 'data', len: 255, got: 0, buf: new Uint8Array(255), sum: 0 };
          } else {
            // LEN 00 with a non-FF LCS, or LEN FF with LCS other than 00/FF: a wrong length checksum.
            out.push({ type: 'bad-frame', reason: 'lcs' });
            this.st = { s: 'hunt', zero: b === 0x00 };
          }
          break;
        }
        case 'lcs':
          if (((st.len + b) & 0xff) !== 0) {
            out.push({ type: 'bad-frame', reason: 'lcs' });
            this.st = { s: 'hunt', zero: b === 0x00 };
          } else if (st.len > this.maxLen) {
            out.push({ type: 'bad-frame', reason: 'length' });
            this.st = { s: 'hunt', zero: false };
          } else {
            this.st = { s: 'data', len: st.len, got: 0, buf: new Uint8Array(st.len), sum: 0 };
          }
          break;
        case 'ext-hi':
          this.st = { s: 'ext-lo', hi: b };
          break;
        case 'ext-lo':
          this.st = { s: 'ext-lcs', hi: st.hi, lo: b };
          break;
        case 'ext-lcs': {
          const len = (st.hi << 8) | st.lo;
          if (((st.hi + st.lo + b) & 0xff) !== 0) {
            out.push({ type: 'bad-frame', reason: 'lcs' });
            this.st = { s: 'hunt', zero: b === 0x00 };
          } else if (len === 0 || len > this.maxLen) {
            out.push({ type: 'bad-frame', reason: 'length' });
            this.st = { s: 'hunt', zero: false };
          } else {
            this.st = { s: 'data', len, got: 0, buf: new Uint8Array(len), sum: 0 };
          }
          break;
        }
        case 'data':
          st.buf[st.got++] = b;
          st.sum = (st.sum + b) & 0xff;
          if (st.got === st.len) this.st = { s: 'dcs', buf: st.buf, sum: st.sum };
          break;
        case 'dcs':
          if (((st.sum + b) & 0xff) !== 0) out.push({ type: 'bad-frame', reason: 'dcs' });
          else out.push({ type: 'command', tfi: st.buf[0]!, data: st.buf.subarray(1) });
          this.st = { s: 'hunt', zero: false };
          break;
      }
    }
    return out;
  }
}
