import { ContractViolation, Contracts, type OutboundMessage } from '@vir/contracts';
import type { Clock } from '@vir/domain';
import type { DeadLetter, FlowEventPublisher, KafkaRecord } from '@vir/messaging';
import type { TrustStore } from '@vir/pki';
import { openMatchsignalen, VIR_NS, XmlMessageError } from '@vir/xml';
import { Logger } from '@nestjs/common';
import { openOutbound, type SingleOutboundType } from './outbound-message.reader';
import type { DataSource } from 'typeorm';
import { queryPrepared } from '@vir/persistence';
import type { PartyRegistry } from '../parties/party.registry';
import type { DeliveryWorker } from './delivery.worker';

interface Checked {
  envelope: OutboundMessage & { type: SingleOutboundType };
  content: object;
  /** One signal of a Matchsignalen: its xml carries no signature of its own. */
  bundled?: true;
}

/**
 * Takes signals (and foutberichten) from the index, a Kafka chunk at a time: checks each one's
 * contract and the index's signature, then queues the good ones durably for delivery in ONE
 * transaction (one commit per chunk, not per signal: the commit is what a signal's way through
 * the gateway waits for most). A redelivered signal (same id) is ignored; one that can never be
 * delivered goes to the dead-letter topic and does not hold up the others.
 */
export class SignalIntake {
  private readonly log = new Logger(SignalIntake.name);

  constructor(
    private readonly ds: DataSource,
    private readonly trustStore: TrustStore,
    private readonly indexOin: string,
    private readonly parties: PartyRegistry,
    private readonly worker: DeliveryWorker,
    private readonly flow: FlowEventPublisher,
    private readonly clock: Clock,
  ) {}

  async acceptBatch(records: KafkaRecord[]): Promise<DeadLetter[]> {
    const dead: DeadLetter[] = [];
    const good: Checked[] = [];
    const now = this.clock.now();
    for (const record of records) {
      const checked = this.check(record, now);
      if ('code' in checked) dead.push(checked);
      else good.push(...checked);
    }
    if (good.length > 0) {
      const inserted = await this.store(good, now);
      for (const { envelope } of good) {
        if (!inserted.has(envelope.messageId)) continue;
        this.flow.record({ messageId: envelope.messageId, correlationIds: envelope.correlationIds, partyOin: envelope.recipientOin, step: 'gateway.signal-received', outcome: 'ok' }, this.flowFailed);
      }
      if (inserted.size > 0) this.worker.kick();
    }
    return dead;
  }

  private readonly flowFailed = (err: unknown) => this.log.warn(`Flow event not published: ${(err as Error).message}`);

  /** One checked signal per record, or each signal of a Matchsignalen; or why the record can never be delivered. */
  private check(record: KafkaRecord, now: Date): Checked[] | DeadLetter {
    let envelope: OutboundMessage;
    try {
      envelope = Contracts.outbound.parse(record.value);
    } catch (err) {
      if (err instanceof ContractViolation) return { record, code: 'CONTRACT_VIOLATION', reason: err.message };
      throw err;
    }
    const base = { messageId: envelope.messageId, correlationIds: envelope.correlationIds, partyOin: envelope.recipientOin };
    const reject = (code: string, reason: string): DeadLetter => {
      this.flow.record({ ...base, step: 'gateway.signal-received', outcome: 'rejected', code, detail: reason }, this.flowFailed);
      return { record, code, reason };
    };
    let checked: Checked[] | string;
    try {
      checked = envelope.type === 'matchsignalen' ? this.split(envelope, now) : [this.open(envelope as Checked['envelope'], now)];
    } catch (err) {
      if (err instanceof XmlMessageError) return reject(err.code, err.message);
      throw err;
    }
    if (typeof checked === 'string') return reject('ENVELOPE_MISMATCH', checked);
    if (!this.parties.find(envelope.recipientOin)) return reject('UNKNOWN_PARTY', 'signal for a party the gateway does not know');
    return checked;
  }

  private open(envelope: Checked['envelope'], now: Date): Checked {
    const opened = openOutbound(envelope.type, envelope.xml, this.trustStore, now);
    this.checkSender(opened.signerOin, opened.message.ontvangerOin, envelope.recipientOin);
    return { envelope, content: opened.message };
  }

  private checkSender(signerOin: string, ontvangerOin: string, recipientOin: string): void {
    if (signerOin !== this.indexOin) throw new XmlMessageError('OIN_MISMATCH', 'signal not signed by the national index');
    if (ontvangerOin !== recipientOin) throw new XmlMessageError('OIN_MISMATCH', 'recipient differs from the envelope');
  }

  /**
   * A Matchsignalen (schema 1.4): verified once, then each signal stored as if it had come alone,
   * with its two correlation ids from the envelope (its party's own melding's must be the one the
   * signal names). Its xml is its own Matchsignaal as a document, without a signature: the bundle's
   * signature covered it here, and the index bundles only for parties that take JSON. A string: why
   * the envelope does not fit the bundle.
   */
  private split(envelope: OutboundMessage, now: Date): Checked[] | string {
    const opened = openMatchsignalen(envelope.xml, { trustStore: this.trustStore, at: now });
    this.checkSender(opened.signerOin, opened.message.ontvangerOin, envelope.recipientOin);
    const signalen = opened.message.signalen;
    const ids = envelope.correlationIds;
    if (ids.length !== 2 * signalen.length || signalen.some((s, i) => s.eigenMelding.berichtId.toLowerCase() !== ids[2 * i].toLowerCase())) {
      return "the envelope's correlation ids do not match the bundle's signals";
    }
    // The verified text, as the index wrote it: each signal is one <Matchsignaal> element without attributes.
    const items = envelope.xml.match(/<Matchsignaal>[\s\S]*?<\/Matchsignaal>/g) ?? [];
    if (items.length !== signalen.length) return 'the bundle could not be split into its signals';
    return signalen.map((s, i) => ({
      envelope: {
        messageId: s.berichtId,
        type: 'matchsignaal' as const,
        recipientOin: envelope.recipientOin,
        correlationIds: [ids[2 * i], ids[2 * i + 1]],
        producedAt: envelope.producedAt,
        xml: `<?xml version="1.0" encoding="UTF-8"?><Matchsignaal xmlns="${VIR_NS}">${items[i].slice('<Matchsignaal>'.length)}`,
      },
      content: s,
      bundled: true as const,
    }));
  }

  /** Inserts the signals in their Kafka order (their seq is each party's delivery order); the ids inserted now. */
  private async store(good: Checked[], now: Date): Promise<Set<string>> {
    const rows = await queryPrepared<{ id: string }>(
      this.ds,
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::char(20)[], $4::text[], $5::text[], $6::jsonb[], $8::boolean[]) WITH ORDINALITY
                  AS i(id, type, recipient_oin, correlation_ids, xml, content, bundled, n)),
       ins AS (
         INSERT INTO signal (id, type, recipient_oin, correlation_ids, xml, content, bundled, status, attempts, next_attempt_at, received_at, retry_since)
         SELECT id, type, recipient_oin, correlation_ids::uuid[], xml, content, bundled, 'queued', 0, $7, $7, $7 FROM input ORDER BY n
         ON CONFLICT (id) DO NOTHING
         RETURNING id, seq)
       INSERT INTO signal_event (signal_id, at, status, attempt)
       SELECT id, $7, 'queued', 0 FROM ins ORDER BY seq
       RETURNING signal_id AS id`,
      [
        good.map((g) => g.envelope.messageId),
        good.map((g) => g.envelope.type),
        good.map((g) => g.envelope.recipientOin),
        // A uuid[] per row travels as its array literal (unnest cannot take an array of arrays of unequal length).
        good.map((g) => `{${g.envelope.correlationIds.join(',')}}`),
        good.map((g) => g.envelope.xml),
        good.map((g) => JSON.stringify(g.content)),
        now,
        good.map((g) => g.bundled === true),
      ],
    );
    return new Set(rows.map((r) => r.id));
  }
}
