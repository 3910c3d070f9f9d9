/** The kiosk core's public API. */
export * from './types.js';
export * from './ports.js';
export * from './reasons.js';
export * from './policy.js';
export * from './session.js';
export * from './officer.js';
export * from './images.js';
export { MemoryKioskStore, decisionMetrics, dayOf } from './memory-store.js';
