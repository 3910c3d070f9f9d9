export { parseCardAccess, choosePaceInfo, type CardAccess, type PaceInfo } from './card-access.js';
export { performPace, pacePasswordKey, type PacePassword, type PaceResult, type PaceOptions } from './pace.js';
export {
  ID_PACE, PACE_CURVES, paceOid, describePaceOid, curveParameterId, curveForParameterId, STANDARD_DOMAIN_PARAMETERS,
  type PaceCurveName, type PaceMapping, type PaceAgreement, type PaceProtocol,
} from './params.js';
export { EcGroup, encryptNonce, decryptNonce, nonceLength, authenticationToken, publicKeyDataObject, dynamicAuthData, type RandomSource } from './ecdh-gm.js';
export { decodeOid, encodeOid } from './oid.js';
