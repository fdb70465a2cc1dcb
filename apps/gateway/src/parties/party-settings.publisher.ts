import { Logger } from '@nestjs/common';
import { Contracts, type PartySettings } from '@vir/contracts';
import type { MessageBus } from '@vir/messaging';
import type { PartyStore } from './party.store';

/** What the index is told of a party. */
type PublishedParty = { oin: string; localMatching: boolean; deliveryFormat: 'json' | 'xml' };

/**
 * A party that takes JSON may get its matchsignalen from the index in bundles (the gateway verifies
 * a bundle and hands each signal on); a party that takes XML gets each one signed by the index.
 */
function settingsOf(p: PublishedParty, changedAt: Date): PartySettings {
  return { partyOin: p.oin, localMatching: p.localMatching, bundledSignals: p.deliveryFormat === 'json', changedAt: changedAt.toISOString() };
}

/**
 * Tells the index the party settings it acts on (local matching), on vir.party-settings.v1: all
 * parties at start and every hour (so a change made while Kafka was away still arrives), and a
 * party at once when an operator creates or changes it.
 */
export class PartySettingsPublisher {
  private readonly log = new Logger(PartySettingsPublisher.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly bus: MessageBus,
    private readonly store: Pick<PartyStore, 'settings'>,
  ) {}

  async publishAll(): Promise<void> {
    const all = await this.store.settings();
    await this.bus.publish(
      Contracts.partySettings,
      all.map((p) => ({ key: p.oin, value: settingsOf(p, p.changedAt) })),
    );
  }

  /** After an operator's change: failures are logged, the next full publication repairs them. */
  async publish(party: PublishedParty, changedAt: Date): Promise<void> {
    try {
      await this.bus.publish(Contracts.partySettings, [{ key: party.oin, value: settingsOf(party, changedAt) }]);
    } catch (err) {
      this.log.warn(`Settings of party ${party.oin} not published to the index (retried within the hour): ${(err as Error).message}`);
    }
  }

  async start(intervalMs = 3_600_000): Promise<void> {
    await this.publishAll();
    this.timer = setInterval(() => void this.publishAll().catch((err: unknown) => this.log.warn(`Party settings not published: ${(err as Error).message}`)), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
