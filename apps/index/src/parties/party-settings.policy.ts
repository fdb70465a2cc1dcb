import { Logger } from '@nestjs/common';
import type { PartySettings } from '@vir/contracts';
import type { DataSource } from 'typeorm';

/**
 * What the index must know of each party's settings: which parties match within their own covenant
 * area themselves (they get cross-area signals only), and which take their signals in bundles
 * (Matchsignalen: the gateway verifies the bundle and hands each signal on as JSON). The gateway's
 * operators set them per party; the gateway publishes them on vir.party-settings.v1, one index
 * instance stores them in party_setting, and every instance reads the table again every few seconds
 * (the topic has one partition, so only one instance of the group receives it). Until the gateway
 * has published a party, the party has no local matching and gets each signal signed on its own.
 */
export class PartySettingsPolicy {
  private readonly log = new Logger(PartySettingsPolicy.name);
  private local: ReadonlySet<string> = new Set();
  private bundled: ReadonlySet<string> = new Set();
  private timer?: NodeJS.Timeout;

  constructor(private readonly ds: DataSource) {}

  /** Parties that match within their own area (MeldingStoreOptions.localMatchingOins), as last read. */
  readonly localMatching = { has: (oin: string): boolean => this.local.has(oin) };

  /** Parties whose signals may go out in bundles (MeldingStoreOptions.bundledSignalOins), as last read. */
  readonly bundledSignals = { has: (oin: string): boolean => this.bundled.has(oin) };

  /** Stores a party's settings (an older record than the stored one changes nothing) and applies them here at once. */
  async record(settings: PartySettings): Promise<void> {
    await this.ds.query(
      `INSERT INTO party_setting (party_oin, local_matching, bundled_signals, changed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (party_oin) DO UPDATE SET local_matching = EXCLUDED.local_matching, bundled_signals = EXCLUDED.bundled_signals, changed_at = EXCLUDED.changed_at
       WHERE party_setting.changed_at <= EXCLUDED.changed_at`,
      [settings.partyOin, settings.localMatching, settings.bundledSignals ?? false, settings.changedAt],
    );
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const rows: { party_oin: string; local_matching: boolean; bundled_signals: boolean }[] = await this.ds.query(
      'SELECT party_oin, local_matching, bundled_signals FROM party_setting WHERE local_matching OR bundled_signals',
    );
    this.local = new Set(rows.filter((r) => r.local_matching).map((r) => r.party_oin));
    this.bundled = new Set(rows.filter((r) => r.bundled_signals).map((r) => r.party_oin));
  }

  async start(intervalMs: number): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch((err: unknown) => this.log.warn(`Party settings not re-read: ${(err as Error).message}`)), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
