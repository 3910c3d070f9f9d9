import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FormatError } from '../../../../main/base/errors.js';
import { parseDg1, parseDg2, parseDg11, parseDg12, parseDg14, parseDg15, parseEfCom, imageInfo, parseFaceBlock } from '../../../../main/emrtd/lds/index.js';
import { specimen } from './fixtures.js';

const de = specimen('DE-bsi2008-mustermann');
const nl = specimen('NL-loes2006-specimen');

const parsers: [string, (b: Uint8Array) => unknown, Uint8Array][] = [
  ['COM', parseEfCom, de.efCom],
  ['DG1', parseDg1, de.dataGroups.get(1)!],
  ['DG2', parseDg2, nl.dataGroups.get(2)!.subarray(0, 600)],
  ['DG14', parseDg14, de.dataGroups.get(14)!],
  ['DG15', parseDg15, nl.dataGroups.get(15)!],
  ['DG11', parseDg11, Uint8Array.of(0x6b, 0x03, 0x5c, 0x01, 0x5f)],
  ['DG12', parseDg12, Uint8Array.of(0x6c, 0x00)],
  ['image', imageInfo, nl.dataGroups.get(2)!.subarray(57, 400)],
  ['faceBlock', parseFaceBlock, nl.dataGroups.get(2)!.subarray(30, 500)],
];

function onlyTyped(f: (b: Uint8Array) => unknown, b: Uint8Array): void {
  try {
    f(b);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
  }
}

describe('LDS parsers under fuzzing throw only FormatError', () => {
  for (const [name, f, seed] of parsers) {
    it(`${name}: random bytes`, () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => onlyTyped(f, b)), { numRuns: 400 });
    });
    it(`${name}: mutations of a real file`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
          fc.nat(),
          (muts, cut) => {
            const b = Uint8Array.from(seed);
            for (const [i, v] of muts) b[i % b.length] = v;
            onlyTyped(f, b.subarray(0, b.length - (cut % 8)));
          },
        ),
        { numRuns: 400 },
      );
    });
  }
  it('an absurd length is refused early', () => {
    expect(() => parseDg2(Uint8Array.of(0x75, 0x84, 0x7f, 0xff, 0xff, 0xff))).toThrow(FormatError);
  });
});
