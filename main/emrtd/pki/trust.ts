import type { Certificate } from './certificate.js';
import { verifyCertificateSignature } from './certificate.js';
import { verifyCrlSignature, type Crl } from './crl.js';

/**
 * What Passive Authentication needs from a trust store: the trusted CSCA certificates (self-signed
 * CSCAs and link certificates, each trusted on its own, i.e. partial-chain trust) and the CRLs.
 * `MemoryTrustStore` holds them in memory; main/emrtd/trust-store.ts keeps them in a directory.
 */
export interface TrustStore {
  readonly anchors: readonly Certificate[];
  readonly crls: readonly Crl[];
  /** Anchors that may have issued `cert`: same issuer name (any RDN order) or SKI = the certificate's AKI. */
  findIssuerCandidates(cert: Certificate): Certificate[];
  /** CRLs issued under `issuer` (same name, signature verified with its key). */
  crlsFor(issuer: Certificate): Crl[];
}

export class MemoryTrustStore implements TrustStore {
  private readonly byName = new Map<string, Certificate[]>();
  private readonly byKeyId = new Map<string, Certificate[]>();
  private readonly byFingerprint = new Map<string, Certificate>();
  private readonly crlList: Crl[] = [];
  private readonly crlCache = new Map<string, Crl[]>();

  constructor(anchors: Iterable<Certificate> = [], crls: Iterable<Crl> = []) {
    for (const a of anchors) this.addAnchor(a);
    for (const c of crls) this.addCrl(c);
  }

  get anchors(): readonly Certificate[] {
    return [...this.byFingerprint.values()];
  }

  get crls(): readonly Crl[] {
    return this.crlList;
  }

  has(fingerprint: string): boolean {
    return this.byFingerprint.has(fingerprint);
  }

  /** Adds a trusted certificate; false when it was already there. */
  addAnchor(c: Certificate): boolean {
    if (this.byFingerprint.has(c.fingerprint)) return false;
    this.byFingerprint.set(c.fingerprint, c);
    push(this.byName, c.subject.key, c);
    if (c.subjectKeyId) push(this.byKeyId, c.subjectKeyId, c);
    this.crlCache.clear();
    return true;
  }

  addCrl(crl: Crl): void {
    this.crlList.push(crl);
    this.crlCache.clear();
  }

  findIssuerCandidates(cert: Certificate): Certificate[] {
    const out = new Set<Certificate>(this.byName.get(cert.issuer.key) ?? []);
    if (cert.authorityKeyId) for (const c of this.byKeyId.get(cert.authorityKeyId) ?? []) out.add(c);
    // Prefer candidates whose SKI equals the AKI.
    return [...out].sort((a, b) => rank(b, cert) - rank(a, cert));
  }

  crlsFor(issuer: Certificate): Crl[] {
    const hit = this.crlCache.get(issuer.fingerprint);
    if (hit) return hit;
    const out = this.crlList.filter(
      (crl) =>
        crl.issuer.key === issuer.subject.key &&
        (!crl.authorityKeyId || !issuer.subjectKeyId || crl.authorityKeyId === issuer.subjectKeyId) &&
        verifyCrlSignature(crl, issuer.spki).ok,
    );
    this.crlCache.set(issuer.fingerprint, out);
    return out;
  }

  /** The anchor whose key verifies `cert`, if any. */
  findVerifyingIssuer(cert: Certificate): Certificate | undefined {
    return this.findIssuerCandidates(cert).find((c) => verifyCertificateSignature(cert, c.spki).ok);
  }
}

function rank(candidate: Certificate, cert: Certificate): number {
  return cert.authorityKeyId && candidate.subjectKeyId === cert.authorityKeyId ? 1 : 0;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}
