/** Fuzz: whatever a (broken) PN532 answers, the driver resolves or rejects with a typed KioskError. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KioskError } from '../../../../main/base/errors.js';
import { createLinkPair } from '../../../../main/devices/link.js';
import { Pn532, parseTargets } from '../../../../main/devices/pn532/driver.js';
import { ACK_FRAME, Pn532FrameDecoder, TFI_HOST_TO_PN532, encodeResponseFrame } from '../../../../main/devices/pn532/frame.js';

type Reply = { kind: 'response'; body: Uint8Array } | { kind: 'raw'; bytes: Uint8Array } | { kind: 'silence' };

const reply: fc.Arbitrary<Reply> = fc.oneof(
  fc.record({ kind: fc.constant('response' as const), body: fc.uint8Array({ maxLength: 40 }) }),
  fc.record({ kind: fc.constant('response' as const), body: fc.uint8Array({ minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('raw' as const), bytes: fc.uint8Array({ maxLength: 40 }) }),
  fc.record({ kind: fc.constant('silence' as const) }),
);

describe('Pn532 driver fuzz', () => {
  it('parseTargets throws only DeviceError on any bytes', () => {
    fc.assert(
      fc.property(fc.constantFrom<'A' | 'B'>('A', 'B'), fc.uint8Array({ maxLength: 60 }), (type, bytes) => {
        try {
          parseTargets(type, bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(KioskError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('any answer to any command gives a result or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(reply, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 4 }), async (replies, which) => {
        const [host, dev] = createLinkPair();
        const dec = new Pn532FrameDecoder({ expectTfi: TFI_HOST_TO_PN532 });
        let i = 0;
        dev.onData((chunk) => {
          for (const ev of dec.push(chunk)) {
            if (ev.kind !== 'info') continue;
            const r = replies[i++ % replies.length]!;
            if (r.kind === 'silence') continue;
            const bytes = r.kind === 'raw' ? r.bytes : encodeResponseFrame(ev.data[0]!, r.body);
            void dev.write(new Uint8Array([...ACK_FRAME, ...bytes]));
          }
        });
        const pn = new Pn532({ link: host, wakeUp: false, ackTimeoutMs: 15, commandTimeoutMs: 25, exchangeTimeoutMs: 25, retries: 1 });
        const ops = [
          () => pn.getFirmwareVersion(),
          () => pn.inListPassiveTarget('A'),
          () => pn.inListPassiveTarget('B'),
          () => pn.inDataExchange(1, new Uint8Array(300)),
          () => pn.inRelease(0),
        ];
        try {
          await ops[which]!();
        } catch (e) {
          expect(e).toBeInstanceOf(KioskError);
        } finally {
          pn.close();
        }
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
