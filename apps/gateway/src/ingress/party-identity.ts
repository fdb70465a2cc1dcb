import type { Request } from 'express';
import type { Party, PartyRegistry } from '../parties/party.registry';
import { GatewayError } from './gateway.error';

/**
 * Who is calling. In this version the party names itself with the X-VIR-Party header (its
 * OIN); the gateway issue replaces this with the OIN from the mutual-TLS client certificate.
 */
export const PARTY_HEADER = 'x-vir-party';

export function identifyParty(req: Request, registry: PartyRegistry): Party {
  const oin = req.headers[PARTY_HEADER];
  const party = registry.find(typeof oin === 'string' ? oin : undefined);
  if (!party) throw new GatewayError('UNKNOWN_PARTY', 'The caller is not a registered party');
  return party;
}
