// Shapes of the gateway's admin API that other services read (the monitor's console and alerts).

export type CertificateStatusCode = 'valid' | 'expiring' | 'expired' | 'unknown';

/** One certificate of one party in `GET /v1/admin/certificates`. */
export interface CertificateStatus {
  partyOin: string;
  partyName: string;
  /** `client`: registered for mutual TLS; `signing`: the gateway signs the tenant's meldingen with it. */
  use: 'client' | 'signing';
  fingerprint: string;
  subject: string | null;
  serialNumber: string | null;
  notAfter: string | null;
  /** Whole days left (negative: expired that long ago); null when the expiry is unknown. */
  daysLeft: number | null;
  /** `unknown`: registered by fingerprint and not yet presented by the party. */
  status: CertificateStatusCode;
}
