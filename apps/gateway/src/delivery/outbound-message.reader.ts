import type { OutboundType } from '@vir/contracts';
import type { TrustStore } from '@vir/pki';
import { openFoutbericht, openMatchsignaal, openPing, type Opened } from '@vir/xml';

/** A type the gateway stores and delivers one by one (a Matchsignalen is split at intake). */
export type SingleOutboundType = Exclude<OutboundType, 'matchsignalen'>;

/** Verifies a signed message from the index by its type and returns its content. */
export function openOutbound(type: SingleOutboundType, xml: string, trustStore: TrustStore, at: Date): Opened<{ ontvangerOin: string }> {
  switch (type) {
    case 'matchsignaal':
      return openMatchsignaal(xml, { trustStore, at });
    case 'foutbericht':
      return openFoutbericht(xml, { trustStore, at });
    case 'ping':
      return openPing(xml, { trustStore, at });
  }
}
