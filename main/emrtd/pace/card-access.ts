/**
 * EF.CardAccess (ICAO 9303-11 §9.2): a SET OF SecurityInfo. We pick out the PACEInfos
 * (protocol OID, version, optional standardized parameter id) and keep the rest raw.
 */
import { FormatError } from '../../base/errors.js';
import { parseTlv, type Tlv } from '../../base/tlv.js';
import { decodeOid } from './oid.js';
import { curveForParameterId, describePaceOid, domainForParameterId, isDhGroup, type PaceProtocol, type PaceCurveName, type PaceDomainName, STANDARD_DOMAIN_PARAMETERS } from './params.js';

export interface PaceInfo extends PaceProtocol {
  version: number;
  /** Standardized domain parameter id (absent when explicit parameters are in a PACEDomainParameterInfo). */
  parameterId?: number;
  /** The curve, when the parameter id names one we can compute on. */
  curve?: PaceCurveName;
  /** The curve or MODP group, when the parameter id names one we can compute with. */
  domain?: PaceDomainName;
  /** Human-readable name of the domain parameters. */
  parameters?: string;
  /** Whether this kiosk can run this PACE variant. */
  supported: boolean;
  /** The DER of the SecurityInfo. */
  raw: Uint8Array;
}

export interface CardAccess {
  paceInfos: PaceInfo[];
  /** Every other SecurityInfo (Chip Authentication, Terminal Authentication, PACEDomainParameterInfo ...). */
  otherInfos: { oid: string; raw: Uint8Array }[];
}

function smallInt(t: Tlv | undefined, what: string): number {
  if (!t || t.tag !== 0x02 || t.value.length === 0 || t.value.length > 4) throw new FormatError('CARD_ACCESS_BAD_INT', `${what} is not a small INTEGER`);
  let v = 0;
  for (const b of t.value) v = v * 256 + b;
  return v;
}

/** Parses EF.CardAccess. Throws FormatError on malformed content (nothing else). */
export function parseCardAccess(bytes: Uint8Array): CardAccess {
  const set = parseTlv(bytes, { maxLength: 65536 });
  if (set.tag !== 0x31 || !set.children) throw new FormatError('CARD_ACCESS_NOT_SET', 'EF.CardAccess is not a SET OF SecurityInfo');
  const out: CardAccess = { paceInfos: [], otherInfos: [] };
  for (const info of set.children) {
    const raw = bytes.subarray(info.offset, info.offset + info.totalLength);
    if (info.tag !== 0x30 || !info.children || info.children.length < 2 || info.children[0]!.tag !== 0x06) {
      throw new FormatError('CARD_ACCESS_BAD_INFO', 'SecurityInfo is not SEQUENCE { OID, ... }');
    }
    const oid = decodeOid(info.children[0]!.value);
    const proto = describePaceOid(oid);
    if (!proto) {
      out.otherInfos.push({ oid, raw: Uint8Array.from(raw) });
      continue;
    }
    const version = smallInt(info.children[1], 'PACEInfo version');
    const pi: PaceInfo = { ...proto, version, supported: false, raw: Uint8Array.from(raw) };
    if (info.children[2]) {
      pi.parameterId = smallInt(info.children[2], 'PACEInfo parameterId');
      pi.parameters = STANDARD_DOMAIN_PARAMETERS[pi.parameterId];
      const curve = curveForParameterId(pi.parameterId);
      if (curve) pi.curve = curve;
      const domain = domainForParameterId(pi.parameterId);
      if (domain) pi.domain = domain;
    }
    const d = pi.domain;
    pi.supported = version === 2 && proto.mapping === 'GM' && d !== undefined && (proto.agreement === 'DH') === isDhGroup(d);
    out.paceInfos.push(pi);
  }
  return out;
}

/** The PACEInfo the kiosk would use: the first supported one, preferring ECDH over DH and AES over 3DES. */
export function choosePaceInfo(ca: CardAccess): PaceInfo | undefined {
  const ok = ca.paceInfos.filter((p) => p.supported);
  const score = (p: PaceInfo) => (p.agreement === 'ECDH' ? 2 : 0) + (p.cipher !== '3DES' ? 1 : 0);
  let best: PaceInfo | undefined;
  for (const p of ok) if (!best || score(p) > score(best)) best = p;
  return best;
}
