export { parseCardAccess, choosePaceInfo, type CardAccess, type PaceInfo } from './card-access.js';
export { performPace, pacePasswordKey, type PacePassword, type PaceResult, type PaceOptions } from './pace.js';
export {
  ID_PACE, PACE_CURVES, DH_GROUPS, DH_GROUP_NAMES, isDhGroup, domainParameterId, domainForParameterId, paceOid, describePaceOid, curveParameterId, curveForParameterId, STANDARD_DOMAIN_PARAMETERS,
  type PaceCurveName, type DhGroupName, type PaceDomainName, type PaceMapping, type PaceAgreement, type PaceProtocol,
} from './params.js';
export { EcGroup, encryptNonce, decryptNonce, nonceLength, authenticationToken, publicKeyDataObject, dynamicAuthData, type RandomSource } from './ecdh-gm.js';
export { decodeOid, encodeOid } from './oid.js';
export { createPaceGroup, type PaceGroup, type MappedGenerator } from './group.js';
export { DhGroup, modPow } from './dh-gm.js';
