import { Logger } from '@nestjs/common';
import type { PartySettings } from '@vir/contracts';
import type { DataSource } from 'typeorm';

/**
 * Which parties match within their own covenant area themselves (they get cross-area signals
 * only). The gateway's operators set it per party; the gateway publishes it on
 * vir.party-settings.v1, one index instance stores it in party_setting, and every instance reads
 * the table again every few seconds (the topic has one partition, so only one instance of the
 * group receives it). Until the gateway has published a party, the party has no local matching.
 */
export class LocalMatchingPolicy {
  private readonly log = new Logger(LocalMatchingPolicy.name);
  private oins: ReadonlySet<string> = new Set();
  private timer?: NodeJS.Timeout;

  constructor(private readonly ds: DataSource) {}

  has(oin: string): boolean {
    return this.oins.has(oin);
  }

  /** Stores a party's settings (an older record than the stored one changes nothing) and applies them here at once. */
  async record(settings: PartySettings): Promise<void> {
    await this.ds.query(
      `INSERT INTO party_setting (party_oin, local_matching, changed_at) VALUES ($1, $2, $3)
       ON CONFLICT (party_oin) DO UPDATE SET local_matching = EXCLUDED.local_matching, changed_at = EXCLUDED.changed_at
       WHERE party_setting.changed_at <= EXCLUDED.changed_at`,
      [settings.partyOin, settings.localMatching, settings.changedAt],
    );
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const rows: { party_oin: string }[] = await this.ds.query('SELECT party_oin FROM party_setting WHERE local_matching');
    this.oins = new Set(rows.map((r) => r.party_oin));
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
