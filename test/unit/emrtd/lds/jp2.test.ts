import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { parseDg2, imageInfo } from '../../../../main/emrtd/lds/index.js';
import { decodeJpeg2000, encodeJpeg2000, jpeg2000ToPng } from '../../../../main/emrtd/jp2.js';
import { FormatError } from '../../../../main/base/errors.js';
import { specimen } from './fixtures.js';

describe('JPEG 2000 decoding for display', () => {
  it('decodes the Dutch specimen JP2 face to RGBA of the declared size, a light background at the top', async () => {
    const f = parseDg2(specimen('NL-loes2006-specimen').dataGroups.get(2)!).faces[0]!;
    const img = await decodeJpeg2000(f.image);
    expect([img.width, img.height]).toEqual([449, 598]);
    expect(img.data.length).toBe(449 * 598 * 4);
    // Top-left corner is the light studio background; the centre (face) is darker.
    const at = (x: number, y: number): number => img.data[(y * 449 + x) * 4]!;
    expect(at(20, 20)).toBeGreaterThan(180);
    expect(at(224, 560)).toBeLessThan(at(20, 20));
    expect(img.data[3]).toBe(255);
  });
  it('makes a PNG of the BSI specimen face (JP2 413 x 531)', async () => {
    const f = parseDg2(specimen('DE-bsi2008-mustermann').dataGroups.get(2)!).faces[0]!;
    const png = PNG.sync.read(Buffer.from(await jpeg2000ToPng(f.image)));
    expect([png.width, png.height]).toEqual([413, 531]);
  });
  it('round-trips an encoded codestream', async () => {
    const w = 40;
    const h = 30;
    const data = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) data.set([i % w < 20 ? 30 : 220, 120, 60, 255], i * 4);
    const j2k = await encodeJpeg2000({ width: w, height: h, data }, { compressionRatio: 2 });
    expect(imageInfo(j2k)).toEqual({ format: 'jpeg2000', container: 'j2k', width: 40, height: 30 });
    const back = await decodeJpeg2000(j2k);
    expect(Math.abs(back.data[0]! - 30)).toBeLessThan(20);
    expect(Math.abs(back.data[(w - 1) * 4]! - 220)).toBeLessThan(20);
  });
  it('refuses a JPEG and broken codestreams with FormatError', async () => {
    await expect(decodeJpeg2000(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0))).rejects.toBeInstanceOf(FormatError);
    await expect(decodeJpeg2000(Uint8Array.of(0xff, 0x4f, 0xff, 0x51, 0, 0x2f, 0, 0, 0, 0))).rejects.toBeInstanceOf(FormatError);
  });
});
