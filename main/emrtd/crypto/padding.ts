import { FormatError } from '../../base/errors.js';

/** ISO/IEC 9797-1 padding method 2: append 0x80, then zeros up to a multiple of the block size. */
export function pad(data: Uint8Array, blockSize = 8): Uint8Array {
  const len = data.length + 1;
  const total = Math.ceil(len / blockSize) * blockSize;
  const out = new Uint8Array(total);
  out.set(data, 0);
  out[data.length] = 0x80;
  return out;
}

/** Removes ISO/IEC 9797-1 method 2 padding. Throws FormatError ('BAD_PADDING') when absent. */
export function unpad(data: Uint8Array): Uint8Array {
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0x00) i--;
  if (i < 0 || data[i] !== 0x80) throw new FormatError('BAD_PADDING', 'ISO 9797-1 method 2 padding not found');
  return data.subarray(0, i);
}
