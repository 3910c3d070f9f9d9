import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fromHex, toHex } from '../../../main/base/bytes.js';
import { deriveBacKeys, performBac, mrzInformation } from '../../../main/emrtd/bac.js';
import { AccessDeniedError } from '../../../main/emrtd/apdu.js';
import type { ApduTransport } from '../../../main/emrtd/transport.js';

const v = JSON.parse(readFileSync(new URL('../../fixtures/icao/icao9303-p11-bac.json', import.meta.url), 'utf8'));

/** Replays a fixed exchange: each command must equal the expected bytes exactly. */
function scripted(steps: { command: string; response: string }[]): ApduTransport & { sent: string[] } {
  let i = 0;
  const sent: string[] = [];
  return {
    maxLe: 231,
    sent,
    async transmit(cmd: Uint8Array) {
      const s = steps[i++];
      sent.push(toHex(cmd));
      if (!s) throw new Error('unexpected extra command ' + toHex(cmd));
      expect(toHex(cmd)).toBe(s.command);
      return fromHex(s.response);
    },
  };
}

function fixedRandom(...values: string[]) {
  const q = values.map(fromHex);
  return (n: number) => {
    const b = q.shift();
    if (!b || b.length !== n) throw new Error('unexpected random request');
    return b;
  };
}

describe('ICAO 9303-11 Appendix D: BAC', () => {
  it('builds the MRZ information with check digits', () => {
    expect(mrzInformation('L898902C', '690806', '940623')).toBe(v.keyDerivation[0].mrzInformation);
  });

  it('derives K_enc and K_mac (D.2)', () => {
    const k = deriveBacKeys(v.keyDerivation[0].mrzInformation);
    expect(toHex(k.kSeed)).toBe(v.keyDerivation[0].kseed);
    expect(toHex(k.kEnc)).toBe(v.keyDerivation[0].kenc);
    expect(toHex(k.kMac)).toBe(v.keyDerivation[0].kmac);
  });

  it('replays the mutual authentication and the secure messaging of D.3/D.4 byte for byte', async () => {
    const a = v.authentication;
    const sm = v.secureMessaging;
    const t = scripted([
      a.getChallenge,
      a.externalAuthenticate,
      ...sm.exchanges.map((x: { protected: string; response: string }) => ({ command: x.protected, response: x.response + '9000' })),
    ]);
    const r = await performBac(t, v.keyDerivation[0].mrzInformation, { random: fixedRandom(a.rndIFD, a.kIFD) });
    expect(toHex(r.ksEnc)).toBe(a.ksEnc);
    expect(toHex(r.ksMac)).toBe(a.ksMac);
    expect(toHex(r.ssc)).toBe(a.ssc);
    for (const x of sm.exchanges) {
      const resp = await r.channel.transmit(fromHex(x.plain));
      expect(toHex(resp)).toBe(x.data + '9000');
    }
    expect(toHex(r.channel.ssc)).toBe(sm.sscAfter);
  });

  it('a refused key (6300) is AccessDeniedError saying the MRZ may be misread', async () => {
    const t = scripted([v.authentication.getChallenge, { command: v.authentication.externalAuthenticate.command, response: '6300' }]);
    const p = performBac(t, v.keyDerivation[0].mrzInformation, { random: fixedRandom(v.authentication.rndIFD, v.authentication.kIFD) });
    await expect(p).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(p).rejects.toMatchObject({ code: 'ACCESS_DENIED', message: expect.stringMatching(/MRZ may be misread/) });
  });
});
