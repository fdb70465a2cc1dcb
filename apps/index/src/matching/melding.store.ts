import { DataSource, type EntityManager } from 'typeorm';
import { Contracts, type FlowEvent, type MeldingBericht } from '@vir/contracts';
import { endOfActivePeriod, matchBatch, timeOrderedId, type MatchCandidate, type MeldingStatus } from '@vir/domain';
import { pgArray, queryPrepared } from '@vir/persistence';
import { heldBack } from './lock-groups';
import type { Pseudonyms } from './pseudonymizer';
import { compactForTable, dimensions, matchSignalRecord, SIGNAL_SIDE_COLUMNS, type SignalSide } from './match-signal';
import type { CommittedOutboxRow, OutboxRecord } from './outbox.relay';

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
  /** The young person's statistics key (Pseudonymizer.subject): on the flow event, for the figures. */
  subject?: string;
  at: Date;
  /** Builds a flow event for the outbox (same ids/clock as the publisher). */
  flow: (step: Omit<FlowEvent, 'eventId' | 'at' | 'component'>) => FlowEvent;
}

export interface MeldingStoreOptions {
  /**
   * Parties (OINs) that match within their own covenant area themselves: they get signals for
   * cross-area matches only. The match itself is still recorded.
   */
  localMatchingOins?: { has(oin: string): boolean };
  /**
   * Parties whose signals may go out in bundles (Matchsignalen, one signature per bundle): the
   * relay bundles a pass's signals for each of them. The others get each signal signed on its own.
   */
  bundledSignalOins?: { has(oin: string): boolean };
  /**
   * Gets each chunk's outbox row once committed (the relay's handOver): its writer publishes it
   * from memory, without reading it back. Without it the row waits for a relay's table pass.
   */
  onOutboxCommitted?: (row: CommittedOutboxRow) => void;
}

/** A melding as the store reads and writes it (snake_case columns in SQL): what its signals tell, and more. */
interface StoredMelding extends SignalSide {
  id: string;
  professionalKey: string;
  jeugdigePseudonym: string;
  ouders: string[];
  geboortedatum: string;
  meldingsdatum: string;
  endsOn: string;
  status: MeldingStatus;
}

/** Inserts the chunk's message ids into the inbox; the fresh ones come back. */
const INBOX_SQL = `
  INSERT INTO inbox (message_id, sender_oin, outcome) SELECT u.id, u.oin, 'stored' FROM unnest($1::uuid[], $2::text[]) AS u(id, oin)
  ON CONFLICT (message_id) DO NOTHING RETURNING message_id::text AS id`;

/**
 * The active meldingen about the chunk's young people or their parents (the candidates), as plain
 * rows: aggregated into one JSON value (to_jsonb, json_agg) they cost PostgreSQL 8.5 of the
 * statement's 17 ms per chunk.
 *
 * Each key is looked up on its own, through its index (LATERAL, fenced by OFFSET 0 so the planner
 * cannot fold it into a join): joined as sets, the planner chose to read all of `melding` (two
 * sequential scans and hash joins) whenever the table was small enough, up to tens of thousands of
 * meldingen, and a chunk's candidates then cost PostgreSQL 70–215 µs per melding instead of 25–70 (both under
 * EXPLAIN ANALYZE, on every chunk of an index bench at 10–30 k stored).
 */
export const CANDIDATES_SQL = `
  WITH c AS (
    SELECT c.id FROM unnest($1::text[]) AS k(p) CROSS JOIN LATERAL (SELECT id FROM melding WHERE jeugdige_pseudonym = k.p AND status = 'active' OFFSET 0) AS c
    UNION
    SELECT c.id FROM unnest($2::text[]) AS k(p)
      CROSS JOIN LATERAL (SELECT m.id FROM melding_ouder o JOIN melding m ON m.id = o.melding_id WHERE o.ouder_pseudonym = k.p AND m.status = 'active' OFFSET 0) AS c)
  SELECT m.id, ${SIGNAL_SIDE_COLUMNS}, m.professional_key AS "professionalKey", m.jeugdige_pseudonym AS "jeugdigePseudonym", m.status,
         COALESCE((SELECT array_agg(ouder_pseudonym) FROM melding_ouder WHERE melding_id = m.id), '{}') AS ouders
  FROM c CROSS JOIN LATERAL (SELECT * FROM melding WHERE id = c.id OFFSET 0) AS m
  ORDER BY m.created_at, m.id`;

/** Takes each free lock without waiting; answers the keys another transaction holds. */
const TRY_LOCKS_SQL = `SELECT COALESCE(array_agg(k) FILTER (WHERE NOT pg_try_advisory_xact_lock(hashtextextended(k, 0))), '{}') AS busy FROM unnest($1::text[]) AS k`;

type Locking = 'without-waiting' | 'waiting';

const INSERT_MELDING_SQL = `
  INSERT INTO melding (id, message_id, party_oin, convenant, referentie, professional_key, melder_id, melder_naam, melder_telefoon, melder_email,
                       organisatie_naam, organisatie_domein, jeugdige_pseudonym, geboortedatum, meldingsdatum, ends_on, woongemeente, status, created_at, updated_at)
  SELECT u.*, 'active', $18::timestamptz, $18::timestamptz
  FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
              $11::text[], $12::text[], $13::text[], $14::date[], $15::date[], $16::date[], $17::text[]) AS u`;

const UPDATE_MELDING_SQL = `
  UPDATE melding m SET referentie = u.referentie, melder_naam = u.melder_naam, melder_telefoon = u.melder_telefoon, melder_email = u.melder_email,
                       organisatie_naam = u.organisatie_naam, organisatie_domein = u.organisatie_domein, meldingsdatum = u.meldingsdatum,
                       ends_on = u.ends_on, woongemeente = u.woongemeente, updated_at = $11::timestamptz
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::date[], $9::date[], $10::text[])
       AS u(id, referentie, melder_naam, melder_telefoon, melder_email, organisatie_naam, organisatie_domein, meldingsdatum, ends_on, woongemeente)
  WHERE m.id = u.id`;

/**
 * Several data-modifying statements as one (each in a WITH clause but the last): PostgreSQL runs
 * them together and checks the foreign keys at the end, so a row may reference a row inserted
 * beside it. Their $n parameters are renumbered.
 */
class Statement {
  private readonly parts: string[] = [];
  private readonly params: unknown[] = [];

  get empty(): boolean {
    return this.parts.length === 0;
  }

  add(sql: string, params: unknown[]): void {
    const offset = this.params.length;
    this.parts.push(sql.replace(/\$(\d+)/g, (_m, n: string) => `$${Number(n) + offset}`));
    this.params.push(...params);
  }

  /** `prepared`: only for inserts from the parameters, whose plan cannot go stale as tables grow. */
  run(em: EntityManager, prepared: boolean): Promise<unknown[]> {
    const last = this.parts.length - 1;
    const sql = this.parts.map((p, i) => (i < last ? `${i === 0 ? 'WITH' : ','} w${i} AS (${p})` : p)).join('\n');
    return prepared ? queryPrepared(em, sql, this.params) : (em.query(sql, this.params) as Promise<unknown[]>);
  }
}

/** The fields of T that hold text (or nothing): what an array literal can carry. */
type TextField<T> = { [K in keyof T]: T[K] extends string | null | undefined ? K : never }[keyof T];

/** The columns of `rows` as array literals, one per field: the shape `unnest($1::…[], …)` takes. */
function columns<T>(rows: T[], fields: TextField<T>[]): string[] {
  return fields.map((f) => pgArray(rows.map((r) => r[f] as string | null | undefined)));
}

/**
 * Stores verified meldingen, their matches, their (unsigned) signals and their flow events in ONE
 * transaction per chunk (transactional outbox): a crash anywhere either leaves no trace of the
 * chunk or all of it, and the consumer offset moves only after the commit.
 *
 * Concurrency: every pseudonym a chunk touches is locked (transaction-scoped advisory locks)
 * before the candidates are read, so meldingen about the same young person or family on different
 * partitions or instances are serialised and match exactly once. A chunk first takes the locks
 * that are free without waiting and stores what they cover; the rest waits for its locks, taken in
 * one sorted order so no two instances deadlock (see recordBatch). Inside the chunk, matchBatch
 * matches the meldingen with each other too.
 */
export class MeldingStore {
  constructor(
    private readonly ds: DataSource,
    /** The index's signing OIN: the afzender of every signal. */
    private readonly signerOin: string,
    private readonly options: MeldingStoreOptions = {},
  ) {}

  async record(input: RecordInput): Promise<RecordResult> {
    return (await this.recordBatch([input]))[0];
  }

  /**
   * One result per input, in order. Inputs must be verified and pass the domain rules.
   *
   * Two transactions at most: the first stores every young person or family whose locks are free
   * at once (taken without waiting); those another transaction holds wait for it in a second. A
   * chunk used to wait whole for any one lock, and chunks that share a family at all (nearly every
   * pair under load) ran one after the other.
   */
  async recordBatch(inputs: RecordInput[]): Promise<RecordResult[]> {
    if (inputs.length === 0) return [];
    const results = await this.transact(inputs, 'without-waiting');
    const waiting = results.flatMap((r, i) => (r ? [] : [i]));
    if (waiting.length > 0) {
      const later = await this.transact(waiting.map((i) => inputs[i]), 'waiting');
      waiting.forEach((i, k) => (results[i] = later[k]));
    }
    return results as RecordResult[];
  }

  private async transact(inputs: RecordInput[], locking: Locking): Promise<(RecordResult | undefined)[]> {
    // READ COMMITTED (every connection's default, see @vir/persistence): each statement sees what
    // was committed before it, which is what the locks rely on.
    const { results, outbox } = await this.ds.transaction((em) => this.store(em, inputs, locking));
    if (outbox) this.options.onOutboxCommitted?.(outbox);
    return results;
  }

  /**
   * Locks every pseudonym of the inputs (one lock each), in one order (by the lock key itself) by
   * every instance; before the inbox, so a message redelivered to another instance meanwhile waits
   * here and then finds its id taken. `without-waiting`: only what is free is taken; the inputs
   * connected to a busy lock are left out (undefined in the answer) for a later transaction.
   */
  private async store(em: EntityManager, all: RecordInput[], locking: Locking): Promise<{ results: (RecordResult | undefined)[]; outbox?: CommittedOutboxRow }> {
    const keysOf = (input: RecordInput) => [...input.jeugdige.all, ...input.ouders.flatMap((o) => o.all)];
    let taken = all.map((_input, i) => i);
    if (locking === 'without-waiting') {
      const keys = all.map(keysOf);
      const [{ busy }] = await queryPrepared<{ busy: string[] }>(em, TRY_LOCKS_SQL, [pgArray([...new Set(keys.flat())])]);
      const back = new Set(heldBack(keys, new Set(busy)));
      taken = taken.filter((i) => !back.has(i));
    } else {
      await queryPrepared(em, 'SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY h) AS s', [
        pgArray([...new Set(all.flatMap(keysOf))]),
      ]);
    }
    const answer: (RecordResult | undefined)[] = all.map(() => undefined);
    if (taken.length === 0) return { results: answer };
    const { results, outbox } = await this.storeLocked(em, taken.map((i) => all[i]));
    taken.forEach((i, k) => (answer[i] = results[k]));
    return { results: answer, ...(outbox ? { outbox } : {}) };
  }

  private async storeLocked(em: EntityManager, inputs: RecordInput[]): Promise<{ results: RecordResult[]; outbox?: CommittedOutboxRow }> {
    const results: RecordResult[] = inputs.map(() => ({ outcome: 'duplicate', matches: 0, signals: 0 }));
    const at = inputs[0].at;
    // Rows made under a previous pseudonym key are the same people: read them as current.
    const asCurrent = new Map<string, string>();
    const lookupChild = new Set<string>();
    const lookupOuders = new Set<string>();
    for (const input of inputs) {
      for (const alias of input.jeugdige.all) {
        asCurrent.set(alias, input.jeugdige.current);
        lookupChild.add(alias);
      }
      for (const o of input.ouders) {
        for (const alias of o.all) {
          asCurrent.set(alias, o.current);
          lookupOuders.add(alias);
        }
      }
    }
    const normalise = (p: string) => asCurrent.get(p) ?? p;
    // The inbox, then the candidates (statements after the locks, so they see every melding
    // committed before them). Sorted ids: two transactions inserting the same ids wait for each
    // other in one order.
    const inbox = inputs.map((i) => ({ id: i.melding.berichtId.toLowerCase(), oin: i.melding.afzenderOin })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const freshIds = (await queryPrepared<{ id: string }>(em, INBOX_SQL, columns(inbox, ['id', 'oin']))).map((r) => r.id);
    if (freshIds.length === 0) return { results };
    // Not a prepared statement: it reads tables (see queryPrepared).
    const stored: StoredMelding[] = await em.query(CANDIDATES_SQL, [pgArray([...lookupChild]), pgArray([...lookupOuders])]);
    const fresh = new Set(freshIds);
    // The first of two inputs with one message id is the one stored; the other is a duplicate.
    const todo: number[] = [];
    inputs.forEach((input, i) => {
      if (fresh.delete(input.melding.berichtId.toLowerCase())) todo.push(i);
    });
    if (todo.length === 0) return { results };
    for (const s of stored) {
      s.jeugdigePseudonym = normalise(s.jeugdigePseudonym);
      s.ouders = s.ouders.map(normalise);
    }

    const rows: StoredMelding[] = todo.map((i) => {
      const { melding: m, jeugdige, ouders } = inputs[i];
      return {
        id: timeOrderedId(at.getTime()),
        messageId: m.berichtId,
        partyOin: m.afzenderOin,
        convenant: m.convenant,
        referentie: m.referentie,
        professionalKey: `${m.afzenderOin}/${m.melder.id}`,
        melderId: m.melder.id,
        melderNaam: m.melder.naam,
        melderTelefoon: m.melder.telefoon ?? null,
        melderEmail: m.melder.email ?? null,
        organisatieNaam: m.organisatie.naam,
        organisatieDomein: m.organisatie.domein,
        jeugdigePseudonym: jeugdige.current,
        ouders: [...new Set(ouders.map((o) => o.current))],
        geboortedatum: m.jeugdige.geboortedatum,
        woongemeente: m.jeugdige.woongemeente ?? null,
        meldingsdatum: m.meldingsdatum,
        endsOn: endOfActivePeriod(m),
        status: 'active',
      };
    });
    const candidate = (r: StoredMelding): MatchCandidate => ({
      id: r.id,
      jeugdigePseudonym: r.jeugdigePseudonym,
      ouderPseudonyms: r.ouders,
      professionalKey: r.professionalKey,
      convenant: r.convenant,
      status: r.status,
    });
    const outcomes = matchBatch(rows.map(candidate), stored.map(candidate));

    const byId = new Map<string, StoredMelding>(stored.map((r) => [r.id, r]));
    const inserts: StoredMelding[] = [];
    const updates = new Map<string, StoredMelding>();
    const matchRows: { id: string; soort: string; reikwijdte: string; a: string; b: string }[] = [];
    // In order: flow events, and signals. Signals go into the outbox unsigned and the relay signs
    // them: signing here would hold this chunk's pseudonym locks for the length of the signing, and
    // concurrent chunks that share a family wait for those locks (measured: half of a chunk's
    // transaction was that wait).
    const records: OutboxRecord[] = [];
    const event = (input: RecordInput, step: Parameters<RecordInput['flow']>[0]): FlowEvent => {
      const built = Contracts.flowEvent.validate(input.flow(step));
      records.push({ topic: Contracts.flowEvent.topic.name, key: step.messageId, value: built });
      return built;
    };

    outcomes.forEach((outcome, k) => {
      const input = inputs[todo[k]];
      const row = rows[k];
      const m = input.melding;
      if (outcome.kind === 'update') {
        // Same professional, same young person: refresh the earlier melding, no new match.
        const existing = byId.get(outcome.existing.id)!;
        Object.assign(existing, {
          referentie: row.referentie,
          melderNaam: row.melderNaam,
          melderTelefoon: row.melderTelefoon,
          melderEmail: row.melderEmail,
          organisatieNaam: row.organisatieNaam,
          organisatieDomein: row.organisatieDomein,
          meldingsdatum: row.meldingsdatum,
          endsOn: row.endsOn,
          woongemeente: row.woongemeente,
        });
        // An earlier melding of this same chunk is simply inserted with the new values.
        if (!inserts.includes(existing)) updates.set(existing.id, existing);
        event(input, { messageId: m.berichtId, partyOin: m.afzenderOin, step: 'index.stored', outcome: 'ok', detail: 'updated an earlier melding by the same professional' });
        results[todo[k]] = { outcome: 'updated', matches: 0, signals: 0 };
        return;
      }
      inserts.push(row);
      byId.set(row.id, row);
      const storedAt = event(input, { messageId: m.berichtId, partyOin: m.afzenderOin, step: 'index.stored', outcome: 'ok' }).at;
      let signalCount = 0;
      const figureMatches: string[] = [];
      for (const match of outcome.matches) {
        const other = byId.get(match.a.id)!;
        const matchId = timeOrderedId(at.getTime());
        matchRows.push({ id: matchId, soort: match.soort, reikwijdte: match.reikwijdte, a: other.id, b: row.id });
        figureMatches.push(`${match.soort}|${match.reikwijdte}|${other.messageId}|${other.convenant}|${other.woongemeente ?? ''}|${other.organisatieDomein}`);
        for (const [self, side, counterpart] of [[other, 'a', row], [row, 'b', other]] as const) {
          if (match.reikwijdte === 'binnen-convenant' && this.options.localMatchingOins?.has(self.partyOin)) continue;
          signalCount++;
          records.push(
            matchSignalRecord({
              signerOin: this.signerOin,
              matchId,
              soort: match.soort,
              reikwijdte: match.reikwijdte,
              self,
              side,
              counterpart,
              at,
              queuedAt: storedAt,
              bundle: this.options.bundledSignalOins?.has(self.partyOin) === true,
            }),
          );
        }
      }
      event(input, {
        messageId: m.berichtId,
        partyOin: m.afzenderOin,
        step: 'index.matched',
        outcome: 'ok',
        detail: `${outcome.matches.length} match(es), ${signalCount} signal(s)`,
        // The figures' dimensions of this new melding and of each match it made (no BSN, no pseudonym).
        ...dimensions(row),
        ...(input.subject ? { subject: input.subject } : {}),
        ...(figureMatches.length > 0 ? { matches: figureMatches } : {}),
      });
      results[todo[k]] = { outcome: 'new', matches: outcome.matches.length, signals: signalCount };
    });

    // Every write of the chunk in one statement: each round trip to PostgreSQL costs both processes
    // a wake-up, and the locks are held until the commit.
    const writes = new Statement();
    if (inserts.length > 0) {
      writes.add(INSERT_MELDING_SQL, [
        ...columns(inserts, [
          'id', 'messageId', 'partyOin', 'convenant', 'referentie', 'professionalKey', 'melderId', 'melderNaam', 'melderTelefoon', 'melderEmail',
          'organisatieNaam', 'organisatieDomein', 'jeugdigePseudonym', 'geboortedatum', 'meldingsdatum', 'endsOn', 'woongemeente',
        ]),
        at.toISOString(),
      ]);
      const ouders = inserts.flatMap((r) => r.ouders.map((o) => [r.id, o]));
      if (ouders.length > 0) {
        writes.add('INSERT INTO melding_ouder (melding_id, ouder_pseudonym) SELECT * FROM unnest($1::uuid[], $2::text[])', [pgArray(ouders.map((o) => o[0])), pgArray(ouders.map((o) => o[1]))]);
      }
    }
    if (updates.size > 0) {
      const list = [...updates.values()];
      writes.add(UPDATE_MELDING_SQL, [
        ...columns(list, ['id', 'referentie', 'melderNaam', 'melderTelefoon', 'melderEmail', 'organisatieNaam', 'organisatieDomein', 'meldingsdatum', 'endsOn', 'woongemeente']),
        at.toISOString(),
      ]);
    }
    if (matchRows.length > 0) {
      writes.add(
        'INSERT INTO match (id, soort, reikwijdte, melding_a, melding_b, created_at) SELECT u.*, $6::timestamptz FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::uuid[]) AS u',
        [...columns(matchRows, ['id', 'soort', 'reikwijdte', 'a', 'b']), at.toISOString()],
      );
    }
    // Last, so the statement answers the row's id.
    if (records.length > 0) writes.add('INSERT INTO outbox (records, created_at) VALUES ($1, $2) RETURNING id::text', [JSON.stringify(compactForTable(records)), at.toISOString()]);
    // The UPDATE joins melding: planned per call (see queryPrepared).
    const written = writes.empty ? [] : ((await writes.run(em, updates.size === 0)) as { id: string }[]);
    return { results, ...(records.length > 0 ? { outbox: { id: written[0].id, records } } : {}) };
  }
}
