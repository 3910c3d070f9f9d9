import type { StoredImage } from '../../kiosk/index.js';
import { jpeg2000ToPng } from '../../emrtd/jp2.js';
import { decodeImage, portraitCrop } from '../../checks/index.js';

/**
 * An image for the officer's screen as a data: URL (the CSP allows data: images only).
 * JPEG 2000 faces (common in DG2) are decoded to PNG, since browsers cannot show them.
 */
export async function toDataUrl(img: StoredImage): Promise<string | null> {
  const f = img.format.toLowerCase();
  if (f === 'jpeg' || f === 'jpg') return `data:image/jpeg;base64,${Buffer.from(img.bytes).toString('base64')}`;
  if (f === 'png') return `data:image/png;base64,${Buffer.from(img.bytes).toString('base64')}`;
  if (f.startsWith('jpeg2000') || f === 'jp2' || f === 'j2k') {
    try {
      const png = await jpeg2000ToPng(img.bytes);
      return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * The printed photo for the officer: the portrait the face check found on the data page, cropped
 * like a passport photo; the whole page when no face region was recorded.
 */
export async function printedPhotoDataUrl(page: StoredImage, faceRegion: { x: number; y: number; w: number; h: number } | undefined): Promise<string | null> {
  if (faceRegion) {
    try {
      const crop = portraitCrop(decodeImage(page.bytes), faceRegion);
      return `data:image/png;base64,${Buffer.from(crop).toString('base64')}`;
    } catch {
      /* fall back to the whole page */
    }
  }
  return toDataUrl(page);
}
