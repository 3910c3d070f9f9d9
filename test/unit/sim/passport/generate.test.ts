import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDg1, parseDg2, parseDg11, parseDg12, parseDg14, parseDg15, parseEfCom, imageInfo } from '../../../../main/emrtd/lds/index.js';
import { parseCardAccess } from '../../../../main/emrtd/pace/card-access.js';
import { generatePassport, loadPassport, savePassport, SPECIMEN_MRZ } from '../../../../main/sim/passport/index.js';
import { parseMrz } from '../../../../main/mrz/index.js';

describe('generatePassport', () => {
  it('builds a default passport whose files parse back, DG2 about 15 KB with a real JPEG', async () => {
    const p = await generatePassport();
    expect(parseMrz([...SPECIMEN_MRZ]).valid).toBe(true);
    expect(p.mrzInformation).toBe('L898902C3674081223404159');
    expect(parseEfCom(p.files.get(0x011e)!).dataGroups).toEqual(['DG1', 'DG2']);
    expect(parseDg1(p.files.get(0x0101)!).lines).toEqual([...SPECIMEN_MRZ]);
    const dg2Bytes = p.files.get(0x0102)!;
    expect(dg2Bytes.length).toBeGreaterThan(10_000);
    expect(dg2Bytes.length).toBeLessThan(18_000);
    const face = parseDg2(dg2Bytes).faces[0]!;
    expect(face.encoding).toBe('ISO19794-5');
    expect(face.info).toEqual({ format: 'jpeg', container: 'jfif', width: 240, height: 320 });
    expect(face.declared).toMatchObject({ width: 240, height: 320, imageDataType: 0 });
    // EF.CardAccess offers PACE ECDH-GM AES-128 on brainpoolP256r1 (parameter id 13).
    const ca = parseCardAccess(p.files.get(0x011c)!);
    expect(ca.paceInfos[0]).toMatchObject({ name: 'id-PACE-ECDH-GM-AES-CBC-CMAC-128', parameterId: 13, curve: 'brainpoolP256r1', supported: true });
    // EF.SOD present, tag 77.
    expect(p.files.get(0x011d)![0]).toBe(0x77);
  });

  it('decodes the JPEG face with jpeg-js', async () => {
    const jpeg = (await import('jpeg-js')).default;
    const p = await generatePassport({ faceSeed: 3 });
    const img = jpeg.decode(Buffer.from(p.face.bytes));
    expect([img.width, img.height]).toEqual([240, 320]);
  });

  it('makes JPEG 2000 faces, ISO 39794-5 records, DG11, DG12, DG14, DG15 on request', async () => {
    const p = await generatePassport({ face: 'jpeg2000', faceEncoding: 'ISO39794-5', dg11: true, dg12: true, dg14: true, dg15: true });
    expect(parseEfCom(p.files.get(0x011e)!).dataGroups).toEqual(['DG1', 'DG2', 'DG11', 'DG12', 'DG14', 'DG15']);
    const face = parseDg2(p.files.get(0x0102)!).faces[0]!;
    expect(face.encoding).toBe('ISO39794-5');
    expect(face.info).toMatchObject({ format: 'jpeg2000', container: 'j2k' });
    expect(face.declared).toMatchObject({ width: face.info.width, height: face.info.height, imageDataType: 3 });
    expect(parseDg2(p.files.get(0x0102)!).headers[0]).toMatchObject({ formatOwner: 0x0101, formatType: 0x002a });
    expect(imageInfo(p.face.bytes).format).toBe('jpeg2000');
    expect(parseDg11(p.files.get(0x010b)!).fullName).toBe('ERIKSSON<<ANNA<MARIA');
    expect(parseDg12(p.files.get(0x010c)!).dateOfIssue).toBe('20240415');
    expect(parseDg14(p.files.get(0x010e)!).infos.map((i) => i.oid)).toEqual(['0.4.0.127.0.7.2.2.3.2.2', '0.4.0.127.0.7.2.2.1.2', '2.23.136.1.1.5']);
    expect(parseDg15(p.files.get(0x010f)!).subjectPublicKeyInfo).toEqual(p.keys.activeAuthentication!.spki);
  });

  it('BAC only: no EF.CardAccess; a given MRZ (TD1) goes into DG1 as printed', async () => {
    const td1 = ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'];
    const p = await generatePassport({ mrz: td1, accessControl: { bac: true } });
    expect(p.files.has(0x011c)).toBe(false);
    expect(parseDg1(p.files.get(0x0101)!).lines).toEqual(td1);
    expect(p.mrzInformation).toBe('D23145890774081221204159');
  });

  it('refuses an invalid MRZ', async () => {
    await expect(generatePassport({ mrz: ['P<UTO', 'X'] })).rejects.toMatchObject({ code: 'BAD_MRZ' });
  });

  it('saves to a folder of EF files with passport.json and loads it back identically', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kiosk-passport-'));
    try {
      const p = await generatePassport({ dg15: true, dg14: true });
      await savePassport(dir, p);
      expect(readdirSync(dir).sort()).toEqual(['COM.bin', 'CardAccess.bin', 'DG1.bin', 'DG14.bin', 'DG15.bin', 'DG2.bin', 'SOD.bin', 'passport.json']);
      const q = await loadPassport(dir);
      expect(q.files).toEqual(p.files);
      expect(q.mrzInformation).toBe(p.mrzInformation);
      expect(q.accessControl).toEqual(p.accessControl);
      expect(q.keys.activeAuthentication!.secretKey).toEqual(p.keys.activeAuthentication!.secretKey);
      expect(q.face.bytes).toEqual(p.face.bytes);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a folder without passport.json', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kiosk-passport-'));
    try {
      await expect(loadPassport(dir)).rejects.toMatchObject({ code: 'BAD_PASSPORT_DIR' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
