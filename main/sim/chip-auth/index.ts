/**
 * Chip-side Active and Chip Authentication for the virtual passport, and the DG14/DG15 files that
 * go with them. The passport generator (main/sim/passport) uses:
 *   const aa = generateAaKey({ type: 'rsa', bits: 1024 });            // or { type: 'ec', curve: 'prime256v1' }
 *   const ca = generateCaKey({ agreement: 'ECDH', curve: 'brainpoolP256r1' });
 *   files DG14 = buildDg14({ ca: { key: ca, cipher: 'AES-128' } }), DG15 = buildDg15(aa.spki)
 *   extensions: [createActiveAuthExtension(aa), createChipAuthExtension({ key: ca, cipher: 'AES-128' })]
 * A cloned chip: the same DG15 with `createActiveAuthExtension(generateAaKey())` (another key).
 * A wrong CA key: the same DG14 with `createChipAuthExtension({ key: generateCaKey(), ... })`.
 */
export * from './aa.js';
export * from './ca.js';
export * from './dg.js';
export * from './test-keys.js';
