import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../../main/base/errors.js';
import { fromHex } from '../../../../main/base/bytes.js';
import { encodeTlv } from '../../../../main/base/tlv.js';
import { parseDg1, parseDg2, parseDg14, parseDg15, parseEfCom, imageInfo, decodeOid, parseDg11, parseDg12, j2kCodestream } from '../../../../main/emrtd/lds/index.js';
import { specimen } from './fixtures.js';

const de = specimen('DE-bsi2008-mustermann');
const nl = specimen('NL-loes2006-specimen');

describe('EF.COM', () => {
  it('lists the data groups of the BSI 2008 specimen', () => {
    const com = parseEfCom(de.efCom);
    expect(com.ldsVersion).toBe('0107');
    expect(com.unicodeVersion).toBe('040000');
    expect(com.dataGroups).toEqual(['DG1', 'DG2', 'DG3', 'DG14']);
  });
  it('lists DG1, DG2, DG15 for the Dutch specimen', () => {
    expect(parseEfCom(nl.efCom).dataGroups).toEqual(['DG1', 'DG2', 'DG15']);
  });
  it('refuses a file with another tag', () => {
    expect(() => parseEfCom(de.dataGroups.get(1)!)).toThrow(FormatError);
    try {
      parseEfCom(de.dataGroups.get(1)!);
    } catch (e) {
      expect((e as FormatError).code).toBe('LDS_BAD_TAG');
    }
  });
  it('refuses a truncated file', () => {
    expect(() => parseEfCom(de.efCom.subarray(0, 10))).toThrow(expect.objectContaining({ code: 'TLV_TRUNCATED' }));
  });
});

describe('DG1', () => {
  it('gives the TD3 MRZ lines of the specimens', () => {
    const d = parseDg1(de.dataGroups.get(1)!);
    expect(d.format).toBe('TD3');
    expect(d.lines).toHaveLength(2);
    expect(d.lines[0]).toMatch(/^P<D<<MUSTERMANN<<ERIKA</);
    expect(d.lines[1]).toHaveLength(44);
    expect(parseDg1(nl.dataGroups.get(1)!).lines[0]).toMatch(/^P<NLDMEULENDIJK<<LOES</);
  });
  it('splits TD1 and TD2 by length and refuses other lengths', () => {
    const td1 = 'I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6ERIKSSON<<ANNA<MARIA<<<<<<<<<<';
    expect(parseDg1(encodeTlv(0x61, encodeTlv(0x5f1f, new TextEncoder().encode(td1)))).lines).toHaveLength(3);
    const td2 = 'I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<D231458907UTO7408122F1204159<<<<<<<6';
    expect(parseDg1(encodeTlv(0x61, encodeTlv(0x5f1f, new TextEncoder().encode(td2)))).format).toBe('TD2');
    expect(() => parseDg1(encodeTlv(0x61, encodeTlv(0x5f1f, new TextEncoder().encode('P<UTO'))))).toThrow(
      expect.objectContaining({ code: 'LDS_BAD_MRZ_LENGTH' }),
    );
  });
  it('refuses characters outside the MRZ set', () => {
    const bad = 'p'.repeat(88);
    expect(() => parseDg1(encodeTlv(0x61, encodeTlv(0x5f1f, new TextEncoder().encode(bad))))).toThrow(
      expect.objectContaining({ code: 'LDS_BAD_MRZ_CHARS' }),
    );
  });
});

describe('DG2', () => {
  it('finds the ISO 19794-5 JP2 face of the BSI specimen with its size', () => {
    const d = parseDg2(de.dataGroups.get(2)!);
    expect(d.faces).toHaveLength(1);
    const f = d.faces[0]!;
    expect(f.encoding).toBe('ISO19794-5');
    expect(f.info.format).toBe('jpeg2000');
    expect(f.info.container).toBe('jp2');
    expect(f.declared.imageDataType).toBe(1);
    // Quirk of this specimen: the 19794-5 header says 337 x 449, the JP2 image itself is 413 x 531.
    // The size reported is the image's own (ihdr, and the codestream's SIZ agrees).
    expect(f.declared).toMatchObject({ width: 337, height: 449 });
    expect({ width: f.info.width, height: f.info.height }).toEqual({ width: 413, height: 531 });
    expect(imageInfo(j2kCodestream(f.image))).toMatchObject({ width: 413, height: 531 });
    expect(d.headers[0]).toEqual({ formatOwner: 0x0101, formatType: 0x0008, biometricType: 2 });
    // The codestream inside the JP2 box starts with SOC SIZ.
    expect([...j2kCodestream(f.image).subarray(0, 4)]).toEqual([0xff, 0x4f, 0xff, 0x51]);
  });
  it('finds the Dutch specimen face', () => {
    const f = parseDg2(nl.dataGroups.get(2)!).faces[0]!;
    expect(f.info.format).toBe('jpeg2000');
    expect({ width: f.info.width, height: f.info.height }).toEqual({ width: 449, height: 598 });
    expect(f.declared).toMatchObject({ width: 449, height: 598 });
  });
  it('reads an ISO 39794-5 face block with optional blocks around the image (implicit tags, [APPLICATION 5])', () => {
    const jpeg = fromHex('FFD8FFE000104A46494600010100000100010000' + 'FFC0000B08014000F001011100' + 'FFD9');
    const t = (tag: number, ...v: Uint8Array[]) => encodeTlv(tag, ...v);
    const block = t(
      0x65,
      t(0xa0, t(0x80, Uint8Array.of(3)), t(0x81, Uint8Array.of(0x07, 0xe3))),
      t(
        0xa1,
        t(
          0x30,
          t(0x80, Uint8Array.of(1)),
          t(
            0xa1,
            t(
              0xa0,
              t(
                0xa0,
                t(0x80, jpeg),
                t(0xa1, t(0xa0, t(0x80, Uint8Array.of(2))), t(0xa1, t(0xa0, t(0x80, Uint8Array.of(1)))), t(0xa7, t(0x80, Uint8Array.of(0x00, 0xf0)), t(0x81, Uint8Array.of(0x01, 0x40)))),
                t(0xa2, t(0xa0, t(0x80, Uint8Array.of(1)))),
              ),
            ),
          ),
          t(0xa2, t(0x80, Uint8Array.of(0x07, 0xe8)), t(0x81, Uint8Array.of(4))),
          t(0xa3, t(0x30, t(0xa0, t(0x80, Uint8Array.of(1)), t(0x81, Uint8Array.of(1))))),
        ),
      ),
    );
    const dg2 = t(0x75, t(0x7f61, t(0x02, Uint8Array.of(1)), t(0x7f60, t(0xa1, t(0x87, fromHex('0101')), t(0x88, fromHex('002A'))), t(0x5f2e, block))));
    const d = parseDg2(dg2);
    expect(d.headers[0]).toMatchObject({ formatOwner: 0x101, formatType: 0x2a });
    expect(d.faces[0]).toMatchObject({
      encoding: 'ISO39794-5',
      info: { format: 'jpeg', width: 240, height: 320 },
      declared: { imageDataType: 2, width: 240, height: 320, version: '3/2019' },
    });
    // The same block inside a constructed BDB (7F2E) is read too.
    const dg2c = t(0x75, t(0x7f61, t(0x02, Uint8Array.of(1)), t(0x7f60, t(0xa1, t(0x87, fromHex('0101'))), t(0x7f2e, block))));
    expect(parseDg2(dg2c).faces[0]!.info.height).toBe(320);
  });

  it('refuses a DG2 without a data block and one with a record longer than its bytes', () => {
    const noBdb = encodeTlv(0x75, encodeTlv(0x7f61, encodeTlv(0x02, Uint8Array.of(1)), encodeTlv(0x7f60, encodeTlv(0xa1, encodeTlv(0x81, Uint8Array.of(2))))));
    expect(() => parseDg2(noBdb)).toThrow(expect.objectContaining({ code: 'LDS_NO_BDB' }));
    const rec = fromHex('46414300303130000000FFFF0001');
    const bad = encodeTlv(0x75, encodeTlv(0x7f61, encodeTlv(0x02, Uint8Array.of(1)), encodeTlv(0x7f60, encodeTlv(0x5f2e, rec))));
    expect(() => parseDg2(bad)).toThrow(expect.objectContaining({ code: 'LDS_TRUNCATED' }));
  });
});

describe('image formats', () => {
  it('reads a JPEG 2000 codestream size from SIZ', () => {
    const siz = fromHex('FF4FFF51002F0000' + '00000040' + '00000050' + '00000000' + '00000000');
    expect(imageInfo(siz)).toEqual({ format: 'jpeg2000', container: 'j2k', width: 64, height: 80 });
  });
  it('reads a JPEG size from its SOF0 after APP0', () => {
    const jpeg = fromHex('FFD8FFE000104A46494600010100000100010000' + 'FFC0000B080078005A01011100' + 'FFD9');
    expect(imageInfo(jpeg)).toEqual({ format: 'jpeg', container: 'jfif', width: 90, height: 120 });
  });
  it('refuses unknown bytes with a typed error', () => {
    expect(() => imageInfo(fromHex('89504E470D0A1A0A'))).toThrow(expect.objectContaining({ code: 'IMAGE_UNKNOWN' }));
  });
});

describe('DG14 and DG15', () => {
  it('exposes the SecurityInfos of the BSI specimen DG14 raw, with their OIDs', () => {
    const d = parseDg14(de.dataGroups.get(14)!);
    expect(d.securityInfos[0]).toBe(0x31);
    expect(d.infos.length).toBeGreaterThan(0);
    // Chip Authentication public key info (id-PK-ECDH 0.4.0.127.0.7.2.2.1.2) is in there.
    expect(d.infos.map((i) => i.oid)).toContain('0.4.0.127.0.7.2.2.1.2');
  });
  it('exposes the DG15 SubjectPublicKeyInfo raw', () => {
    const d = parseDg15(nl.dataGroups.get(15)!);
    expect(d.subjectPublicKeyInfo[0]).toBe(0x30);
    expect(d.subjectPublicKeyInfo.length + 3).toBeLessThanOrEqual(nl.dataGroups.get(15)!.length);
  });
  it('decodes OIDs', () => {
    expect(decodeOid(fromHex('04007F00070202040204'))).toBe('0.4.0.127.0.7.2.2.4.2.4');
    expect(decodeOid(fromHex('2A864886F70D010101'))).toBe('1.2.840.113549.1.1.1');
  });
});

describe('DG11 and DG12', () => {
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  it('parses the common DG11 tags', () => {
    const dg11 = encodeTlv(
      0x6b,
      encodeTlv(0x5c, fromHex('5F0E5F2B5F115F42')),
      encodeTlv(0x5f0e, enc('MUSTERMANN<<ERIKA')),
      encodeTlv(0xa0, encodeTlv(0x02, Uint8Array.of(2)), encodeTlv(0x5f0f, enc('GABLER<<ERIKA')), encodeTlv(0x5f0f, enc('X<<Y'))),
      encodeTlv(0x5f2b, enc('19640812')),
      encodeTlv(0x5f11, enc('BERLIN')),
      encodeTlv(0x5f42, enc('HEIDESTRASSE 17<KÖLN')),
    );
    expect(parseDg11(dg11)).toEqual({
      fullName: 'MUSTERMANN<<ERIKA',
      otherNames: ['GABLER<<ERIKA', 'X<<Y'],
      fullDateOfBirth: '19640812',
      placeOfBirth: 'BERLIN',
      address: 'HEIDESTRASSE 17<KÖLN',
      tagList: [0x5f0e, 0x5f2b, 0x5f11, 0x5f42],
    });
  });
  it('parses the common DG12 tags, dates in ASCII or BCD', () => {
    const dg12 = encodeTlv(0x6c, encodeTlv(0x5c, fromHex('5F195F26')), encodeTlv(0x5f19, enc('STADT KÖLN')), encodeTlv(0x5f26, fromHex('20171101')));
    expect(parseDg12(dg12)).toEqual({ issuingAuthority: 'STADT KÖLN', dateOfIssue: '20171101', tagList: [0x5f19, 0x5f26] });
  });
});
