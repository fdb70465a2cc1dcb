import type { PingBericht } from '@vir/contracts';
import type { TrustStore } from '@vir/pki';
import type { DeliveryFormat } from '../parties/party';
import { openOutbound, type SingleOutboundType } from './outbound-message.reader';

/** What delivery needs of a stored signal to render it for its party. */
export interface RenderableSignal {
  type: SingleOutboundType;
  xml: string;
  /** Verified at intake; older rows (before it was kept) are verified here. */
  content: object | null;
  /** Came in a Matchsignalen bundle: `xml` has no signature of its own. */
  bundled?: boolean;
  received_at: Date;
}

/** A ping answer as a tenant gets it: the hops so far, the delivery hop, and the time each hop took. */
function withDeliveryHop(ping: PingBericht, now: Date): PingBericht & { hopMs: number[]; totalMs: number } {
  const hops = [...ping.hops, { component: 'gateway-delivery', tijdstip: now.toISOString() }];
  const times = hops.map((h) => Date.parse(h.tijdstip));
  return { ...ping, hops, hopMs: times.slice(1).map((t, i) => t - times[i]), totalMs: times[times.length - 1] - times[0] };
}

/**
 * The message as the party gets it (push body or pull item): the index-signed XML, or the same
 * content as JSON. A signal that came in a bundle goes out as JSON even to a party that now takes
 * XML: the index bundled it while the party took JSON, and its XML has no signature of its own,
 * which the party would rightly refuse (or, worse, accept). The content-type says which it is.
 */
export function renderSignal(format: DeliveryFormat, s: RenderableSignal, trustStore: TrustStore, now: Date): { body: string; contentType: string; json?: object } {
  if (format === 'xml' && !s.bundled) return { body: s.xml, contentType: 'application/xml' };
  const message = s.content ?? openOutbound(s.type, s.xml, trustStore, new Date(s.received_at)).message;
  const json = s.type === 'ping' ? { berichtType: s.type, ...withDeliveryHop(message as unknown as PingBericht, now) } : { berichtType: s.type, ...message };
  return { body: JSON.stringify(json), contentType: 'application/json', json };
}
