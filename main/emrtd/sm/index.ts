export { SmCodec, type SmCipher, type SmKeys, type UnwrappedCommand } from './codec.js';
export { SmChannel, createSecureChannel, type SecureChannel } from './channel.js';
export { SecureMessagingError } from './errors.js';
