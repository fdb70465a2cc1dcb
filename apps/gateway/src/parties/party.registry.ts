import type { Signer } from '@vir/xml';
import type { Party, PartyRecord } from './party';
import { loadTenantSigner } from './party-signer';
import type { PartyStore } from './party.store';

export type { Party, PartyKind } from './party';

/**
 * The parties as the hot paths see them (ingress, delivery): an in-memory copy of the party table,
 * re-read periodically (changes made by another gateway instance) and updated at once after a
 * change made here. Regional tenants come with the signer made from their key files.
 */
export class PartyRegistry {
  private byOin = new Map<string, Party>();
  private readonly signers = new Map<string, Signer>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store?: PartyStore,
    private readonly warn: (line: string) => void = () => undefined,
  ) {}

  /** A fixed set of parties (tests). */
  static of(parties: Party[]): PartyRegistry {
    const registry = new PartyRegistry();
    for (const p of parties) registry.byOin.set(p.oin, p);
    return registry;
  }

  async refresh(): Promise<void> {
    if (!this.store) return;
    const records = await this.store.all();
    this.byOin = new Map(records.map((r) => [r.oin, this.withSigner(r)]));
  }

  /** Re-reads the table every `intervalMs` (an unref'd timer). */
  startRefreshing(intervalMs: number): void {
    this.timer = setInterval(() => void this.refresh().catch((err: unknown) => this.warn(`Parties not re-read: ${(err as Error).message}`)), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** After a change made through this instance: effective at once. */
  apply(record: PartyRecord): void {
    this.byOin.set(record.oin, this.withSigner(record));
  }

  find(oin: string | undefined): Party | undefined {
    return oin ? this.byOin.get(oin) : undefined;
  }

  all(): Party[] {
    return [...this.byOin.values()];
  }

  private withSigner(r: PartyRecord): Party {
    if (r.kind !== 'regional' || !r.signingKeyFile || !r.signingCertFile) return { ...r };
    const key = `${r.oin}\n${r.signingKeyFile}\n${r.signingCertFile}`;
    let signer = this.signers.get(key);
    if (!signer) {
      try {
        signer = loadTenantSigner(r.oin, r.signingKeyFile, r.signingCertFile);
        this.signers.set(key, signer);
      } catch (err) {
        this.warn(`Party ${r.oin}: ${(err as Error).message}; the gateway cannot sign for it`);
      }
    }
    return { ...r, ...(signer ? { signer } : {}) };
  }
}
