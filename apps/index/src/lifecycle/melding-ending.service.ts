import type { DataSource, EntityManager } from 'typeorm';
import type { FlowEvent, MeldingVerwijzing } from '@vir/contracts';
import { purgeDate, type Clock } from '@vir/domain';
import { Contracts } from '@vir/contracts';
import { recordAudit } from './audit.log';

/** A refusal of an ending: the sender gets it as a Foutbericht; nothing changed. */
export class EndingRefused extends Error {
  constructor(
    readonly code: 'MELDING_NOT_FOUND' | 'MELDING_NOT_ACTIVE' | 'NOT_AUTHORISED' | 'DATE_IN_FUTURE',
    message: string,
  ) {
    super(message);
  }
}

/** A party's own melding by its message id and/or reference (the newest active one first); by the index melding_party_referentie. */
export const FIND_MELDING_SQL = `SELECT id, status, jeugdige_pseudonym AS subject, message_id FROM melding
       WHERE party_oin = $1 AND ($2::uuid IS NULL OR message_id = $2::uuid) AND ($3::text IS NULL OR referentie = $3)
       ORDER BY (status = 'active') DESC, created_at DESC LIMIT 1`;

export interface EndingRequest {
  messageId: string;
  /** Who asks (the signer, already verified). */
  actorOin: string;
  /** Whose melding: for a withdrawal the actor itself. */
  ownerOin: string;
  melding: MeldingVerwijzing;
  status: 'withdrawn' | 'removed';
  /** The day the melding ends (YYYY-MM-DD). */
  endedOn: string;
  reason?: string;
  detail?: Record<string, unknown>;
  flow: (step: Omit<FlowEvent, 'eventId' | 'at' | 'component'>) => FlowEvent;
}

/**
 * Ends a melding before its time: withdrawal by its reporter (intrekking) or removal ordered by a
 * municipality (verwijdering). One transaction: the inbox entry (a redelivery changes nothing),
 * the status, the audit record and the flow event. Unknown meldingen and other parties' meldingen
 * get the same answer, so nobody can probe for existence.
 */
export class MeldingEndingService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async end(r: EndingRequest): Promise<'ended' | 'duplicate'> {
    if (r.endedOn > this.clock.today()) throw new EndingRefused('DATE_IN_FUTURE', 'the end date lies in the future');
    return this.ds.transaction(async (em) => {
      const inserted: unknown[] = await em.query(
        `INSERT INTO inbox (message_id, sender_oin, outcome) VALUES ($1, $2, $3) ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
        [r.messageId, r.actorOin, r.status],
      );
      if (inserted.length === 0) return 'duplicate';
      const found = await this.find(em, r);
      if (!found) throw new EndingRefused('MELDING_NOT_FOUND', 'no melding of this party with this berichtId/referentie');
      // The locks matching takes (young person and parents, sorted): no child or family match can
      // be made with this melding while it ends. Taken before the row lock, as matching does.
      const ouders: { p: string }[] = await em.query('SELECT ouder_pseudonym AS p FROM melding_ouder WHERE melding_id = $1', [found.id]);
      for (const key of [...new Set([found.subject, ...ouders.map((o) => o.p)])].sort()) {
        await em.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
      }
      const [melding]: { id: string; status: string; subject: string; message_id: string }[] = await em.query(
        'SELECT id, status, jeugdige_pseudonym AS subject, message_id FROM melding WHERE id = $1 FOR UPDATE',
        [found.id],
      );
      if (melding.status !== 'active') throw new EndingRefused('MELDING_NOT_ACTIVE', `the melding has already ended (${melding.status})`);
      const now = this.clock.now();
      await em.query(`UPDATE melding SET status = $2, ended_on = $3, purge_on = $4, updated_at = $5 WHERE id = $1`, [melding.id, r.status, r.endedOn, purgeDate(r.endedOn), now]);
      await recordAudit(em, [{ at: now, actor: r.actorOin, action: r.status, meldingId: melding.id, subject: melding.subject, reason: r.reason, detail: { ...r.detail, endedOn: r.endedOn } }]);
      const event = r.flow({ messageId: r.messageId, correlationIds: [melding.message_id], partyOin: r.actorOin, step: `index.${r.status}`, outcome: 'ok' });
      await em.query('INSERT INTO outbox (topic, key, payload, created_at) VALUES ($1, $2, $3, $4)', [
        Contracts.flowEvent.topic.name,
        event.messageId,
        Contracts.flowEvent.serialize(event).toString(),
        now,
      ]);
      return 'ended';
    });
  }

  private async find(em: EntityManager, r: EndingRequest): Promise<{ id: string; status: string; subject: string; message_id: string } | undefined> {
    const rows: { id: string; status: string; subject: string; message_id: string }[] = await em.query(
      FIND_MELDING_SQL,
      [r.ownerOin, r.melding.berichtId ?? null, r.melding.referentie ?? null],
    );
    return rows[0];
  }
}
