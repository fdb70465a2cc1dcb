import type { Clock } from '@vir/domain';
import type { TrustStore } from '@vir/pki';
import type { Party, PartyRegistry } from '../parties/party.registry';
import type { ClientCertificate } from './client-certificate';
import { GatewayError } from './gateway.error';

/**
 * Who is calling: the party whose OIN is in the mutual-TLS client certificate's subject
 * serialNumber. Nothing else identifies a party. The certificate must pass our trust store
 * (chain to our CAs, validity, CRL, key usage, OIN) as well as OpenSSL's own chain check, and
 * the OIN must be a registered, active party, the certificate one of those registered for it
 * (by fingerprint: one, two during a rollover).
 */
export class PartyAuthenticator {
  constructor(
    private readonly registry: PartyRegistry,
    private readonly trustStore: TrustStore,
    private readonly clock: Clock,
    /** Told of every accepted certificate (the gateway learns its expiry from it). */
    private readonly accepted: (pem: string, fingerprint256: string) => void = () => undefined,
  ) {}

  authenticate(certificate: ClientCertificate | undefined): Party {
    if (!certificate) throw new GatewayError('CLIENT_CERT_MISSING', 'No client certificate: connect over HTTPS to the party port and present your PKI certificate');
    const trust = this.trustStore.check(certificate.pem, this.clock.now());
    if (!trust.trusted) {
      switch (trust.code) {
        case 'CERT_REVOKED':
          throw new GatewayError('CLIENT_CERT_REVOKED', `The client certificate is revoked: ${trust.reason}`);
        case 'CERT_CRL_STALE':
          throw new GatewayError('CERT_CRL_STALE', 'Revocation of client certificates cannot be checked right now; retry later', undefined, 60);
        default:
          throw new GatewayError('CLIENT_CERT_UNTRUSTED', `The client certificate is not trusted: ${trust.reason}`, [trust.code]);
      }
    }
    if (!certificate.authorized) {
      throw new GatewayError('CLIENT_CERT_UNTRUSTED', `The client certificate is not trusted: ${certificate.authorizationError ?? 'TLS verification failed'}`, [
        certificate.authorizationError ?? 'TLS',
      ]);
    }
    const party = this.registry.find(trust.oin);
    if (!party) throw new GatewayError('UNKNOWN_PARTY', `OIN ${trust.oin} of the client certificate is not a registered party`);
    if (!party.certificates.includes(trust.fingerprint256)) {
      throw new GatewayError('CLIENT_CERT_NOT_REGISTERED', `This certificate (SHA-256 ${trust.fingerprint256}) is not registered for OIN ${party.oin}; ask the operators to register it`);
    }
    this.accepted(certificate.pem, trust.fingerprint256);
    if (party.status === 'suspended') throw new GatewayError('PARTY_SUSPENDED', 'This party is suspended; nothing is accepted until the operators resume it');
    return party;
  }
}
