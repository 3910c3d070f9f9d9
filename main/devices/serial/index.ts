export { openSerialLink, type SerialLink, type SerialLinkOptions } from './serial-link.js';
