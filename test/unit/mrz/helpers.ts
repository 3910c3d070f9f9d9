export * from '../../../main/mrz/index.js';
export { FormatError as FormatErrorClass } from '../../../main/base/errors.js';
