import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { Contracts, type FlowEvent, type MatchsignaalBericht, type MeldingBericht, type OutboundMessage } from '@vir/contracts';
import { endOfActivePeriod, matchNewMelding, type MatchCandidate } from '@vir/domain';
import type { Pseudonyms } from './pseudonymizer';
import { signMatchsignaal, type Signer } from '@vir/xml';
import { InboxEntry, MatchRow, MeldingOuderRow, MeldingRow, OutboxRow } from '../persistence/index.entities';

export interface RecordResult {
  outcome: 'duplicate' | 'new' | 'updated';
  matches: number;
  signals: number;
}

export interface RecordInput {
  melding: MeldingBericht;
  /** The young person under every pseudonym key in use (current one stored). */
  jeugdige: Pseudonyms;
  ouders: Pseudonyms[];
  at: Date;
  /** Builds a flow event for the outbox (same ids/clock as the publisher). */
  flow: (step: Omit<FlowEvent, 'eventId' | 'at' | 'component'>) => FlowEvent;
}

function toCandidate(r: MeldingRow, ouders: string[]): MatchCandidate {
  return { id: r.id, jeugdigePseudonym: r.jeugdigePseudonym, ouderPseudonyms: ouders, professionalKey: r.professionalKey, convenant: r.convenant, status: r.status };
}

export interface MeldingStoreOptions {
  /**
   * Parties (OINs) that match within their own covenant area themselves: they get signals for
   * cross-area matches only. The match itself is still recorded.
   */
  localMatchingOins?: ReadonlySet<string>;
}

/**
 * Stores a verified melding, its matches, its signals and its flow events in ONE transaction
 * (transactional outbox): a crash anywhere either leaves no trace or all of it.
 */
export class MeldingStore {
  constructor(
    private readonly ds: DataSource,
    private readonly signer: Signer,
    private readonly options: MeldingStoreOptions = {},
  ) {}

  async record(input: RecordInput): Promise<RecordResult> {
    return this.ds.transaction('READ COMMITTED', async (em) => {
      const { melding: m, at } = input;
      const pseudonym = input.jeugdige.current;
      const ouders = [...new Set(input.ouders.map((o) => o.current))];
      // Rows made under a previous pseudonym key are the same people: read them as current.
      const asCurrent = new Map<string, string>();
      for (const p of [input.jeugdige, ...input.ouders]) for (const alias of p.all) asCurrent.set(alias, p.current);
      const normalise = (p: string) => asCurrent.get(p) ?? p;
      const inserted = await em
        .createQueryBuilder()
        .insert()
        .into(InboxEntry)
        .values({ messageId: m.berichtId, senderOin: m.afzenderOin, outcome: 'stored' })
        .orIgnore()
        .returning('message_id')
        .execute();
      if (inserted.raw.length === 0) return { outcome: 'duplicate', matches: 0, signals: 0 };

      // Serialise concurrent meldingen about the same young person or the same family, across
      // index instances: one lock per pseudonym, always taken in sorted order (no deadlocks).
      const lookupChild = input.jeugdige.all;
      const lookupOuders = [...new Set(input.ouders.flatMap((o) => o.all))];
      for (const key of [...new Set([...lookupChild, ...lookupOuders])].sort()) {
        await em.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
      }
      // Two index lookups, not one OR (which PostgreSQL answers with a scan of every melding).
      const sameChild = await em
        .getRepository(MeldingRow)
        .createQueryBuilder('m')
        .where("m.status = 'active' AND m.jeugdige_pseudonym = ANY(:lookupChild)", { lookupChild })
        .getMany();
      const sameParents = lookupOuders.length
        ? await em
            .getRepository(MeldingRow)
            .createQueryBuilder('m')
            .innerJoin(MeldingOuderRow, 'o', 'o.melding_id = m.id')
            .where("m.status = 'active' AND o.ouder_pseudonym = ANY(:lookupOuders)", { lookupOuders })
            .getMany()
        : [];
      const active = [...new Map([...sameChild, ...sameParents].map((r) => [r.id, r])).values()];
      const ouderRows: MeldingOuderRow[] = active.length
        ? await em.getRepository(MeldingOuderRow).createQueryBuilder('o').where('o.melding_id = ANY(:ids)', { ids: active.map((a) => a.id) }).getMany()
        : [];
      const oudersOf = (id: string) => ouderRows.filter((o) => o.meldingId === id).map((o) => normalise(o.ouderPseudonym));

      const professionalKey = `${m.afzenderOin}/${m.melder.id}`;
      const row: MeldingRow = Object.assign(new MeldingRow(), {
        id: randomUUID(),
        messageId: m.berichtId,
        partyOin: m.afzenderOin,
        convenant: m.convenant,
        referentie: m.referentie,
        professionalKey,
        melderId: m.melder.id,
        melderNaam: m.melder.naam,
        melderTelefoon: m.melder.telefoon ?? null,
        melderEmail: m.melder.email ?? null,
        organisatieNaam: m.organisatie.naam,
        organisatieDomein: m.organisatie.domein,
        jeugdigePseudonym: pseudonym,
        geboortedatum: m.jeugdige.geboortedatum,
        meldingsdatum: m.meldingsdatum,
        endsOn: endOfActivePeriod(m),
        status: 'active',
        endedOn: null,
        purgeOn: null,
        createdAt: at,
        updatedAt: at,
      });
      const outcome = matchNewMelding(
        toCandidate(row, ouders),
        active.map((a) => ({ ...toCandidate(a, oudersOf(a.id)), jeugdigePseudonym: normalise(a.jeugdigePseudonym) })),
      );
      const events: FlowEvent[] = [];

      if (outcome.kind === 'update') {
        // Same professional, same young person: refresh the earlier melding, no new match.
        await em.update(MeldingRow, { id: outcome.existing.id }, {
          referentie: row.referentie,
          melderNaam: row.melderNaam,
          melderTelefoon: row.melderTelefoon,
          melderEmail: row.melderEmail,
          organisatieNaam: row.organisatieNaam,
          organisatieDomein: row.organisatieDomein,
          meldingsdatum: row.meldingsdatum,
          endsOn: row.endsOn,
          updatedAt: at,
        });
        events.push(input.flow({ messageId: m.berichtId, partyOin: m.afzenderOin, step: 'index.stored', outcome: 'ok', detail: 'updated an earlier melding by the same professional' }));
        await this.writeOutbox(em, [], events, at);
        return { outcome: 'updated', matches: 0, signals: 0 };
      }

      await em.insert(MeldingRow, row);
      if (ouders.length > 0) await em.insert(MeldingOuderRow, ouders.map((o) => ({ meldingId: row.id, ouderPseudonym: o })));
      events.push(input.flow({ messageId: m.berichtId, partyOin: m.afzenderOin, step: 'index.stored', outcome: 'ok' }));
      const byId = new Map(active.map((r) => [r.id, r]));
      const signals: OutboundMessage[] = [];
      for (const match of outcome.matches) {
        const other = byId.get(match.a.id)!;
        const matchRow = Object.assign(new MatchRow(), { id: randomUUID(), soort: match.soort, reikwijdte: match.reikwijdte, meldingA: other.id, meldingB: row.id, createdAt: at });
        await em.insert(MatchRow, matchRow);
        for (const [self, counterpart] of [[other, row], [row, other]] as const) {
          if (match.reikwijdte === 'binnen-convenant' && this.options.localMatchingOins?.has(self.partyOin)) continue;
          const signal = this.buildSignal(matchRow, self, counterpart, at);
          signals.push(signal);
          events.push(input.flow({ messageId: signal.messageId, correlationIds: signal.correlationIds, partyOin: self.partyOin, step: 'index.signal-queued', outcome: 'ok', detail: `${match.reikwijdte} ${match.soort}-match` }));
        }
      }
      events.push(input.flow({ messageId: m.berichtId, partyOin: m.afzenderOin, step: 'index.matched', outcome: 'ok', detail: `${outcome.matches.length} match(es), ${signals.length} signal(s)` }));
      await this.writeOutbox(em, signals, events, at);
      return { outcome: 'new', matches: outcome.matches.length, signals: signals.length };
    });
  }

  private buildSignal(match: MatchRow, self: MeldingRow, counterpart: MeldingRow, at: Date): OutboundMessage {
    const bericht: MatchsignaalBericht = {
      berichtId: randomUUID(),
      afzenderOin: this.signer.oin,
      ontvangerOin: self.partyOin,
      verzonden: at.toISOString(),
      matchId: match.id,
      soort: match.soort,
      reikwijdte: match.reikwijdte,
      eigenMelding: { referentie: self.referentie, berichtId: self.messageId },
      andereMelder: {
        id: counterpart.melderId,
        naam: counterpart.melderNaam,
        ...(counterpart.melderTelefoon ? { telefoon: counterpart.melderTelefoon } : {}),
        ...(counterpart.melderEmail ? { email: counterpart.melderEmail } : {}),
        convenant: counterpart.convenant,
      },
      andereOrganisatie: { naam: counterpart.organisatieNaam, domein: counterpart.organisatieDomein as MatchsignaalBericht['andereOrganisatie']['domein'] },
    };
    return {
      messageId: bericht.berichtId,
      type: 'matchsignaal',
      recipientOin: self.partyOin,
      correlationIds: [self.messageId, counterpart.messageId],
      producedAt: at.toISOString(),
      xml: signMatchsignaal(bericht, this.signer),
    };
  }

  private async writeOutbox(em: EntityManager, signals: OutboundMessage[], events: FlowEvent[], at: Date): Promise<void> {
    const rows = [
      ...signals.map((s) => ({ topic: Contracts.outbound.topic.name, key: s.recipientOin, payload: Contracts.outbound.serialize(s).toString(), createdAt: at })),
      ...events.map((e) => ({ topic: Contracts.flowEvent.topic.name, key: e.messageId, payload: Contracts.flowEvent.serialize(e).toString(), createdAt: at })),
    ];
    if (rows.length > 0) await em.insert(OutboxRow, rows);
  }
}
