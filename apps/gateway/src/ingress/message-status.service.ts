import type { DataSource } from 'typeorm';
import { UUID_PATTERN, type OutboundType } from '@vir/contracts';
import type { SignalStatus } from '../delivery/signal-lifecycle';
import type { Party } from '../parties/party.registry';
import { GatewayError } from './gateway.error';


/** What a party may see of a message it sent: when it was accepted, and the party's own signals about it. */
export interface MessageStatusView {
  trackingId: string;
  receivedAt: string;
  /** Matchsignalen (and a foutbericht when the index refused it) addressed to this party about this message. */
  signalen: { id: string; type: OutboundType; status: SignalStatus; receivedAt: string }[];
}

/**
 * GET /v1/berichten/{trackingId}: a party's own message. Another party's message is answered
 * exactly as one that does not exist.
 */
export class MessageStatusService {
  constructor(private readonly ds: DataSource) {}

  async forParty(party: Party, trackingId: string): Promise<MessageStatusView> {
    const id = trackingId.toLowerCase();
    const [message]: { received_at: Date }[] = UUID_PATTERN.test(id) ? await this.ds.query('SELECT received_at FROM ingress_message WHERE message_id = $1 AND party_oin = $2', [id, party.oin]) : [];
    if (!message) throw new GatewayError('MESSAGE_NOT_FOUND', 'Your party sent no message with this tracking id');
    const signals: { id: string; type: OutboundType; status: SignalStatus; received_at: Date }[] = await this.ds.query(
      'SELECT id, type, status, received_at FROM signal WHERE recipient_oin = $1 AND correlation_ids @> ARRAY[$2::uuid] ORDER BY seq',
      [party.oin, id],
    );
    return {
      trackingId: id,
      receivedAt: message.received_at.toISOString(),
      signalen: signals.map((s) => ({ id: s.id, type: s.type, status: s.status, receivedAt: s.received_at.toISOString() })),
    };
  }
}
