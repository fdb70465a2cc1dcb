import { X509Certificate } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { CertificateStatus, CertificateStatusCode } from '@vir/contracts';
import type { Clock } from '@vir/domain';
import { normalizeSerial, oinOfCertificate } from '@vir/pki';
import type { Party } from './party';

// Parties are registered by certificate fingerprint, which says nothing about expiry: an expired
// certificate silences a whole region. So the gateway keeps what it learns of each certificate —
// from a PEM given at registration, from the parties file, or from the certificate a party presents
// in its TLS handshake — and reports every registered one with its expiry (or as unknown).

export type LearnedFrom = 'registration' | 'parties-file' | 'handshake';

export interface CertificateDetails {
  /** SHA-256, `AB:CD:…` (node's fingerprint256). */
  fingerprint: string;
  /** The OIN in subject.serialNumber ('' when it has none). */
  oin: string;
  subject: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
}

/** The details of a PEM certificate; throws when it is not one. */
export function detailsOfPem(pem: string): CertificateDetails {
  const cert = new X509Certificate(pem);
  return {
    fingerprint: cert.fingerprint256,
    oin: oinOfCertificate(pem) ?? '',
    subject: cert.subject.split('\n').join(', '),
    serialNumber: normalizeSerial(cert.serialNumber),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
  };
}

/** One certificate of one party in the report (the admin API's shape). */
export type CertificateReportEntry = CertificateStatus;

const DAY_MS = 86_400_000;

/**
 * Every party's client certificates (by registered fingerprint, with what is known of each) and the
 * signing certificates of regional tenants, soonest expiry first, unknown ones last.
 */
export function certificateReport(parties: Party[], known: ReadonlyMap<string, CertificateDetails>, now: Date, withinDays: number): CertificateReportEntry[] {
  const entries: CertificateReportEntry[] = [];
  const entry = (p: Party, use: CertificateReportEntry['use'], fingerprint: string, d: CertificateDetails | undefined): CertificateReportEntry => {
    if (!d) return { partyOin: p.oin, partyName: p.name, use, fingerprint, subject: null, serialNumber: null, notAfter: null, daysLeft: null, status: 'unknown' };
    const left = d.notAfter.getTime() - now.getTime();
    const status: CertificateStatusCode = left < 0 ? 'expired' : left < withinDays * DAY_MS ? 'expiring' : 'valid';
    return { partyOin: p.oin, partyName: p.name, use, fingerprint, subject: d.subject, serialNumber: d.serialNumber, notAfter: d.notAfter.toISOString(), daysLeft: Math.floor(left / DAY_MS), status };
  };
  for (const p of parties) {
    for (const fingerprint of p.certificates) entries.push(entry(p, 'client', fingerprint, known.get(fingerprint)));
    if (p.signer) {
      let details: CertificateDetails | undefined;
      try {
        details = detailsOfPem(p.signer.certificatePem);
      } catch {
        details = undefined; // the registry already warned that it cannot sign
      }
      if (details) entries.push(entry(p, 'signing', details.fingerprint, details));
    }
  }
  const order = (e: CertificateReportEntry) => (e.notAfter === null ? Number.POSITIVE_INFINITY : Date.parse(e.notAfter));
  return entries.sort((a, b) => order(a) - order(b) || a.partyOin.localeCompare(b.partyOin) || a.use.localeCompare(b.use));
}

/**
 * The `party_certificate` table: what the gateway learned of certificates, each once (the first
 * source wins; a certificate's content never changes). Handshakes are learned without making the
 * request wait, and only for fingerprints this instance has not seen yet.
 */
export class CertificateRegister {
  private readonly known = new Set<string>();
  private readonly learning = new Set<string>();

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly warn: (line: string) => void = () => undefined,
  ) {}

  async record(details: CertificateDetails, from: LearnedFrom): Promise<void> {
    if (this.known.has(details.fingerprint)) return;
    await this.ds.query(
      `INSERT INTO party_certificate (fingerprint, oin, subject, serial_number, not_before, not_after, learned_from, learned_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (fingerprint) DO NOTHING`,
      [details.fingerprint, details.oin, details.subject, details.serialNumber, details.notBefore.toISOString(), details.notAfter.toISOString(), from, this.clock.now().toISOString()],
    );
    this.known.add(details.fingerprint);
  }

  /** From an authenticated request's client certificate: a Set lookup unless it is new here. */
  learnFromHandshake(pem: string, fingerprint: string): void {
    if (this.known.has(fingerprint) || this.learning.has(fingerprint)) return;
    this.learning.add(fingerprint);
    Promise.resolve()
      .then(() => this.record(detailsOfPem(pem), 'handshake'))
      .catch((err: unknown) => this.warn(`Certificate ${fingerprint} not recorded: ${(err as Error).message}`))
      .finally(() => this.learning.delete(fingerprint));
  }

  /** Everything recorded, by fingerprint (and remembered as known). */
  async all(): Promise<Map<string, CertificateDetails>> {
    const rows: { fingerprint: string; oin: string; subject: string; serial_number: string; not_before: Date; not_after: Date }[] = await this.ds.query(
      'SELECT fingerprint, oin, subject, serial_number, not_before, not_after FROM party_certificate',
    );
    const out = new Map<string, CertificateDetails>();
    for (const r of rows) {
      out.set(r.fingerprint, { fingerprint: r.fingerprint, oin: r.oin, subject: r.subject, serialNumber: r.serial_number, notBefore: new Date(r.not_before), notAfter: new Date(r.not_after) });
      this.known.add(r.fingerprint);
    }
    return out;
  }
}
