import { readFileSync } from 'node:fs';
import type { ServerOptions } from 'node:https';
import type { GatewayConfig } from './gateway.config';

/** Our trust anchors and issuing CAs: client certificates and webhook server certificates must chain to them. */
function trustedCas(config: GatewayConfig): string[] {
  return [readFileSync(config.TRUST_ROOT_FILE, 'utf8'), ...(config.TRUST_INTERMEDIATES_FILE ? [readFileSync(config.TRUST_INTERMEDIATES_FILE, 'utf8')] : [])];
}

/** The gateway's own TLS identity: server certificate on the party port, client certificate towards https webhooks. */
export function gatewayTlsIdentity(config: GatewayConfig): { key: Buffer; cert: Buffer; ca: string[] } {
  return { key: readFileSync(config.TLS_KEY_FILE), cert: readFileSync(config.TLS_CERT_FILE), ca: trustedCas(config) };
}

/**
 * The party port: HTTPS that asks every client for its certificate. The handshake does not fail
 * for a missing or untrusted certificate (rejectUnauthorized off) so that the party gets a coded
 * JSON answer instead of a bare TLS alert; no request is served without a certificate that passes
 * both OpenSSL's chain check and our trust store (PartyAuthenticator).
 */
export function partyTlsOptions(config: GatewayConfig): ServerOptions {
  const { key, cert, ca } = gatewayTlsIdentity(config);
  return { key, cert, ca, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' };
}
