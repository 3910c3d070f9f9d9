export { pad, unpad } from './padding.js';
export { tdesCbcEncrypt, tdesCbcDecrypt, desCbcEncrypt, retailMac, adjustParity } from './des.js';
export { aesCbcEncrypt, aesCbcDecrypt, aesEcbEncrypt, aesCmac } from './aes.js';
export { kdf, deriveKeys, bacKeySeed, sha1, sha256, KDF_ENC, KDF_MAC, KDF_PI, type CipherSuite } from './kdf.js';
