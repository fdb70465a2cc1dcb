import { Logger } from '@nestjs/common';
import { ContractViolation, Contracts, type InboundMessage } from '@vir/contracts';
import { checkMelding, type Clock } from '@vir/domain';
import { FlowEventPublisher, PermanentMessageError, type KafkaRecord } from '@vir/messaging';
import { openMelding, XmlMessageError } from '@vir/xml';
import type { IndexCrypto } from './index-crypto';
import type { MeldingStore } from './melding.store';
import type { OutboxRelay } from './outbox.relay';
import type { Pseudonymizer } from './pseudonymizer';

/**
 * The index's use case for one inbound message: verify (signature, trust, sender), decrypt
 * the BSNs, apply the rules, then store + match + queue signals in one transaction.
 * Rejections change nothing and leave a coded flow event.
 */
export class MeldingProcessor {
  private readonly log = new Logger(MeldingProcessor.name);

  constructor(
    private readonly crypto: IndexCrypto,
    private readonly pseudonymizer: Pseudonymizer,
    private readonly store: MeldingStore,
    private readonly relay: OutboxRelay,
    private readonly flow: FlowEventPublisher,
    private readonly clock: Clock,
  ) {}

  async process(record: KafkaRecord): Promise<void> {
    let envelope: InboundMessage;
    try {
      envelope = Contracts.inbound.parse(record.value);
    } catch (err) {
      if (err instanceof ContractViolation) throw new PermanentMessageError('CONTRACT_VIOLATION', err.message);
      throw err;
    }
    const reject = (code: string, detail: string) =>
      this.flow.emit({ messageId: envelope.messageId, partyOin: envelope.senderOin, step: 'index.verified', outcome: 'rejected', code, detail });

    const now = this.clock.now();
    let opened;
    try {
      opened = openMelding(envelope.xml, { trustStore: this.crypto.trustStore, at: now, recipientKey: this.crypto.decryptionKey });
    } catch (err) {
      if (err instanceof XmlMessageError) return reject(err.code, err.message);
      throw err;
    }
    const melding = opened.message;
    if (melding.berichtId !== envelope.messageId || opened.signerOin !== envelope.senderOin) {
      return reject('ENVELOPE_MISMATCH', 'the envelope does not match the signed message');
    }
    const violations = checkMelding(melding, this.clock.today());
    if (violations.length > 0) return reject(violations[0].code, violations.map((v) => v.message).join('; '));

    await this.flow.emit({ messageId: envelope.messageId, partyOin: envelope.senderOin, step: 'index.verified', outcome: 'ok' });
    const result = await this.store.record({
      melding,
      pseudonym: this.pseudonymizer.pseudonym(melding.jeugdige.bsn),
      ouderPseudonyms: melding.ouders.map((o) => this.pseudonymizer.pseudonym(o.bsn)),
      at: now,
      flow: (step) => this.flow.build(step),
    });
    if (result.outcome === 'duplicate') {
      // A redelivery (after a crash) or a replay: the inbox already holds this id; nothing changed.
      await this.flow.emit({ messageId: envelope.messageId, partyOin: envelope.senderOin, step: 'index.duplicate', outcome: 'ok', detail: 'already processed; nothing changed' });
    } else {
      this.relay.kick();
    }
    this.log.debug(`${envelope.messageId}: ${result.outcome}, ${result.matches} match(es)`);
  }
}
