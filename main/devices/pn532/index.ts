export * from './frame.js';
export * from './status.js';
export * from './driver.js';
export * from './card-transport.js';
export * from './open.js';
