import { describe, expect, it } from 'vitest';
import { buildMrz, parseMrz } from '../../../main/mrz/index.js';
import { buildTd3 } from '../../../main/sim/pages/mrz-build.js';
import { randomFields, renderPage, rng, variantSpec } from '../../../main/sim/pages/generate.js';
import { sniffImage } from '../../../main/checks/index.js';

describe('synthetic data pages', () => {
  it('prints a valid TD3 MRZ that agrees with main/mrz buildMrz', () => {
    const r = rng(5);
    for (let i = 0; i < 50; i++) {
      const f = randomFields(r);
      const lines = buildTd3(f);
      const parsed = parseMrz(lines, { repair: false });
      expect(parsed.valid, lines.join('\n')).toBe(true);
      expect(buildMrz('TD3', parsed.fields)).toEqual(lines);
    }
  });

  it('is deterministic per seed and labels what it drew', () => {
    const a = renderPage(variantSpec(3, 'noisy'));
    const b = renderPage(variantSpec(3, 'noisy'));
    expect(Buffer.from(a.image).equals(Buffer.from(b.image))).toBe(true);
    expect(a.label.expect.quality).toBe('pass');
    const blur = renderPage(variantSpec(4, 'blur')).label;
    expect(blur.expect).toMatchObject({ quality: 'fail', qualityReasons: ['BLUR'], face: 'pass' });
    const noface = renderPage(variantSpec(5, 'noface')).label;
    expect(noface.expect.face).toBe('fail');
    const jpeg = renderPage({ ...variantSpec(6, 'good'), defects: { jpegQuality: 80 } });
    expect(sniffImage(jpeg.image)).toBe('jpeg');
    expect(jpeg.label.mime).toBe('image/jpeg');
    const { regions, width, height } = renderPage(variantSpec(7, 'good')).label;
    expect(regions.mrz.y).toBeGreaterThan(regions.portrait.y + regions.portrait.h);
    expect(regions.page.x + regions.page.w).toBeLessThanOrEqual(width);
    expect(regions.page.y + regions.page.h).toBeLessThanOrEqual(height);
  });
});
