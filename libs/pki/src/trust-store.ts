import { KeyObject, X509Certificate } from 'node:crypto';
import { oinOfFields, readCertificateFields } from './certificate-reader';

export const TRUST_ERROR_CODES = [
  'CERT_MALFORMED',
  'CERT_UNKNOWN_CA',
  'CERT_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_KEY_USAGE',
  'CERT_NO_OIN',
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
    }
  | { trusted: false; code: TrustErrorCode; reason: string };

export interface TrustStoreOptions {
  /** Trust anchors (PEM). A PEM string may hold several certificates. */
  roots: string[];
  /** Issuing CAs that may appear between a leaf and a root (PEM). Not trusted by themselves. */
  intermediates: string[];
}

interface CaCertificate {
  cert: X509Certificate;
  isRoot: boolean;
  notBefore: Date;
  notAfter: Date;
}

/** Everything about a leaf that does not depend on the time of the check. */
type LeafAnalysis =
  | { malformed: string }
  | {
      malformed?: undefined;
      leaf: X509Certificate;
      notBefore: Date;
      notAfter: Date;
      /** Issuers from the leaf's issuer up to a root, or why no such path exists. */
      path: CaCertificate[] | string;
      keyUsageProblem?: string;
      oin?: string;
    };

const CACHE_LIMIT = 1024;
const MAX_PATH_LENGTH = 6;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

function splitPem(pems: string[]): string[] {
  return pems.flatMap((pem) => pem.match(PEM_CERTIFICATE) ?? [pem]);
}

function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

/**
 * Decides whether a certificate may sign national messages: it must chain to one of our roots
 * (never trusted just because a document carries it), every certificate on the path must be
 * valid at the given time, the leaf must allow digitalSignature and carry a 20-digit OIN.
 *
 * Results that do not depend on time are cached per certificate, because every party signs
 * thousands of messages with the same one. Revocation (CRLs) will slot in after path building:
 * the path is kept so each issuer's CRL can be consulted.
 */
export class TrustStore {
  private readonly cas: CaCertificate[];
  private readonly cache = new Map<string, LeafAnalysis>();

  constructor(options: TrustStoreOptions) {
    const load = (pem: string, isRoot: boolean): CaCertificate => {
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(pem);
      } catch {
        throw new Error(`TrustStore: a ${isRoot ? 'root' : 'intermediate'} certificate is not valid PEM/X.509`);
      }
      if (!cert.ca) throw new Error(`TrustStore: ${oneLine(cert.subject)} is not a CA certificate`);
      return { cert, isRoot, notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) };
    };
    this.cas = [
      ...splitPem(options.roots).map((pem) => load(pem, true)),
      ...splitPem(options.intermediates).map((pem) => load(pem, false)),
    ];
    if (!this.cas.some((ca) => ca.isRoot)) throw new Error('TrustStore: at least one root is required');
  }

  check(certificatePem: string, at: Date): TrustResult {
    // An invalid date would make every validity comparison false, i.e. pass: fail closed.
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new TypeError('TrustStore.check: invalid date');
    const analysis = this.analyse(certificatePem);
    if (analysis.malformed !== undefined) return fail('CERT_MALFORMED', analysis.malformed);
    const { leaf, path } = analysis;
    if (typeof path === 'string') return fail('CERT_UNKNOWN_CA', path);

    const time = at.getTime();
    const subject = oneLine(leaf.subject);
    const validity: { name: string; notBefore: Date; notAfter: Date }[] = [
      { name: `certificate ${subject}`, notBefore: analysis.notBefore, notAfter: analysis.notAfter },
      ...path.map((ca) => ({ name: `CA ${oneLine(ca.cert.subject)}`, notBefore: ca.notBefore, notAfter: ca.notAfter })),
    ];
    for (const v of validity) {
      if (time > v.notAfter.getTime()) {
        return fail('CERT_EXPIRED', `${v.name} expired at ${v.notAfter.toISOString()}`);
      }
      if (time < v.notBefore.getTime()) {
        return fail('CERT_NOT_YET_VALID', `${v.name} is not valid before ${v.notBefore.toISOString()}`);
      }
    }
    if (analysis.keyUsageProblem) return fail('CERT_KEY_USAGE', `certificate ${subject} ${analysis.keyUsageProblem}`);
    if (!analysis.oin) {
      return fail('CERT_NO_OIN', `certificate ${subject} has no 20-digit OIN in its subject serialNumber`);
    }
    return {
      trusted: true,
      oin: analysis.oin,
      subject,
      notAfter: analysis.notAfter,
      fingerprint256: leaf.fingerprint256,
      publicKey: leaf.publicKey,
    };
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
    return {
      leaf,
      notBefore: new Date(leaf.validFrom),
      notAfter: new Date(leaf.validTo),
      path: this.buildPath(leaf),
      keyUsageProblem,
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

function fail(code: TrustErrorCode, reason: string): TrustResult {
  return { trusted: false, code, reason };
}
