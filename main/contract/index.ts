/**
 * The typed API between the main process (or the browser host) and the renderer: command and
 * event names, their zod schemas, and the wire envelope. Versioned: a renderer and a host with
 * different major versions refuse to talk (the renderer shows a technician message).
 * Both sides validate everything they receive with these schemas.
 */
export * from './schemas.js';
export * from './api.js';
export * from './wire.js';
