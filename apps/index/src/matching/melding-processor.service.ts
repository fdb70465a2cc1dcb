import { Logger } from '@nestjs/common';
import { ContractViolation, Contracts, type FoutBericht, type InboundMessage, type MeldingBericht } from '@vir/contracts';
import { checkMelding, type Clock } from '@vir/domain';
import { FlowEventPublisher, nameBasedId, PermanentMessageError, type DeadLetter, type KafkaRecord, type MessageBus } from '@vir/messaging';
import { answerPing, openIntrekking, openPing, openVerwijdering, signFoutbericht, signPing, XmlMessageError, type Opened } from '@vir/xml';
import { EndingRefused, type EndingRequest, type MeldingEndingService } from '../lifecycle/melding-ending.service';
import type { IndexCrypto } from './index-crypto';
import { settle, type IndexXml, type Settled } from './index-xml';
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
    private readonly bus: MessageBus,
    private readonly endings: MeldingEndingService,
    /** Parties (OINs) that may order a removal after an objection. */
    private readonly removalAuthorised: ReadonlySet<string>,
    /** Verification and decryption of meldingen (on worker threads in production). */
    private readonly xml: Pick<IndexXml, 'openMeldingen'>,
  ) {}

  /**
   * A refusal changes nothing; the sender gets a signed Foutbericht (delivered like a signal)
   * and the trace a coded event. The Foutbericht's id derives from the message id, so a
   * redelivered message cannot produce a second one downstream.
   */
  private async reject(envelope: InboundMessage, code: string, detail: string): Promise<void> {
    const fout: FoutBericht = {
      berichtId: nameBasedId(`foutbericht:${envelope.messageId}`),
      afzenderOin: this.crypto.signer.oin,
      ontvangerOin: envelope.senderOin,
      verzonden: this.clock.now().toISOString(),
      betreft: envelope.messageId,
      code,
      omschrijving: detail.slice(0, 400),
    };
    await this.flow.emit({ messageId: envelope.messageId, partyOin: envelope.senderOin, step: 'index.verified', outcome: 'rejected', code, detail: fout.omschrijving });
    await this.bus.publish(Contracts.outbound, [
      {
        key: envelope.senderOin,
        value: { messageId: fout.berichtId, type: 'foutbericht', recipientOin: envelope.senderOin, correlationIds: [envelope.messageId], producedAt: fout.verzonden, xml: signFoutbericht(fout, this.crypto.signer) },
      },
    ]);
  }

  /** A connectivity test: answered at once, signed by the index, changing nothing. */
  private async answerPing(envelope: InboundMessage, reject: (code: string, detail: string) => Promise<void>): Promise<void> {
    let ping;
    try {
      const opened = openPing(envelope.xml, { trustStore: this.crypto.trustStore, at: this.clock.now() });
      if (opened.signerOin !== envelope.senderOin || opened.message.richting !== 'heen') return reject('ENVELOPE_MISMATCH', 'not a ping from this party');
      ping = opened.message;
    } catch (err) {
      if (err instanceof XmlMessageError) return reject(err.detailCode, err.message);
      throw err;
    }
    const answer = answerPing(ping, { component: 'index', tijdstip: this.clock.now().toISOString(), afzenderOin: this.crypto.signer.oin });
    await this.bus.publish(Contracts.outbound, [
      {
        key: envelope.senderOin,
        value: { messageId: answer.berichtId, type: 'ping', recipientOin: envelope.senderOin, correlationIds: [envelope.messageId], producedAt: answer.verzonden, xml: signPing(answer, this.crypto.signer) },
      },
    ]);
    await this.flow.emit({ messageId: envelope.messageId, partyOin: envelope.senderOin, step: 'index.ping-answered', outcome: 'ok' });
  }

  /** An intrekking (by the reporter) or verwijdering (ordered by an authorised party). */
  private async processEnding(envelope: InboundMessage, reject: (code: string, detail: string) => Promise<void>): Promise<void> {
    const o = { trustStore: this.crypto.trustStore, at: this.clock.now() };
    let request: Omit<EndingRequest, 'flow'>;
    try {
      if (envelope.type === 'intrekking') {
        const { message: m, signerOin } = openIntrekking(envelope.xml, o);
        if (m.berichtId !== envelope.messageId || signerOin !== envelope.senderOin) return reject('ENVELOPE_MISMATCH', 'the envelope does not match the signed message');
        request = { messageId: m.berichtId, actorOin: signerOin, ownerOin: signerOin, melding: m.melding, status: 'withdrawn', endedOn: m.intrekkingsdatum, reason: m.reden ?? 'ingetrokken door de melder' };
      } else {
        const { message: m, signerOin } = openVerwijdering(envelope.xml, o);
        if (m.berichtId !== envelope.messageId || signerOin !== envelope.senderOin) return reject('ENVELOPE_MISMATCH', 'the envelope does not match the signed message');
        if (!this.removalAuthorised.has(signerOin)) return reject('NOT_AUTHORISED', 'this party may not order removals');
        request = {
          messageId: m.berichtId,
          actorOin: signerOin,
          ownerOin: m.melding.afzenderOin,
          melding: m.melding,
          status: 'removed',
          endedOn: this.clock.today(),
          reason: m.reden,
          detail: { gemeentecode: m.gemeentecode, besluitdatum: m.besluitdatum },
        };
      }
    } catch (err) {
      if (err instanceof XmlMessageError) return reject(err.detailCode, err.message);
      throw err;
    }
    try {
      const outcome = await this.endings.end({ ...request, flow: (step) => this.flow.build(step) });
      if (outcome === 'duplicate') {
        await this.flow.emit({ messageId: envelope.messageId, partyOin: envelope.senderOin, step: 'index.duplicate', outcome: 'ok', detail: 'already processed; nothing changed' });
      } else {
        this.relay.kick();
      }
    } catch (err) {
      if (err instanceof EndingRefused) return reject(err.code, err.message);
      throw err;
    }
  }

  /** One record (tests, tools): a record that can never be processed throws PermanentMessageError. */
  async process(record: KafkaRecord): Promise<void> {
    const [dead] = await this.processBatch([record]);
    if (dead) throw new PermanentMessageError(dead.code, dead.reason);
  }

  /**
   * A chunk of records, each partition's in order (see batchHandler). Consecutive meldingen are verified and decrypted one by
   * one, then stored, matched and signalled in ONE transaction; an intrekking, verwijdering or
   * ping in between is handled on its own after the meldingen before it, so order holds.
   * Returns the records that can never be processed (for the dead-letter topic); throws on
   * anything transient (the chunk is redelivered and the inbox makes that harmless).
   */
  async processBatch(records: KafkaRecord[]): Promise<DeadLetter[]> {
    const dead: DeadLetter[] = [];
    const at = this.clock.now();
    const envelopes = records.map((record) => {
      try {
        return Contracts.inbound.parse(record.value);
      } catch (err) {
        if (err instanceof ContractViolation) {
          dead.push({ record, code: 'CONTRACT_VIOLATION', reason: err.message });
          return undefined;
        }
        throw err;
      }
    });
    // Every melding of the chunk is handed to verification at once, in one request per worker
    // thread; the results are then taken in order.
    const meldingen = envelopes.flatMap((e, i) => (e?.type === 'melding' ? [i] : []));
    const position = new Map(meldingen.map((i, k) => [i, k]));
    // Settled, so a failed request (a worker died) fails each melding, and none goes unhandled.
    const opened = settle(
      this.xml.openMeldingen(
        meldingen.map((i) => envelopes[i]!.xml),
        at,
      ),
    );
    // The worker has its copy (postMessage copies at once; in-thread, the opening is done). Kept until
    // the chunk's commit, ≈ 6 kB of XML per melding stayed live: with six chunks in flight, ≈ 7 MB
    // (the index bench's peak RSS 376–422 MB without it, 437–460 with it).
    for (const i of meldingen) envelopes[i]!.xml = '';
    let pending: Verified[] = [];
    // The chunk's index.verified events go out together and are awaited once, before the chunk's
    // offsets can be committed: awaiting each (a Kafka round trip, or at least a turn of the event
    // loop) made a chunk's meldingen wait for one another.
    const verifiedEvents: Promise<void>[] = [];
    const flush = async () => {
      const verified = pending;
      pending = [];
      if (verified.length > 0) await this.storeVerified(verified);
    };
    for (const [i, envelope] of envelopes.entries()) {
      if (!envelope) continue;
      const reject = (code: string, detail: string) => this.reject(envelope, code, detail);
      if (envelope.type === 'melding') {
        const all = await opened;
        const verified = await this.checkMelding(envelope, all.ok ? all.value[position.get(i)!] : all, at, reject, verifiedEvents);
        if (verified) pending.push(verified);
        continue;
      }
      await flush();
      if (envelope.type === 'ping') await this.answerPing(envelope, reject);
      else await this.processEnding(envelope, reject);
    }
    await flush();
    await Promise.all(verifiedEvents);
    return dead;
  }

  /** Signature, trust, decryption (done), then envelope and domain rules; a refusal is answered here. */
  private async checkMelding(
    envelope: InboundMessage,
    opened: Settled<Opened<MeldingBericht>>,
    now: Date,
    reject: (code: string, detail: string) => Promise<void>,
    events: Promise<void>[],
  ): Promise<Verified | undefined> {
    if (!opened.ok) {
      if (opened.error instanceof XmlMessageError) return void (await reject(opened.error.detailCode, opened.error.message));
      throw opened.error;
    }
    const melding = opened.value.message;
    if (melding.berichtId !== envelope.messageId || opened.value.signerOin !== envelope.senderOin) {
      return void (await reject('ENVELOPE_MISMATCH', 'the envelope does not match the signed message'));
    }
    const violations = checkMelding(melding, this.clock.today());
    if (violations.length > 0) return void (await reject(violations[0].code, violations.map((v) => v.message).join('; ')));
    const emitted = this.flow.emit({ messageId: envelope.messageId, partyOin: envelope.senderOin, step: 'index.verified', outcome: 'ok' });
    // Awaited with the chunk's others; should the chunk fail before that, its failure is the one reported.
    emitted.catch(() => undefined);
    events.push(emitted);
    return { envelope, melding, at: now };
  }

  private async storeVerified(verified: Verified[]): Promise<void> {
    const results = await this.store.recordBatch(
      verified.map(({ melding, at }) => {
        const jeugdige = this.pseudonymizer.pseudonyms(melding.jeugdige.bsn);
        return {
          melding,
          jeugdige,
          ouders: melding.ouders.map((o) => this.pseudonymizer.pseudonyms(o.bsn)),
          subject: this.pseudonymizer.subject(jeugdige.current),
          at,
          flow: (step) => this.flow.build(step),
        };
      }),
    );
    // The chunk's outbox row went to the relay with the commit (MeldingStore's onOutboxCommitted).
    for (const [k, result] of results.entries()) {
      const { envelope } = verified[k];
      if (result.outcome === 'duplicate') {
        // A redelivery (after a crash) or a replay: the inbox already holds this id; nothing changed.
        await this.flow.emit({ messageId: envelope.messageId, partyOin: envelope.senderOin, step: 'index.duplicate', outcome: 'ok', detail: 'already processed; nothing changed' });
      }
    }
    this.log.debug(`stored a chunk of ${verified.length} melding(en)`);
  }
}

interface Verified {
  envelope: InboundMessage;
  melding: MeldingBericht;
  at: Date;
}

