import { X509Certificate } from 'node:crypto';
import { oinOfCertificate } from './certificate-reader';
import { normalizeSerial } from './der-reader';

// Which certificates need a successor soon: the list the operators' console shows. Expired ones
// are included (daysLeft < 0): they are the most urgent, not something to hide.

export interface ExpiringCertificate {
  party: string;
  /** Absent for a certificate without OIN (a CA). */
  oin?: string;
  subject: string;
  /** Upper-case hex, as on the CRL. */
  serialNumber: string;
  notAfter: Date;
  /** Whole days from `at` to notAfter, rounded down; negative once expired. */
  daysLeft: number;
  expired: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Certificates that expire within `withinDays` of `at` (or have expired), soonest first. */
export function expiringCertificates(
  certs: { party: string; pem: string }[],
  at: Date,
  withinDays = 60,
): ExpiringCertificate[] {
  const time = at.getTime();
  if (Number.isNaN(time)) throw new TypeError('expiringCertificates: invalid date');
  if (!Number.isFinite(withinDays) || withinDays < 0) throw new RangeError('expiringCertificates: withinDays must be >= 0');
  const out: ExpiringCertificate[] = [];
  for (const { party, pem } of certs) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch {
      throw new Error(`expiringCertificates: the certificate of '${party}' is not valid PEM/X.509`);
    }
    const notAfter = new Date(cert.validTo);
    const left = notAfter.getTime() - time;
    if (left > withinDays * DAY_MS) continue;
    const oin = oinOfCertificate(pem);
    out.push({
      party,
      ...(oin ? { oin } : {}),
      subject: cert.subject.split('\n').join(', '),
      serialNumber: normalizeSerial(cert.serialNumber),
      notAfter,
      daysLeft: Math.floor(left / DAY_MS),
      expired: left < 0,
    });
  }
  return out.sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime() || a.party.localeCompare(b.party));
}
