/**
 * The driver against byte sequences of real PN532 modules (not our simulator): the command frames
 * it must send and the ACK + response frames a PN532 v1.6 answers with. Sources:
 *  - GetFirmwareVersion, SAMConfiguration, InListPassiveTarget (Mifare 1K), InDataExchange (Mifare
 *    READ): the exchanges printed with UM0701-02 examples and in vendor wiki pages and logs of PN532
 *    HSU modules (e.g. 00 00 FF 02 FE D4 02 2A 00 → 00 00 FF 00 FF 00 00 00 FF 06 FA D5 03 32 01 06 07 E8 00);
 *  - 7-byte UID (SAK 00) and ISO/IEC 14443-4 cards (SAK 20 with ATS): logs of PN532 readers
 *    (a DESFire EV1 with ATS 06 75 77 81 02 80, a JCOP card with a 19-byte ATS, UID zeroed).
 *    Where a log was cut before DCS, the DCS below is computed (the rest is as recorded).
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../main/base/bytes.js';
import { DeviceError, KioskError } from '../../../../main/base/errors.js';
import { createLinkPair, type ByteLink } from '../../../../main/devices/link.js';
import { HSU_WAKEUP_PREAMBLE, Pn532, parseTargets } from '../../../../main/devices/pn532/driver.js';
import { checksum } from '../../../../main/devices/pn532/frame.js';

const ACK = '0000FF00FF00';

/** A scripted PN532: waits for the exact command frame, then answers with the recorded bytes. */
function scripted(dev: ByteLink, script: Array<{ expect: string; reply: string }>): { seen: string[] } {
  const seen: string[] = [];
  let acc = '';
  let step = 0;
  dev.onData((chunk) => {
    acc += toHex(chunk);
    const s = script[step];
    if (!s) return;
    const want = s.expect.replace(/\s/g, '').toUpperCase();
    if (acc.endsWith(want)) {
      seen.push(acc);
      acc = '';
      step++;
      void dev.write(fromHex(s.reply));
    }
  });
  return { seen };
}

/** Completes a recorded frame body (LEN..PDn) with its DCS and postamble. */
function withDcs(hexFromTfi: string): string {
  const body = fromHex(hexFromTfi);
  return toHex(Uint8Array.of(body.length, checksum([body.length]))) + toHex(body) + toHex(Uint8Array.of(checksum(body), 0));
}

describe('Pn532 driver against recorded PN532 exchanges', () => {
  it('wakes the module and reads the firmware version (PN532 v1.6)', async () => {
    const [host, dev] = createLinkPair();
    const s = scripted(dev, [
      { expect: '0000FF05FBD4140114010200', reply: ACK + '0000FF02FED5151600' },
      { expect: '0000FF02FED4022A00', reply: ACK + '0000FF06FAD50332010607E800' },
    ]);
    const pn = new Pn532({ link: host });
    await pn.samConfiguration();
    const fw = await pn.getFirmwareVersion();
    expect(fw).toMatchObject({ ic: 0x32, ver: 1, rev: 6, support: 7, isoA: true, isoB: true, iso18092: true });
    // The first command carries the HSU wake-up preamble 55 55 00 ...; the next does not.
    expect(s.seen[0]!.startsWith(toHex(HSU_WAKEUP_PREAMBLE))).toBe(true);
    expect(s.seen[1]).toBe('0000FF02FED4022A00');
    pn.close();
  });

  it('lists a Mifare Classic 1K (4-byte UID, no ATS)', async () => {
    const [host, dev] = createLinkPair();
    scripted(dev, [{ expect: '0000FF04FCD44A0100E100', reply: ACK + '0000FF0CF4D54B010100040804 9EB36E66 A900'.replace(/ /g, '') }]);
    const pn = new Pn532({ link: host, wakeUp: false });
    const [t, ...rest] = await pn.inListPassiveTarget('A');
    expect(rest).toHaveLength(0);
    expect(t?.type).toBe('A');
    if (t?.type !== 'A') return;
    expect(toHex(t.sensRes)).toBe('0004');
    expect(t.atqa).toBe(0x0004);
    expect(t.sak).toBe(0x08);
    expect(toHex(t.uid)).toBe('9EB36E66');
    expect(t.ats).toBeUndefined();
    expect(t.iso14443_4).toBe(false);
    pn.close();
  });

  it('lists a 7-byte UID tag (SENS_RES 00 44, SAK 00)', async () => {
    const [host, dev] = createLinkPair();
    scripted(dev, [{ expect: '0000FF04FCD44A0100E100', reply: ACK + '0000FF0FF1D54B01010044000704 7BCB51962280 C000'.replace(/ /g, '') }]);
    const pn = new Pn532({ link: host, wakeUp: false });
    const [t] = await pn.inListPassiveTarget('A');
    expect(t?.type === 'A' && toHex(t.uid)).toBe('047BCB51962280');
    expect(t?.type === 'A' && t.atqa).toBe(0x0044);
    pn.close();
  });

  it('lists ISO/IEC 14443-4 cards with their ATS (DESFire, JCOP)', async () => {
    const desfire = 'D54B01010044200704 7368A2C72280 067577810280'.replace(/ /g, '');
    const jcop = 'D54B01010044200700000000000000 1378807202803180 66B1840C016E0183009000'.replace(/ /g, '');
    expect(withDcs(desfire).slice(0, 4)).toBe('15EB'); // as recorded: LEN 15, LCS EB
    expect(withDcs(jcop).slice(0, 4)).toBe('22DE'); // as recorded: LEN 22, LCS DE
    const [host, dev] = createLinkPair();
    scripted(dev, [
      { expect: '0000FF04FCD44A0100E100', reply: ACK + '0000FF' + withDcs(desfire) },
      { expect: '0000FF04FCD44A0100E100', reply: ACK + '0000FF' + withDcs(jcop) },
    ]);
    const pn = new Pn532({ link: host, wakeUp: false });
    const [a] = await pn.inListPassiveTarget('A');
    expect(a?.type === 'A' && [toHex(a.uid), a.sak, toHex(a.ats ?? new Uint8Array(0)), a.iso14443_4]).toEqual(['047368A2C72280', 0x20, '067577810280', true]);
    const [b] = await pn.inListPassiveTarget('A');
    expect(b?.type === 'A' && b.ats?.length).toBe(19);
    expect(b?.type === 'A' && toHex(b.ats!.subarray(0, 5))).toBe('1378807202');
    pn.close();
  });

  it('exchanges data with a card (Mifare READ block 4) and checks the status byte', async () => {
    const [host, dev] = createLinkPair();
    scripted(dev, [
      { expect: '0000FF05FBD440013004B700', reply: ACK + '0000FF13EDD54100' + 'FF'.repeat(16) + 'FA00' },
      { expect: '0000FF05FBD440013004B700', reply: ACK + '0000FF03FDD54114D600' },
    ]);
    const pn = new Pn532({ link: host, wakeUp: false });
    const r = await pn.inDataExchange(1, fromHex('3004'));
    expect(toHex(r)).toBe('FF'.repeat(16));
    const err = await pn.inDataExchange(1, fromHex('3004')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as KioskError).code).toBe('PN532_MIFARE_AUTH_ERROR');
    pn.close();
  });

  it('turns the syntax error frame into PN532_SYNTAX_ERROR', async () => {
    const [host, dev] = createLinkPair();
    scripted(dev, [{ expect: '0000FF02FED4022A00', reply: ACK + '0000FF01FF7F8100' }]);
    const pn = new Pn532({ link: host, wakeUp: false });
    await expect(pn.getFirmwareVersion()).rejects.toMatchObject({ code: 'PN532_SYNTAX_ERROR' });
    pn.close();
  });

  it('gives up with PN532_NO_ACK when nothing answers, resending the frame with the wake-up preamble', async () => {
    const [host, dev] = createLinkPair();
    let writes = 0;
    dev.onData(() => writes++);
    const pn = new Pn532({ link: host, wakeUp: false, ackTimeoutMs: 20, retries: 2 });
    await expect(pn.getFirmwareVersion()).rejects.toMatchObject({ code: 'PN532_NO_ACK' });
    expect(writes).toBe(3);
    pn.close();
  });

  it('sends an ACK to abort a command whose response does not come, then reports TIMEOUT', async () => {
    const [host, dev] = createLinkPair();
    const got: string[] = [];
    dev.onData((c) => {
      got.push(toHex(c));
      if (toHex(c).endsWith('D4022A00')) void dev.write(fromHex(ACK));
    });
    const pn = new Pn532({ link: host, wakeUp: false });
    await expect(pn.getFirmwareVersion({ timeoutMs: 50 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    await new Promise((r) => setTimeout(r, 10));
    expect(got.at(-1)).toBe(ACK);
    pn.close();
  });

  it('rejects malformed target data with PN532_BAD_RESPONSE', () => {
    for (const bad of ['', '03', '0101000408', '0101000408059EB36E66', '01010044200704736822C72280FF']) {
      expect(() => parseTargets('A', fromHex(bad))).toThrow(expect.objectContaining({ code: 'PN532_BAD_RESPONSE' }) as unknown as Error);
    }
    expect(() => parseTargets('B', fromHex('0101 51000000000000000000000000'))).toThrow(DeviceError);
  });
});
