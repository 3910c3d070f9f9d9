import { timingSafeEqualBytes } from '../../base/bytes.js';
import { isKioskError } from '../../base/errors.js';
import { summarize, verifyCertificateSignature, type Certificate, type CertificateSummary } from './certificate.js';
import { findSignerCertificate, parseSignedData, verifySignerInfo, type SignedData } from './cms.js';
import { OID, oidName } from './oids.js';
import { hashBytes, type SignatureCheck } from './signature.js';
import { parseSod, type Sod } from './sod.js';
import type { TrustStore } from './trust.js';

/**
 * Passive Authentication (ICAO 9303-11 §5.1, 9303-12 §5-7).
 *
 * Statuses:
 * - `valid`: the SOD signature verifies with the Document Signer certificate, the DS chains to a
 *   trusted CSCA (name/AKI, signature, validity, key usage, not revoked on any CRL we hold) and
 *   every data group read hashes to its SOD entry.
 * - `invalid`: something is provably wrong: a data group hash mismatch or a data group the SOD
 *   does not list, a bad SOD signature or messageDigest, an unparseable SOD, a DS certificate whose
 *   signature fails under the CSCA key it names, a revoked DS, or a DS / CSCA outside its validity.
 * - `unknown-signer`: the SOD and hashes are consistent but no trusted CSCA issued the DS
 *   ("not verifiable"): never reported as forged. Checks on the unverified DS are listed as reasons
 *   but do not turn it into `invalid`.
 * - `not-performed`: no EF.SOD (absent or empty file).
 *
 * Expired Document Signer: ICAO 9303-12 §5.3 sets the DS certificate validity to the DS private
 * key usage period plus the validity of the longest document signed with it, so a DS certificate
 * that has expired while a document it signed is still presented means either a document past
 * its own validity or an issuer PKI out of profile. PA uses the shell model at `now` (DS and CSCA
 * both valid now; the signingTime, when present, must fall within the DS validity) and reports an
 * expired DS as `invalid` with reason DS_EXPIRED, never `valid`: the kiosk refers to an officer,
 * who can see from the reason that the data itself verified.
 */
export type PassiveAuthStatus = 'valid' | 'invalid' | 'unknown-signer' | 'not-performed';

export interface PaReason {
  code: string;
  message: string;
}

export type DataGroupName = `DG${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16}`;

export interface PassiveAuthInput {
  /** EF.SOD file bytes (tag 77 included). */
  sod: Uint8Array | undefined;
  /** The data group files read, whole (tag included). */
  dataGroups: Partial<Record<DataGroupName, Uint8Array>>;
  trustStore: TrustStore;
  now?: Date;
}

export interface PassiveAuthResult {
  status: PassiveAuthStatus;
  /** SOD signature (and messageDigest) with the embedded DS key; null when not checked. */
  signatureValid: boolean | null;
  /** Per data group read: whether its hash equals the SOD entry. */
  dataGroupHashes: Record<string, boolean>;
  documentSigner: (CertificateSummary & { signatureValid: boolean | null; revoked: boolean | null }) | null;
  csca: CertificateSummary | null;
  sod: {
    eContentType: string;
    ldsSecurityObjectVersion: number;
    digestAlgorithm: string;
    signatureAlgorithm: string;
    signingTime: string | null;
    ldsVersion: string | null;
    dataGroups: string[];
  } | null;
  reasons: PaReason[];
}

export async function passiveAuthenticate(input: PassiveAuthInput): Promise<PassiveAuthResult> {
  return passiveAuthenticateSync(input);
}

export function passiveAuthenticateSync(input: PassiveAuthInput): PassiveAuthResult {
  try {
    return passiveAuthenticateInner(input);
  } catch (e) {
    // A fault of ours, not evidence about the document: not performed (the kiosk refers), never a crash.
    return {
      status: 'not-performed',
      signatureValid: null,
      dataGroupHashes: {},
      documentSigner: null,
      csca: null,
      sod: null,
      reasons: [{ code: 'PA_INTERNAL_ERROR', message: `Passive Authentication could not be completed (${isKioskError(e) ? e.code : e instanceof Error ? e.name : 'error'})` }],
    };
  }
}

function passiveAuthenticateInner(input: PassiveAuthInput): PassiveAuthResult {
  const now = input.now ?? new Date();
  const reasons: PaReason[] = [];
  const result: PassiveAuthResult = {
    status: 'not-performed',
    signatureValid: null,
    dataGroupHashes: {},
    documentSigner: null,
    csca: null,
    sod: null,
    reasons,
  };
  if (!input.sod || input.sod.length === 0) {
    reasons.push({ code: 'SOD_MISSING', message: 'EF.SOD was not read: Passive Authentication not performed' });
    return result;
  }
  let sod: Sod;
  try {
    sod = parseSod(input.sod);
  } catch (e) {
    const code = isKioskError(e) && e.code === 'SOD_CONTENT_TYPE' ? 'SOD_CONTENT_TYPE' : 'SOD_MALFORMED';
    reasons.push({ code, message: e instanceof Error ? e.message : 'EF.SOD could not be parsed' });
    result.status = 'invalid';
    return result;
  }
  const si = sod.signedData.signerInfos[0]!;
  result.sod = {
    eContentType: oidName(sod.eContentType),
    ldsSecurityObjectVersion: sod.ldsSecurityObjectVersion,
    digestAlgorithm: sod.digestAlgorithm,
    signatureAlgorithm: oidName(si.signatureAlgorithm.oid),
    signingTime: si.signingTime?.toISOString() ?? null,
    ldsVersion: sod.ldsVersion ?? null,
    dataGroups: [...sod.dataGroupHashes.keys()].map((n) => `DG${n}`),
  };

  // 1. Data group hashes.
  let hashesOk = true;
  for (const [name, bytes] of Object.entries(input.dataGroups)) {
    const m = /^DG(\d{1,2})$/.exec(name);
    if (!m || !bytes) continue;
    const expected = sod.dataGroupHashes.get(Number(m[1]));
    if (!expected) {
      result.dataGroupHashes[name] = false;
      hashesOk = false;
      reasons.push({ code: 'DG_NOT_IN_SOD', message: `${name} was read but EF.SOD does not list it` });
      continue;
    }
    const ok = timingSafeEqualBytes(hashBytes(sod.digestAlgorithm, bytes), expected);
    result.dataGroupHashes[name] = ok;
    if (!ok) {
      hashesOk = false;
      reasons.push({ code: 'DG_HASH_MISMATCH', message: `${name} does not match its hash in EF.SOD` });
    }
  }

  // 2-3. SOD signature, Document Signer → CSCA.
  const chk = checkSignerAndChain(sod.signedData, input.trustStore, now);
  result.signatureValid = chk.signatureValid;
  result.documentSigner = chk.documentSigner;
  result.csca = chk.csca;
  reasons.push(...chk.reasons, ...chk.dsProblems);
  const { ds, sigOk, chainStatus, dsProblems } = chk;

  if (!hashesOk || (ds && !sigOk) || chainStatus === 'bad') result.status = 'invalid';
  else if (chainStatus === 'unknown') result.status = 'unknown-signer';
  else if (dsProblems.length > 0) result.status = 'invalid';
  else result.status = 'valid';
  return result;
}

export interface SignerChainCheck {
  ds: Certificate | undefined;
  sigOk: boolean;
  signatureValid: boolean | null;
  chainStatus: 'ok' | 'unknown' | 'bad';
  /** Problems of the DS / CSCA certificates (make the result invalid when the chain verified). */
  dsProblems: PaReason[];
  /** Other reasons (signature, CSCA not found, CRL availability). */
  reasons: PaReason[];
  documentSigner: PassiveAuthResult['documentSigner'];
  csca: CertificateSummary | null;
}

/** The CMS signature with the embedded signer certificate, and that certificate's chain to a trusted CSCA. */
export function checkSignerAndChain(signedData: SignedData, trustStore: TrustStore, now: Date): SignerChainCheck {
  const reasons: PaReason[] = [];
  const si = signedData.signerInfos[0]!;
  const ds = findSignerCertificate(signedData, si);
  let sigOk = false;
  if (!ds) {
    reasons.push({ code: 'DS_CERTIFICATE_MISSING', message: 'EF.SOD carries no Document Signer certificate for its SignerInfo' });
  } else {
    const check = verifySignerInfo(signedData, si, ds.spki);
    if (!check.messageDigestValid) reasons.push({ code: 'SOD_MESSAGE_DIGEST', message: 'the messageDigest attribute does not match the LDS Security Object' });
    if (!check.contentTypeValid) reasons.push({ code: 'SOD_CONTENT_TYPE_ATTRIBUTE', message: 'the contentType attribute does not match the eContentType' });
    if (!check.signature.ok) {
      reasons.push({
        code: check.signature.error ? 'SOD_SIGNATURE_UNVERIFIABLE' : 'SOD_SIGNATURE',
        message: check.signature.error ? `SOD signature could not be checked: ${check.signature.error}` : `SOD signature (${check.signature.algorithm}) does not verify`,
      });
    }
    sigOk = check.signature.ok && check.messageDigestValid && check.contentTypeValid;
  }
  const signatureValid = ds ? sigOk : null;
  let cscaSummary: CertificateSummary | null = null;
  let documentSigner: PassiveAuthResult['documentSigner'] = null;

  // 3. Document Signer → CSCA.
  let chainStatus: 'ok' | 'unknown' | 'bad' = 'unknown';
  const dsProblems: PaReason[] = [];
  let revoked: boolean | null = null;
  let dsSigValid: boolean | null = null;
  if (ds) {
    const candidates = trustStore.findIssuerCandidates(ds);
    let csca: Certificate | undefined;
    let akiMatchFailed = false;
    for (const c of candidates) {
      const v = verifyIssued(ds, c);
      if (v.ok) {
        csca = c;
        break;
      }
      if (ds.authorityKeyId && c.subjectKeyId === ds.authorityKeyId && !v.error) akiMatchFailed = true;
    }
    if (csca) {
      chainStatus = 'ok';
      dsSigValid = true;
      cscaSummary = summarize(csca);
      checkValidity(ds, 'DS', now, dsProblems);
      checkValidity(csca, 'CSCA', now, dsProblems);
      if (si.signingTime && (si.signingTime < ds.notBefore || si.signingTime > ds.notAfter)) {
        dsProblems.push({ code: 'SIGNING_TIME_OUTSIDE_DS_VALIDITY', message: 'the SOD signingTime is outside the Document Signer validity' });
      }
      if (ds.keyUsage && !ds.keyUsage.digitalSignature) {
        dsProblems.push({ code: 'DS_KEY_USAGE', message: 'the Document Signer certificate does not allow digitalSignature' });
      }
      if (ds.isCa === true) dsProblems.push({ code: 'DS_IS_CA', message: 'the Document Signer certificate is a CA certificate' });
      if (csca.keyUsage && !csca.keyUsage.keyCertSign) {
        dsProblems.push({ code: 'CSCA_KEY_USAGE', message: 'the CSCA certificate does not allow keyCertSign' });
      }
      const crls = trustStore.crlsFor(csca);
      if (crls.length === 0) {
        reasons.push({ code: 'CRL_UNAVAILABLE', message: 'no CRL of this CSCA in the trust store: revocation not checked' });
      } else {
        revoked = crls.some((crl) => {
          const d = crl.revoked.get(ds.serialNumber);
          return d !== undefined && d <= now;
        });
        if (revoked) dsProblems.push({ code: 'DS_REVOKED', message: 'the Document Signer certificate is revoked by its CSCA' });
        if (crls.every((crl) => crl.nextUpdate && crl.nextUpdate < now)) {
          reasons.push({ code: 'CRL_STALE', message: "the CSCA's newest CRL is past its nextUpdate" });
        }
      }
    } else if (akiMatchFailed) {
      chainStatus = 'bad';
      dsSigValid = false;
      dsProblems.push({ code: 'DS_CERTIFICATE_SIGNATURE', message: 'the Document Signer certificate does not verify under the CSCA key it names' });
    } else {
      reasons.push({
        code: 'CSCA_NOT_FOUND',
        message: candidates.length
          ? 'no trusted CSCA key verifies the Document Signer certificate: not verifiable'
          : 'the issuing CSCA is not in the trust store: not verifiable',
      });
      // Informational checks on the unverified DS.
      checkValidity(ds, 'DS', now, dsProblems);
    }
    documentSigner = { ...summarize(ds), signatureValid: dsSigValid, revoked };
  }

  return { ds, sigOk, signatureValid, chainStatus, dsProblems, reasons, documentSigner, csca: cscaSummary };
}

/** DS → CSCA signature checks, remembered (a Document Signer signs many passports). */
const issuedCache = new Map<string, SignatureCheck>();
function verifyIssued(cert: Certificate, issuer: Certificate): SignatureCheck {
  const k = `${cert.fingerprint}:${issuer.fingerprint}`;
  let v = issuedCache.get(k);
  if (!v) {
    v = verifyCertificateSignature(cert, issuer.spki);
    if (issuedCache.size >= 1024) issuedCache.clear();
    issuedCache.set(k, v);
  }
  return v;
}

function checkValidity(c: Certificate, who: 'DS' | 'CSCA', now: Date, out: PaReason[]): void {
  if (now > c.notAfter) out.push({ code: `${who}_EXPIRED`, message: `the ${who} certificate expired on ${c.notAfter.toISOString().slice(0, 10)}` });
  if (now < c.notBefore) out.push({ code: `${who}_NOT_YET_VALID`, message: `the ${who} certificate is valid only from ${c.notBefore.toISOString().slice(0, 10)}` });
}

/**
 * EF.CardSecurity (BSI TR-03110 / ICAO 9303-11 §9.2: the signed SecurityInfos of PACE-CAM and
 * Chip Authentication): the same CMS signature and Document Signer chain checks as EF.SOD.
 */
export function verifyCardSecurity(input: { cardSecurity: Uint8Array; trustStore: TrustStore; now?: Date }): {
  status: Exclude<PassiveAuthStatus, 'not-performed'>;
  signatureValid: boolean | null;
  documentSigner: PassiveAuthResult['documentSigner'];
  reasons: PaReason[];
} {
  let sd: SignedData;
  try {
    sd = parseSignedData(input.cardSecurity, 'EF.CardSecurity');
    if (sd.eContentType !== OID.bsiSecurityObject) throw new Error(`eContentType ${sd.eContentType} is not id-SecurityObject`);
  } catch (e) {
    return { status: 'invalid', signatureValid: null, documentSigner: null, reasons: [{ code: 'CARD_SECURITY_MALFORMED', message: e instanceof Error ? e.message : 'unparseable' }] };
  }
  const chk = checkSignerAndChain(sd, input.trustStore, input.now ?? new Date());
  const status = (chk.ds && !chk.sigOk) || chk.chainStatus === 'bad' ? 'invalid' : chk.chainStatus === 'unknown' ? 'unknown-signer' : chk.dsProblems.length ? 'invalid' : 'valid';
  return { status, signatureValid: chk.signatureValid, documentSigner: chk.documentSigner, reasons: [...chk.reasons, ...chk.dsProblems] };
}
