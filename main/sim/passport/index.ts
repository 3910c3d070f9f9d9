/** Test passports for the virtual chip: generator and folder loader. */
export * from './generate.js';
export * from './store.js';
export { makeFaceImage, drawPortrait, encodeJpeg } from './face.js';
