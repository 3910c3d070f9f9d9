/** LDS files of the eMRTD application (ICAO 9303 Part 10). */
export * from './files.js';
export * from './com.js';
export * from './dg1.js';
export * from './dg2.js';
export * from './dg11-12.js';
export * from './dg14-15.js';
export * from './image.js';
