import { KeyObject, X509Certificate } from 'node:crypto';
import { oinOfFields, readCertificateFields } from './certificate-reader';
import { crlIssuedBy, readCrl, splitCrls, type CrlEntry, type CrlInfo } from './crl-reader';
import { normalizeSerial } from './der-reader';

export const TRUST_ERROR_CODES = [
  'CERT_MALFORMED',
  'CERT_UNKNOWN_CA',
  'CERT_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_KEY_USAGE',
  'CERT_NO_OIN',
  'CERT_REVOKED',
  'CERT_CRL_STALE',
] as const;
export type TrustErrorCode = (typeof TRUST_ERROR_CODES)[number];

export type TrustResult =
  | {
      trusted: true;
      oin: string;
      /** One line, e.g. `C=NL, O=Raad voor de Kinderbescherming, serialNumber=…, CN=rvdk`. */
      subject: string;
      notAfter: Date;
      /** SHA-256 of the DER, as node prints it: `AB:CD:…`. */
      fingerprint256: string;
      /** The leaf's public key, so verifiers need not parse the certificate again. */
      publicKey: KeyObject;
      /** Upper-case hex without leading zeros (the form CRL entries are compared in). */
      serialNumber: string;
      /** False when the store holds no CRL of the leaf's issuer (revocation unknown). */
      revocationChecked: boolean;
    }
  | { trusted: false; code: TrustErrorCode; reason: string };

export interface TrustStoreOptions {
  /** Trust anchors (PEM). A PEM string may hold several certificates. */
  roots: string[];
  /** Issuing CAs that may appear between a leaf and a root (PEM). Not trusted by themselves. */
  intermediates: string[];
  /** CRLs of these CAs: PEM (several per string allowed) or DER. See `setCrls`. */
  crls?: (string | Uint8Array)[];
  /**
   * How long after its nextUpdate a CRL is still used (default 0: a stale CRL refuses every
   * certificate of that CA with CERT_CRL_STALE). A grace period trades safety for availability
   * when the CRL download is late.
   */
  crlGraceMs?: number;
}

/**
 * What a certificate is checked for: `signing` (the default; a signer of national messages) needs
 * digitalSignature; `encryption` (the index's certificate that BSNs are encrypted for) needs
 * keyEncipherment for an RSA key, keyAgreement for an EC key, and never signs.
 */
export type CertificatePurpose = 'signing' | 'encryption';

export interface CheckOptions {
  purpose?: CertificatePurpose;
}

/** What the store knows about one CA's revocations (for operators and `vir verify`). */
export interface CrlStatus {
  issuer: string;
  crlNumber?: bigint;
  thisUpdate: Date;
  nextUpdate?: Date;
  revokedCount: number;
}

interface CaCertificate {
  cert: X509Certificate;
  isRoot: boolean;
  notBefore: Date;
  notAfter: Date;
  serialNumber: string;
  allowsCrlSign: boolean;
}

/** One CA's CRL, reduced to what the hot path needs: a Map lookup by serial. */
interface LoadedCrl {
  info: CrlInfo;
  revoked: Map<string, CrlEntry>;
  /** nextUpdate + grace, in ms; Infinity when the CRL has no nextUpdate. */
  usableUntil: number;
}

/** Everything about a leaf that does not depend on the time of the check. */
type LeafAnalysis =
  | { malformed: string }
  | {
      malformed?: undefined;
      leaf: X509Certificate;
      serialNumber: string;
      notBefore: Date;
      notAfter: Date;
      /** Issuers from the leaf's issuer up to a root, or why no such path exists. */
      path: CaCertificate[] | string;
      /** Per-certificate values every trusted answer carries, computed once (node's getters recompute them). */
      subject: string;
      fingerprint256: string;
      publicKey: KeyObject;
      /** The validity windows to check, leaf first (with the names errors use). */
      validity: { name: string; notBefore: Date; notAfter: Date }[];
      keyUsageProblem?: string;
      /** Why the leaf may not be an encryption certificate (purpose `encryption`). */
      encryptionProblem?: string;
      oin?: string;
    };

const CACHE_LIMIT = 1024;
const MAX_PATH_LENGTH = 6;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;
const REASONS_WITHOUT_TIME = new Set(['keyCompromise', 'cACompromise', 'aACompromise']);

function splitPem(pems: string[]): string[] {
  return pems.flatMap((pem) => pem.match(PEM_CERTIFICATE) ?? [pem]);
}

function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

/**
 * Decides whether a certificate may sign national messages: it must chain to one of our roots
 * (never trusted just because a document carries it), every certificate on the path must be
 * valid at the given time and not revoked, the leaf must allow digitalSignature and carry a
 * 20-digit OIN. With `{ purpose: 'encryption' }` it decides instead whether BSNs may be encrypted
 * for the certificate (the index's): same chain, validity, revocation and OIN, but keyEncipherment
 * (RSA) or keyAgreement (EC) in place of digitalSignature.
 *
 * Results that do not depend on time or CRLs are cached per certificate, because every party
 * signs thousands of messages with the same one; per message that leaves a few comparisons and
 * one Map lookup per CA on the path.
 *
 * Revocation: each certificate on the path is looked up in its issuer's CRL, if the store holds
 * one; without the leaf issuer's CRL the answer says `revocationChecked: false` (which CRLs to
 * load is the operator's configuration). A CRL past its nextUpdate (plus `crlGraceMs`) refuses with
 * CERT_CRL_STALE: a key compromise must not go unnoticed because the CRL feed stopped, and a loud
 * refusal is seen at once where a warning in a log is not.
 */
export class TrustStore {
  private readonly cas: CaCertificate[];
  private readonly cache = new Map<string, LeafAnalysis>();
  private readonly crlGraceMs: number;
  private crlByCa = new Map<CaCertificate, LoadedCrl>();

  constructor(options: TrustStoreOptions) {
    const load = (pem: string, isRoot: boolean): CaCertificate => {
      let cert: X509Certificate;
      let allowsCrlSign: boolean;
      try {
        cert = new X509Certificate(pem);
        const usage = readCertificateFields(cert.raw).keyUsage;
        allowsCrlSign = !usage || usage.cRLSign;
      } catch {
        throw new Error(`TrustStore: a ${isRoot ? 'root' : 'intermediate'} certificate is not valid PEM/X.509`);
      }
      if (!cert.ca) throw new Error(`TrustStore: ${oneLine(cert.subject)} is not a CA certificate`);
      return {
        cert,
        isRoot,
        notBefore: new Date(cert.validFrom),
        notAfter: new Date(cert.validTo),
        serialNumber: normalizeSerial(cert.serialNumber),
        allowsCrlSign,
      };
    };
    this.cas = [
      ...splitPem(options.roots).map((pem) => load(pem, true)),
      ...splitPem(options.intermediates).map((pem) => load(pem, false)),
    ];
    if (!this.cas.some((ca) => ca.isRoot)) throw new Error('TrustStore: at least one root is required');
    const grace = options.crlGraceMs ?? 0;
    if (!Number.isFinite(grace) || grace < 0) throw new Error('TrustStore: crlGraceMs must be a finite number >= 0');
    this.crlGraceMs = grace;
    if (options.crls) this.setCrls(options.crls);
  }

  /**
   * Replaces all CRLs at once (e.g. after a periodic download). Each must be signed by one of the
   * store's CAs; of several CRLs of one CA the highest CRL number (else the newest) is used.
   * Throws on a malformed or foreign CRL and then keeps the previous set.
   */
  setCrls(crls: (string | Uint8Array)[]): void {
    const next = new Map<CaCertificate, LoadedCrl>();
    for (const der of crls.flatMap(splitCrls)) {
      let info: CrlInfo;
      try {
        info = readCrl(der);
      } catch {
        throw new Error('TrustStore: a CRL is not valid PEM/DER');
      }
      const ca = this.cas.find((c) => crlIssuedBy(info, c.cert, c.allowsCrlSign));
      if (!ca) throw new Error(`TrustStore: the CRL of ${info.issuer} is not signed by a CA of this store`);
      const current = next.get(ca);
      if (current && !isNewer(info, current.info)) continue;
      next.set(ca, {
        info,
        revoked: new Map(info.entries.map((e) => [e.serialNumber, e])),
        usableUntil: info.nextUpdate ? info.nextUpdate.getTime() + this.crlGraceMs : Infinity,
      });
    }
    this.crlByCa = next;
  }

  /** The CRLs in use, one per CA that has one. */
  crlStatus(): CrlStatus[] {
    return [...this.crlByCa.values()].map(({ info }) => ({
      issuer: info.issuer,
      crlNumber: info.crlNumber,
      thisUpdate: info.thisUpdate,
      nextUpdate: info.nextUpdate,
      revokedCount: info.entries.length,
    }));
  }

  check(certificatePem: string, at: Date, options: CheckOptions = {}): TrustResult {
    // An invalid date would make every validity comparison false, i.e. pass: fail closed.
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new TypeError('TrustStore.check: invalid date');
    const analysis = this.analyse(certificatePem);
    if (analysis.malformed !== undefined) return fail('CERT_MALFORMED', analysis.malformed);
    const { path } = analysis;
    if (typeof path === 'string') return fail('CERT_UNKNOWN_CA', path);

    const time = at.getTime();
    const { subject, validity } = analysis;
    for (const v of validity) {
      if (time > v.notAfter.getTime()) {
        return fail('CERT_EXPIRED', `${v.name} expired at ${v.notAfter.toISOString()}`);
      }
      if (time < v.notBefore.getTime()) {
        return fail('CERT_NOT_YET_VALID', `${v.name} is not valid before ${v.notBefore.toISOString()}`);
      }
    }
    const revocation = this.checkRevocation(analysis.serialNumber, subject, path, time);
    if (typeof revocation !== 'boolean') return revocation;
    const usageProblem = options.purpose === 'encryption' ? analysis.encryptionProblem : analysis.keyUsageProblem;
    if (usageProblem) return fail('CERT_KEY_USAGE', `certificate ${subject} ${usageProblem}`);
    if (!analysis.oin) {
      return fail('CERT_NO_OIN', `certificate ${subject} has no 20-digit OIN in its subject serialNumber`);
    }
    return {
      trusted: true,
      oin: analysis.oin,
      subject,
      notAfter: analysis.notAfter,
      fingerprint256: analysis.fingerprint256,
      publicKey: analysis.publicKey,
      serialNumber: analysis.serialNumber,
      revocationChecked: revocation,
    };
  }

  /** A refusal, or whether the leaf could be checked against its issuer's CRL. */
  private checkRevocation(leafSerial: string, leafSubject: string, path: CaCertificate[], time: number): TrustResult | boolean {
    // path[0] issued the leaf, path[i] issued path[i - 1]. The leaf's CRL is the one that
    // matters per message; a CA's own revocation is checked when its issuer's CRL (ARL) is loaded.
    for (let i = 0; i < path.length; i++) {
      const crl = this.crlByCa.get(path[i]);
      if (!crl) continue;
      const [serial, name] = i === 0 ? [leafSerial, `certificate ${leafSubject}`] : [path[i - 1].serialNumber, `CA ${oneLine(path[i - 1].cert.subject)}`];
      const entry = crl.revoked.get(serial);
      // Revoked from its revocation date on; after a compromise, signatures from before are not
      // to be believed either.
      if (entry && (time >= entry.revocationDate.getTime() || REASONS_WITHOUT_TIME.has(entry.reason ?? ''))) {
        return fail(
          'CERT_REVOKED',
          `${name} (serial ${serial}) was revoked at ${entry.revocationDate.toISOString()}${entry.reason ? ` (${entry.reason})` : ''}`,
        );
      }
      if (time > crl.usableUntil) {
        return fail(
          'CERT_CRL_STALE',
          `the CRL of ${crl.info.issuer} was due for renewal at ${crl.info.nextUpdate!.toISOString()}: revocation of ${name} cannot be checked`,
        );
      }
    }
    return this.crlByCa.has(path[0]);
  }

  private analyse(pem: string): LeafAnalysis {
    const cached = this.cache.get(pem);
    if (cached) return cached;
    const analysis = this.analyseUncached(pem);
    if (this.cache.size >= CACHE_LIMIT) {
      // Map keeps insertion order: dropping the oldest entry is good enough for a handful of parties.
      this.cache.delete(this.cache.keys().next().value as string);
    }
    this.cache.set(pem, analysis);
    return analysis;
  }

  private analyseUncached(pem: string): LeafAnalysis {
    let leaf: X509Certificate;
    let fields: ReturnType<typeof readCertificateFields>;
    try {
      leaf = new X509Certificate(pem);
      fields = readCertificateFields(leaf.raw);
    } catch {
      return { malformed: 'the certificate is not valid PEM/X.509' };
    }
    let keyUsageProblem: string | undefined;
    if (leaf.ca) keyUsageProblem = 'is a CA certificate and may not sign messages';
    else if (!fields.keyUsage) keyUsageProblem = 'has no keyUsage extension';
    else if (!fields.keyUsage.digitalSignature) keyUsageProblem = 'does not allow digitalSignature';
    let encryptionProblem: string | undefined;
    const keyType = leaf.publicKey.asymmetricKeyType;
    if (leaf.ca) encryptionProblem = 'is a CA certificate';
    else if (!fields.keyUsage) encryptionProblem = 'has no keyUsage extension';
    else if (keyType === 'rsa') {
      if (!fields.keyUsage.keyEncipherment) encryptionProblem = 'does not allow keyEncipherment';
    } else if (keyType === 'ec') {
      if (!fields.keyUsage.keyAgreement) encryptionProblem = 'does not allow keyAgreement';
    } else encryptionProblem = 'has a key that is neither RSA nor EC';
    const notBefore = new Date(leaf.validFrom);
    const notAfter = new Date(leaf.validTo);
    const subject = oneLine(leaf.subject);
    const path = this.buildPath(leaf);
    return {
      leaf,
      serialNumber: normalizeSerial(leaf.serialNumber),
      notBefore,
      notAfter,
      path,
      subject,
      fingerprint256: leaf.fingerprint256,
      publicKey: leaf.publicKey,
      validity: [
        { name: `certificate ${subject}`, notBefore, notAfter },
        ...(typeof path === 'string' ? [] : path).map((ca) => ({ name: `CA ${oneLine(ca.cert.subject)}`, notBefore: ca.notBefore, notAfter: ca.notAfter })),
      ],
      keyUsageProblem,
      encryptionProblem,
      oin: oinOfFields(fields),
    };
  }

  private buildPath(leaf: X509Certificate): CaCertificate[] | string {
    const path: CaCertificate[] = [];
    let current = leaf;
    while (path.length < MAX_PATH_LENGTH) {
      // checkIssued compares names/key identifiers (and the issuer's keyCertSign); verify proves it.
      const issuer = this.cas.find(
        (ca) => !path.includes(ca) && current.checkIssued(ca.cert) && current.verify(ca.cert.publicKey),
      );
      if (!issuer) {
        return `no trusted CA issued ${path.length === 0 ? 'the certificate' : oneLine(current.subject)} (issuer ${oneLine(current.issuer)})`;
      }
      path.push(issuer);
      if (issuer.isRoot) return path;
      current = issuer.cert;
    }
    return 'certificate path too long';
  }
}

function isNewer(a: CrlInfo, b: CrlInfo): boolean {
  if (a.crlNumber !== undefined && b.crlNumber !== undefined) return a.crlNumber > b.crlNumber;
  return a.thisUpdate.getTime() > b.thisUpdate.getTime();
}

function fail(code: TrustErrorCode, reason: string): TrustResult {
  return { trusted: false, code, reason };
}
