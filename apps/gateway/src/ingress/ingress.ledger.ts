import type { DataSource } from 'typeorm';

export type ClaimResult = 'claimed' | 'replay' | 'conflict';

/**
 * Every accepted message id, with a hash of what was sent. Resending the same message returns
 * the first answer and forwards nothing; the same id with other content is refused. The claim
 * is an INSERT, so two concurrent sends of one id cannot both be forwarded.
 */
export class IngressLedger {
  constructor(private readonly ds: DataSource) {}

  /**
   * `sameContent`: hashes under which an earlier send counts as this same message (the hash is
   * stored as given; older rows may hold another form of it).
   */
  async claim(messageId: string, partyOin: string, contentHash: string, at: Date, sameContent: string[] = [contentHash]): Promise<ClaimResult> {
    const inserted: unknown[] = await this.ds.query(
      `INSERT INTO ingress_message (message_id, party_oin, content_hash, received_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
      [messageId, partyOin, contentHash, at],
    );
    if (inserted.length === 1) return 'claimed';
    const [first]: { party_oin: string; content_hash: string }[] = await this.ds.query(
      'SELECT party_oin, content_hash FROM ingress_message WHERE message_id = $1',
      [messageId],
    );
    return first && first.party_oin === partyOin && [contentHash, ...sameContent].includes(first.content_hash) ? 'replay' : 'conflict';
  }

  /** Forwarding failed: forget the claim so the party can send the message again. */
  async release(messageId: string): Promise<void> {
    await this.ds.query('DELETE FROM ingress_message WHERE message_id = $1', [messageId]);
  }
}
