/**
 * The preprocessing every check shares, so that the model builders (scripts/models) and the
 * checks at run time see exactly the same pixels: decode, Rec. 601 luma, and a working copy whose
 * longer side is WORK_LONG_SIDE pixels (area-averaged when shrinking, bilinear when enlarging).
 */
import { decodeImage, fitLongSide, resizeGray, toGray, type GrayImage, type RgbaImage } from './image.js';

export const WORK_LONG_SIDE = 1024;

export interface PreparedPage {
  rgba: RgbaImage;
  /** Luma at the working size. */
  work: GrayImage;
  /** work pixels = image pixels x scale. */
  scale: number;
}

export function preparePage(bytes: Uint8Array): PreparedPage {
  const rgba = decodeImage(bytes);
  return prepareDecoded(rgba);
}

export function prepareDecoded(rgba: RgbaImage): PreparedPage {
  const fit = fitLongSide(rgba.width, rgba.height, WORK_LONG_SIDE);
  const gray = toGray(rgba);
  const work = fit.width === rgba.width && fit.height === rgba.height ? gray : resizeGray(gray, fit.width, fit.height);
  return { rgba, work, scale: work.width / rgba.width };
}
