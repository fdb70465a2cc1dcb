import { ContractViolation, Contracts } from '@vir/contracts';
import type { Clock } from '@vir/domain';
import { PermanentMessageError, type FlowEventPublisher, type KafkaRecord } from '@vir/messaging';
import type { TrustStore } from '@vir/pki';
import { XmlMessageError } from '@vir/xml';
import { openOutbound } from './outbound-message.reader';
import type { DataSource } from 'typeorm';
import type { PartyRegistry } from '../parties/party.registry';
import { SignalRow } from '../persistence/gateway.entities';
import type { DeliveryWorker } from './delivery.worker';

/**
 * Takes a signal (or a foutbericht) from the index: checks the contract and the index's signature, then queues
 * it durably for delivery. A redelivered signal (same id) is ignored.
 */
export class SignalIntake {
  constructor(
    private readonly ds: DataSource,
    private readonly trustStore: TrustStore,
    private readonly indexOin: string,
    private readonly parties: PartyRegistry,
    private readonly worker: DeliveryWorker,
    private readonly flow: FlowEventPublisher,
    private readonly clock: Clock,
  ) {}

  async accept(record: KafkaRecord): Promise<void> {
    let envelope;
    try {
      envelope = Contracts.outbound.parse(record.value);
    } catch (err) {
      if (err instanceof ContractViolation) throw new PermanentMessageError('CONTRACT_VIOLATION', err.message);
      throw err;
    }
    const base = { messageId: envelope.messageId, correlationIds: envelope.correlationIds, partyOin: envelope.recipientOin };
    let content: object;
    try {
      const opened = openOutbound(envelope.type, envelope.xml, this.trustStore, this.clock.now());
      if (opened.signerOin !== this.indexOin) throw new XmlMessageError('OIN_MISMATCH', 'signal not signed by the national index');
      if (opened.message.ontvangerOin !== envelope.recipientOin) throw new XmlMessageError('OIN_MISMATCH', 'recipient differs from the envelope');
      content = opened.message;
    } catch (err) {
      if (err instanceof XmlMessageError) {
        await this.flow.emit({ ...base, step: 'gateway.signal-received', outcome: 'rejected', code: err.code, detail: err.message });
        throw new PermanentMessageError(err.code, err.message);
      }
      throw err;
    }
    if (!this.parties.find(envelope.recipientOin)) {
      await this.flow.emit({ ...base, step: 'gateway.signal-received', outcome: 'rejected', code: 'UNKNOWN_PARTY' });
      throw new PermanentMessageError('UNKNOWN_PARTY', 'signal for a party the gateway does not know');
    }
    const now = this.clock.now();
    const inserted = await this.ds.transaction(async (m) => {
      const result = await m
        .createQueryBuilder()
        .insert()
        .into(SignalRow)
        .values({
          id: envelope.messageId,
          type: envelope.type,
          recipientOin: envelope.recipientOin,
          correlationIds: envelope.correlationIds,
          xml: envelope.xml,
          content,
          status: 'queued',
          attempts: 0,
          nextAttemptAt: now,
          lastError: null,
          receivedAt: now,
          deliveredAt: null,
          sentAt: null,
          acknowledgedAt: null,
          failedAt: null,
          retrySince: now,
        })
        .orIgnore()
        .returning('id')
        .execute();
      if (result.raw.length > 0) await m.query(`INSERT INTO signal_event (signal_id, at, status, attempt) VALUES ($1, $2, 'queued', 0)`, [envelope.messageId, now]);
      return result.raw.length > 0;
    });
    if (!inserted) return;
    await this.flow.emit({ ...base, step: 'gateway.signal-received', outcome: 'ok' });
    this.worker.kick();
  }
}
