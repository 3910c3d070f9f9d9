import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KioskError, isKioskError } from '../base/errors.js';
import { parseAsn1 } from './pki/asn1.js';
import { parseCertificate, pemBlocks, summarize, verifyCertificateSignature, type Certificate, type CertificateSummary } from './pki/certificate.js';
import { parseCrl, verifyCrlSignature, type Crl } from './pki/crl.js';
import { masterListSignatureValid, parseMasterList } from './pki/master-list.js';
import { MemoryTrustStore, type TrustStore } from './pki/trust.js';

/**
 * The kiosk's local CSCA trust store (offline; ICAO 9303-12 §9 distribution by master lists).
 * Layout of the directory:
 *   certs/<sha256>.der     trusted CSCA and link certificates
 *   crls/<sha256>.der      CRLs whose signature verified under a trusted CSCA
 *   master-lists/<sha256>.ml  the master lists imported (kept for audit)
 *   index.json             where each entry came from
 * Import rules:
 *   - a certificate must be a CA certificate; a self-signed one must verify under its own key; a
 *     link certificate whose issuing CSCA is already trusted must verify under it (one whose issuer
 *     is not in the store is trusted on its own: partial-chain trust, as the operator imported it);
 *   - a master list's CMS signature must verify with its signer certificate, and the signer must
 *     chain to a CSCA already trusted (import the issuing state's CSCA first, or in the same run
 *     before the list); with `allowUnanchoredMasterList` a signer that chains to a CSCA inside the
 *     list itself is accepted instead (reported as such);
 *   - a CRL must verify under a trusted CSCA of the same name.
 */
export type TrustItemKind = 'csca' | 'link' | 'crl' | 'master-list';

export interface ImportOutcome {
  file: string;
  kind: TrustItemKind | 'unknown';
  /** Items added (certificates, or 1 for a CRL). */
  added: number;
  /** Already present. */
  duplicates: number;
  /** Certificates of a master list left out (not a CA, bad self-signature, unreadable). */
  rejected: number;
  ok: boolean;
  error?: { code: string; message: string };
  masterList?: { signer: string; signerTrustedBy: 'trust-store' | 'list-itself'; certificates: number; signingTime: string | null };
}

export interface TrustAlert {
  code: 'CRL_NEXT_UPDATE_PASSED' | 'TRUST_FILE_UNREADABLE';
  message: string;
  issuer: string;
  date: string;
}

export interface TrustListing {
  directory: string;
  certificates: (CertificateSummary & { kind: 'csca' | 'link'; source: string })[];
  crls: { issuer: string; thisUpdate: string; nextUpdate: string | null; revoked: number; crlNumber: string | null; stale: boolean; fingerprint: string }[];
  masterLists: { file: string; fingerprint: string; signer: string; importedAt: string; certificates: number }[];
  alerts: TrustAlert[];
}

interface IndexFile {
  version: 1;
  certificates: Record<string, { source: string; importedAt: string }>;
  masterLists: { file: string; fingerprint: string; signer: string; importedAt: string; certificates: number }[];
}

export interface ImportOptions {
  allowUnanchoredMasterList?: boolean;
  now?: Date;
}

export class FileTrustStore implements TrustStore {
  private readonly mem = new MemoryTrustStore();
  private index: IndexFile = { version: 1, certificates: {}, masterLists: [] };
  /** Files of the store that could not be parsed at load (left out). */
  readonly unreadable: string[] = [];

  /** `dir` null: an in-memory store whose imports are not written anywhere. */
  constructor(readonly dir: string | null) {}

  private write(rel: string, bytes: Uint8Array): void {
    if (this.dir !== null) writeAtomic(path.join(this.dir, rel), bytes);
  }

  get anchors(): readonly Certificate[] {
    return this.mem.anchors;
  }
  get crls(): readonly Crl[] {
    return this.mem.crls;
  }
  findIssuerCandidates(cert: Certificate): Certificate[] {
    return this.mem.findIssuerCandidates(cert);
  }
  crlsFor(issuer: Certificate): Crl[] {
    return this.mem.crlsFor(issuer);
  }

  /** Loads the directory (created when missing). */
  load(): this {
    if (this.dir === null) return this;
    for (const sub of ['certs', 'crls', 'master-lists']) mkdirSync(path.join(this.dir, sub), { recursive: true });
    const idx = path.join(this.dir, 'index.json');
    if (existsSync(idx)) {
      try {
        this.index = JSON.parse(readFileSync(idx, 'utf8')) as IndexFile;
      } catch {
        throw new KioskError('TRUST_STORE_CORRUPT', 'trust store index.json is not valid JSON');
      }
    }
    // A damaged file is left out (and listed in `unreadable`), so one bad file cannot stop every read.
    for (const f of readdirSync(path.join(this.dir, 'certs')).sort()) {
      if (!f.endsWith('.der')) continue;
      try {
        this.mem.addAnchor(parseCertificate(readFileSync(path.join(this.dir, 'certs', f))));
      } catch {
        this.unreadable.push(`certs/${f}`);
      }
    }
    for (const f of readdirSync(path.join(this.dir, 'crls')).sort()) {
      if (!f.endsWith('.der')) continue;
      try {
        this.mem.addCrl(parseCrl(readFileSync(path.join(this.dir, 'crls', f))));
      } catch {
        this.unreadable.push(`crls/${f}`);
      }
    }
    return this;
  }

  /** Imports several files: certificates first, then master lists, then CRLs. */
  importFiles(files: string[], opts: ImportOptions = {}): ImportOutcome[] {
    const loaded = files.map((f) => ({ file: f, bytes: new Uint8Array(readFileSync(f)) }));
    return loaded
      .map((l, i) => ({ ...l, i, o: sniffOrder(l.bytes) }))
      .sort((a, b) => a.o - b.o || a.i - b.i)
      .map((l) => this.importBytes(l.bytes, path.basename(l.file), opts));
  }

  /** Imports one PEM or DER certificate (or several PEM blocks), CRL or master list. */
  importBytes(bytes: Uint8Array, source: string, opts: ImportOptions = {}): ImportOutcome {
    const out: ImportOutcome = { file: source, kind: 'unknown', added: 0, duplicates: 0, rejected: 0, ok: false };
    try {
      const blocks = pemBlocks(bytes, ['CERTIFICATE', 'X509 CRL', 'CMS', 'PKCS7']);
      const items = blocks ? blocks.map((b) => b.der) : [bytes];
      for (const item of items) {
        const kind = sniff(item);
        if (kind === 'master-list') this.importMasterList(item, source, out, opts);
        else if (kind === 'certificate') this.importCertificate(item, source, out);
        else if (kind === 'crl') this.importCrl(item, out);
        else throw new KioskError('TRUST_UNKNOWN_FORMAT', 'not a certificate, CRL or CMS master list');
      }
      out.ok = true;
    } catch (e) {
      out.ok = false;
      out.error = { code: isKioskError(e) ? e.code : 'TRUST_IMPORT_FAILED', message: e instanceof Error ? e.message : String(e) };
    }
    this.saveIndex();
    return out;
  }

  private importCertificate(derBytes: Uint8Array, source: string, out: ImportOutcome): void {
    const c = parseCertificate(derBytes);
    out.kind = c.isCa === false || (c.keyUsage && !c.keyUsage.keyCertSign) ? 'unknown' : classify(c);
    if (this.mem.has(c.fingerprint)) {
      out.duplicates++;
      return;
    }
    const problem = this.anchorProblem(c);
    if (problem) throw new KioskError(problem.code, problem.message);
    this.addAnchor(c, source);
    out.added++;
  }

  /**
   * Why a certificate cannot be a trust anchor, or undefined. `fromMasterList`: the list's signature
   * already vouches for its entries, so a CSCA whose basicConstraints omits cA (seen in national
   * lists) is still taken; signatures are checked all the same.
   */
  private anchorProblem(c: Certificate, fromMasterList = false): { code: string; message: string } | undefined {
    if ((c.isCa === false && !fromMasterList) || (c.keyUsage && !c.keyUsage.keyCertSign)) {
      return { code: 'TRUST_NOT_A_CA', message: 'the certificate is not a CA certificate (a Document Signer is never a trust anchor)' };
    }
    if (c.subject.key === c.issuer.key && (!c.authorityKeyId || c.authorityKeyId === c.subjectKeyId)) {
      const v = verifyCertificateSignature(c, c.spki);
      if (!v.ok) return { code: 'TRUST_BAD_SIGNATURE', message: `the self-signed certificate does not verify (${v.error ?? v.algorithm})` };
      return undefined;
    }
    // A link certificate: when the CSCA key it names (AKI) is trusted, it must verify under it.
    const issuers = this.mem.findIssuerCandidates(c).filter((i) => !c.authorityKeyId || !i.subjectKeyId || i.subjectKeyId === c.authorityKeyId);
    if (issuers.length > 0 && !issuers.some((i) => verifyCertificateSignature(c, i.spki).ok)) {
      return { code: 'TRUST_BAD_SIGNATURE', message: 'the link certificate does not verify under the trusted CSCA that issued it' };
    }
    return undefined;
  }

  private addAnchor(c: Certificate, source: string): void {
    this.mem.addAnchor(c);
    this.write(path.join('certs', `${c.fingerprint}.der`), c.der);
    this.index.certificates[c.fingerprint] = { source, importedAt: new Date().toISOString() };
  }

  private importCrl(derBytes: Uint8Array, out: ImportOutcome): void {
    out.kind = 'crl';
    const crl = parseCrl(derBytes);
    const fp = createHash('sha256').update(crl.der).digest('hex');
    if (this.mem.crls.some((x) => createHash('sha256').update(x.der).digest('hex') === fp)) {
      out.duplicates++;
      return;
    }
    const issuer = this.mem.anchors.find((a) => a.subject.key === crl.issuer.key && verifyCrlSignature(crl, a.spki).ok);
    if (!issuer) throw new KioskError('TRUST_CRL_ISSUER', 'no trusted CSCA verifies this CRL: import its CSCA first');
    this.mem.addCrl(crl);
    this.write(path.join('crls', `${fp}.der`), crl.der);
    out.added++;
  }

  private importMasterList(bytes: Uint8Array, source: string, out: ImportOutcome, opts: ImportOptions): void {
    out.kind = 'master-list';
    const ml = parseMasterList(bytes);
    if (!ml.signer) throw new KioskError('TRUST_ML_NO_SIGNER', 'the master list carries no signer certificate');
    if (!masterListSignatureValid(ml)) throw new KioskError('TRUST_ML_SIGNATURE', 'the master list signature does not verify');
    const now = opts.now ?? new Date();
    const signer = ml.signer;
    const at = ml.signingTime ?? now;
    if (at < signer.notBefore || at > signer.notAfter) {
      throw new KioskError('TRUST_ML_SIGNER_VALIDITY', 'the master list was signed outside its signer certificate validity');
    }
    let trustedBy: 'trust-store' | 'list-itself' | undefined;
    if (this.mem.findIssuerCandidates(signer).some((a) => verifyCertificateSignature(signer, a.spki).ok)) trustedBy = 'trust-store';
    else if (
      opts.allowUnanchoredMasterList &&
      ml.certificates.some((c) => c.subject.key === signer.issuer.key && verifyCertificateSignature(signer, c.spki).ok)
    ) {
      trustedBy = 'list-itself';
    }
    if (!trustedBy) {
      throw new KioskError(
        'TRUST_ML_SIGNER_UNTRUSTED',
        `the master list signer (${signer.subject.text}) does not chain to a trusted CSCA: import that state's CSCA first`,
      );
    }
    for (const c of ml.certificates) {
      if (this.mem.has(c.fingerprint)) {
        out.duplicates++;
        continue;
      }
      if (this.anchorProblem(c, true)) {
        out.rejected++;
        continue;
      }
      this.addAnchor(c, `${source} (master list)`);
      out.added++;
    }
    const fp = createHash('sha256').update(bytes).digest('hex');
    this.write(path.join('master-lists', `${fp}.ml`), bytes);
    if (!this.index.masterLists.some((m) => m.fingerprint === fp)) {
      this.index.masterLists.push({ file: source, fingerprint: fp, signer: signer.subject.text, importedAt: new Date().toISOString(), certificates: ml.certificates.length });
    }
    out.masterList = { signer: signer.subject.text, signerTrustedBy: trustedBy, certificates: ml.certificates.length, signingTime: ml.signingTime?.toISOString() ?? null };
  }

  /** Technician alerts: CRLs past their nextUpdate, store files that cannot be read. */
  alerts(now: Date = new Date()): TrustAlert[] {
    const out: TrustAlert[] = [];
    const newest = new Map<string, Crl>();
    for (const crl of this.mem.crls) {
      const cur = newest.get(crl.issuer.key);
      if (!cur || crl.thisUpdate > cur.thisUpdate) newest.set(crl.issuer.key, crl);
    }
    for (const crl of newest.values()) {
      if (crl.nextUpdate && crl.nextUpdate < now) {
        out.push({
          code: 'CRL_NEXT_UPDATE_PASSED',
          message: `the CRL of ${crl.issuer.text} was due for renewal on ${crl.nextUpdate.toISOString().slice(0, 10)}: import a newer CRL`,
          issuer: crl.issuer.text,
          date: crl.nextUpdate.toISOString(),
        });
      }
    }
    for (const f of this.unreadable) {
      out.push({ code: 'TRUST_FILE_UNREADABLE', message: `trust store file ${f} cannot be read and is left out`, issuer: '', date: now.toISOString() });
    }
    return out;
  }

  list(now: Date = new Date()): TrustListing {
    const directory = this.dir ?? '(memory)';
    const newest = new Map<string, Date>();
    for (const crl of this.mem.crls) {
      const d = newest.get(crl.issuer.key);
      if (!d || crl.thisUpdate > d) newest.set(crl.issuer.key, crl.thisUpdate);
    }
    return {
      directory,
      certificates: this.mem.anchors.map((c) => ({ ...summarize(c), kind: classify(c), source: this.index.certificates[c.fingerprint]?.source ?? 'unknown' })),
      crls: this.mem.crls.map((crl) => ({
        issuer: crl.issuer.text,
        thisUpdate: crl.thisUpdate.toISOString(),
        nextUpdate: crl.nextUpdate?.toISOString() ?? null,
        revoked: crl.revoked.size,
        crlNumber: crl.crlNumber ?? null,
        stale: !!crl.nextUpdate && crl.nextUpdate < now && newest.get(crl.issuer.key) === crl.thisUpdate,
        fingerprint: createHash('sha256').update(crl.der).digest('hex'),
      })),
      masterLists: this.index.masterLists,
      alerts: this.alerts(now),
    };
  }

  private saveIndex(): void {
    this.write('index.json', new TextEncoder().encode(JSON.stringify(this.index, null, 2) + '\n'));
  }
}

function classify(c: Certificate): 'csca' | 'link' {
  return c.subject.key === c.issuer.key ? 'csca' : 'link';
}

function sniff(b: Uint8Array): 'certificate' | 'crl' | 'master-list' | 'unknown' {
  try {
    const t = parseAsn1(b, 'trust item');
    const first = t.children?.[0];
    if (first?.tag === 0x06) return 'master-list';
    const tbs = first?.children;
    if (!tbs) return 'unknown';
    // Certificate: [0] version or serial, AlgId, Name, Validity (SEQUENCE of two times)...
    // CRL: version INTEGER, AlgId, Name, thisUpdate (a time).
    const i = tbs[0]?.tag === 0xa0 ? 1 : 0;
    if (tbs[i + 3]?.tag === 0x30) return 'certificate';
    if (tbs[i + 3]?.tag === 0x17 || tbs[i + 3]?.tag === 0x18) return 'crl';
    return 'unknown';
  } catch {
    return 'unknown';
  }
}

function writeAtomic(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}

/** Opens (creating when missing) the trust store kept in `dir`. */
export function openTrustStore(dir: string): FileTrustStore {
  return new FileTrustStore(dir).load();
}

/**
 * An in-memory trust store from certificate / CRL / master-list files (for `kiosk read --trust PATH`):
 * the files given are trusted as the operator's choice; master lists still need a valid signature
 * and a signer that chains to a CSCA among the files or inside the list.
 */
export function trustStoreFromBytes(items: { name: string; bytes: Uint8Array }[]): { store: MemoryTrustStore; outcomes: ImportOutcome[] } {
  const tmp = new FileTrustStore(null);
  const outcomes = items
    .map((it, i) => ({ ...it, i, o: sniffOrder(it.bytes) }))
    .sort((a, b) => a.o - b.o || a.i - b.i)
    .map((it) => tmp.importBytes(it.bytes, it.name, { allowUnanchoredMasterList: true }));
  return { store: new MemoryTrustStore(tmp.anchors, tmp.crls), outcomes };
}

function sniffOrder(b: Uint8Array): number {
  const pem = (() => {
    try {
      return pemBlocks(b, ['CERTIFICATE', 'X509 CRL', 'CMS', 'PKCS7']);
    } catch {
      return undefined;
    }
  })();
  const k = sniff(pem?.[0]?.der ?? b);
  return k === 'certificate' ? 0 : k === 'master-list' ? 1 : 2;
}

