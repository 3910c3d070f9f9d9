import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentChecker, type CheckName, type DocumentChecker, type Evidence } from '../../../main/checks/index.js';
import { buildMrz, parseMrz } from '../../../main/mrz/index.js';
import { randomFields, renderPage, rng, variantSpec, type PageVariant } from '../../../main/sim/pages/generate.js';
import { MODELS_DIR } from './helpers.js';

let checker: DocumentChecker;
beforeAll(async () => {
  checker = await createDocumentChecker({ modelsDir: MODELS_DIR, threads: 1 });
});
afterAll(async () => {
  await checker.close();
});

const byCheck = (ev: Evidence[]): Record<CheckName, Evidence> => Object.fromEntries(ev.map((e) => [e.check, e])) as Record<CheckName, Evidence>;

async function check(variant: PageVariant, seed: number, extra: { scannerMrz?: string[]; chipDg1Mrz?: string[] } = {}) {
  const page = renderPage(variantSpec(seed, variant));
  const r = await checker.checkPage({ image: page.image, ...extra });
  return { page, r, ev: byCheck(r.evidence) };
}

describe('document checks on generated data pages', () => {
  it('passes every check of a clean page and reads its MRZ exactly', async () => {
    const { page, r, ev } = await check('good', 21, {});
    for (const c of ['image-sharpness', 'image-glare', 'image-exposure', 'image-crop', 'face-present', 'mrz-ocr'] as const) {
      expect(ev[c], c).toMatchObject({ status: 'pass', reasonCode: 'OK' });
      expect(ev[c].modelVersion).toMatch(/@/);
    }
    expect(r.mrz?.valid).toBe(true);
    expect(r.mrz?.fields).toEqual(parseMrz(page.label.mrz).fields);
    expect(ev['mrz-vs-scanner']).toMatchObject({ status: 'not-run', reasonCode: 'NO_SCANNER_MRZ' });
    expect(ev['mrz-vs-chip']).toMatchObject({ status: 'not-run', reasonCode: 'NO_CHIP_DG1' });
    expect(ev['face-match']).toMatchObject({ status: 'not-run', reasonCode: 'FACE_MATCH_UNAVAILABLE' });
    // regions for the officer's view: the face inside the printed portrait, the MRZ over the printed zone
    const portrait = page.label.regions.portrait;
    const face = ev['face-present'].regions[0]!;
    expect(face.kind).toBe('face');
    expect(face.x + face.w / 2).toBeGreaterThan(portrait.x);
    expect(face.x + face.w / 2).toBeLessThan(portrait.x + portrait.w);
    const mrzBox = ev['mrz-ocr'].regions.find((g) => g.kind === 'mrz')!;
    const truth = page.label.regions.mrz;
    expect(Math.abs(mrzBox.y + mrzBox.h / 2 - (truth.y + truth.h / 2))).toBeLessThan(truth.h / 2);
    expect(ev['mrz-ocr'].regions.filter((g) => g.kind === 'mrz-line')).toHaveLength(2);
    expect(r.printedFace?.crop?.slice(0, 4)).toEqual(new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
    expect(r.timings.totalMs).toBeGreaterThan(0);
  });

  it('fails sharpness on a blurred page', async () => {
    const { ev } = await check('blur', 22);
    expect(ev['image-sharpness']).toMatchObject({ status: 'fail', reasonCode: 'IMAGE_BLURRED' });
    expect(ev['image-sharpness'].score!).toBeLessThan(ev['image-sharpness'].threshold!);
  });

  it('fails glare on a page with a specular spot', async () => {
    const { ev } = await check('glare', 23);
    expect(ev['image-glare']).toMatchObject({ status: 'fail', reasonCode: 'IMAGE_GLARE' });
    expect(ev['image-sharpness'].status).toBe('pass');
  });

  it('fails exposure on a dark page and on a washed-out one', async () => {
    const dark = await check('dark', 24);
    expect(dark.ev['image-exposure']).toMatchObject({ status: 'fail', reasonCode: 'IMAGE_UNDEREXPOSED' });
    const bright = await check('bright', 25);
    expect(bright.ev['image-exposure']).toMatchObject({ status: 'fail', reasonCode: 'IMAGE_OVEREXPOSED' });
  });

  it('fails crop when the page runs off the frame', async () => {
    const { ev, r } = await check('crop', 26);
    expect(ev['image-crop']).toMatchObject({ status: 'fail', reasonCode: 'IMAGE_CROPPED' });
    expect((ev['image-crop'].details as { sides: string[] }).sides.length).toBeGreaterThan(0);
    expect(r.evidence).toHaveLength(9);
  });

  it('fails face-present on a page without a portrait', async () => {
    const { ev, r } = await check('noface', 27);
    expect(ev['face-present']).toMatchObject({ status: 'fail', reasonCode: 'FACE_NOT_FOUND' });
    expect(r.printedFace).toBeUndefined();
  });

  it('cross-checks the printed MRZ with the scanner MRZ and the chip DG1, field by field', async () => {
    const page = renderPage(variantSpec(28, 'good'));
    const same = await checker.checkPage({ image: page.image, scannerMrz: page.label.mrz, chipDg1Mrz: page.label.mrz });
    const ok = byCheck(same.evidence);
    expect(ok['mrz-vs-scanner']).toMatchObject({ status: 'pass', reasonCode: 'OK', score: 1 });
    expect(ok['mrz-vs-chip']).toMatchObject({ status: 'pass', reasonCode: 'OK' });
    // the chip holds another person's data with the same document number
    const other = { ...randomFields(rng(99)), documentNumber: page.label.fields.documentNumber };
    const wrong = buildMrz('TD3', { ...other, personalNumber: other.personalNumber, optionalData: '' });
    const r = await checker.checkPage({ image: page.image, scannerMrz: page.label.mrz, chipDg1Mrz: wrong });
    const ev = byCheck(r.evidence);
    expect(ev['mrz-vs-scanner'].status).toBe('pass');
    expect(ev['mrz-vs-chip']).toMatchObject({ status: 'fail', reasonCode: 'MRZ_MISMATCH' });
    const fields = (ev['mrz-vs-chip'].details as { fields: { field: string; match: boolean }[] }).fields;
    expect(fields.find((f) => f.field === 'documentNumber')?.match).toBe(true);
    expect(fields.find((f) => f.field === 'birthDate')?.match).toBe(false);
    // evidence never carries the personal data itself
    expect(JSON.stringify(ev['mrz-vs-chip'])).not.toContain(page.label.fields.documentNumber);
  });

  it('flags a printed MRZ that differs from the scanner MRZ (a page swapped under the scanner)', async () => {
    const seedFields = variantSpec(29, 'good');
    const printed = renderPage(seedFields);
    const scannerOther = renderPage(variantSpec(30, 'good')).label.mrz;
    const r = await checker.checkPage({ image: printed.image, scannerMrz: scannerOther });
    expect(byCheck(r.evidence)['mrz-vs-scanner']).toMatchObject({ status: 'fail', reasonCode: 'MRZ_MISMATCH' });
  });

  it('does not pass a printed MRZ whose check digits are wrong', async () => {
    const spec = variantSpec(31, 'good');
    const page = renderPage(spec);
    const [l1, l2] = page.label.mrz;
    // change the birth date without its check digit: a tampered page
    const bad = l2.slice(0, 13) + (l2[13] === '9' ? '8' : '9') + l2.slice(14);
    const tampered = renderPage({ ...spec, mrzOverride: [l1, bad] });
    const r = await checker.checkPage({ image: tampered.image, chipDg1Mrz: page.label.mrz });
    const ev = byCheck(r.evidence);
    expect(ev['mrz-ocr'].status).not.toBe('pass');
    expect(ev['mrz-vs-chip'].status).not.toBe('pass');
  });
});
