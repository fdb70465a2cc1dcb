import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** What the TLS handshake established about the caller: its certificate and OpenSSL's verdict. */
export interface ClientCertificate {
  pem: string;
  /** OpenSSL verified the chain to our CAs (requestCert with rejectUnauthorized off: we decide). */
  authorized: boolean;
  authorizationError?: string;
}

// One TLS connection carries many requests (keep-alive): read its certificate once.
const perSocket = new WeakMap<TLSSocket, ClientCertificate | null>();

/**
 * The client certificate of the connection a request came in on, or undefined when there is none:
 * plain HTTP (the operators' port), or HTTPS without a certificate.
 */
export function clientCertificateOf(socket: Socket | TLSSocket): ClientCertificate | undefined {
  const tls = socket as TLSSocket;
  if (tls.encrypted !== true || typeof tls.getPeerCertificate !== 'function') return undefined;
  const known = perSocket.get(tls);
  if (known !== undefined) return known ?? undefined;
  const peer = tls.getPeerCertificate(false);
  let found: ClientCertificate | null = null;
  if (peer && peer.raw && peer.raw.length > 0) {
    const error = tls.authorizationError as Error | string | null | undefined;
    found = {
      pem: new X509Certificate(peer.raw).toString(),
      authorized: tls.authorized === true,
      ...(error ? { authorizationError: typeof error === 'string' ? error : (error.message ?? String(error)) } : {}),
    };
  }
  perSocket.set(tls, found);
  return found ?? undefined;
}
