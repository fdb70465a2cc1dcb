import type { DataSource } from 'typeorm';
import { CONSUMER_GROUPS, TOPICS } from '@vir/contracts';
import type { GatewayCertificate } from '../operations/gateway-admin.client';
import type { AlertInputs, PartyActivity, SignalTrouble } from './alert-rules';

const DAY_MS = 86_400_000;

export interface AlertSourceOptions {
  /** Days of per-day counts a party's usual rate is taken from. */
  silenceBaselineDays: number;
  /** A signal not delivered this long after it arrived counts as retrying. */
  pendingSignalMs: number;
  /** Dead letters within this window keep their alert open. */
  deadLetterWindowMs: number;
  certificateDays: number;
  /** Readiness URLs by component name. */
  healthUrls: { name: string; url: string }[];
  healthTimeoutMs?: number;
  /** Checks in a row a component must fail before it counts as unhealthy (default 2: a component still starting, or restarting, is not an alert). */
  healthFailuresInARow?: number;
}

/** `gateway=http://…/health/ready,index=http://…` → name and URL pairs; throws on a malformed entry. */
export function parseHealthUrls(text: string | undefined): { name: string; url: string }[] {
  if (!text?.trim()) return [];
  return text.split(',').map((entry) => {
    const m = /^\s*([a-z][a-z0-9-]{0,31})=(https?:\/\/\S+)\s*$/.exec(entry);
    if (!m) throw new Error(`ALERT_HEALTH_URLS: '${entry}' is not name=http(s)://…`);
    return { name: m[1], url: m[2] };
  });
}

/**
 * Gathers the alert rules' inputs. Each source is read on its own: one that fails is left out
 * (undefined), so its alerts stay as they are rather than closing on missing data.
 */
export class AlertSources {
  constructor(
    private readonly ds: DataSource,
    private readonly lag: () => Promise<{ group: string; topic: string; lag: number }[] | undefined>,
    /** The gateway's certificate report (every party's client and signing certificates). */
    private readonly gatewayCertificates: (withinDays: number) => Promise<GatewayCertificate[]>,
    private readonly o: AlertSourceOptions,
    private readonly warn: (line: string) => void,
  ) {}

  async gather(now: Date): Promise<AlertInputs> {
    const safe = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await read();
      } catch (err) {
        this.warn(`alert input ${what} could not be read: ${(err as Error).message}`);
        return undefined;
      }
    };
    const [parties, signals, deadLetters, lag, certificates, components] = await Promise.all([
      safe('parties', () => this.parties(now)),
      safe('signals', () => this.signals(now)),
      safe('dead letters', () => this.deadLetters(now)),
      safe('consumer lag', () => this.lag()),
      safe('certificates', () => this.certificates()),
      safe('components', () => this.components()),
    ]);
    const readModelLag = lag?.find((l) => l.group === CONSUMER_GROUPS.monitor && l.topic === TOPICS.flowEvents.name)?.lag;
    return { now, readModelLag, parties, signals, deadLetters, lag, certificates, components };
  }

  /**
   * Per party that sent in the baseline window: messages received (per-day counts) and when the
   * last arrived (the summaries, to the millisecond). Parties silent for the whole window drop out.
   */
  async parties(now: Date): Promise<PartyActivity[]> {
    const windowStart = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - (this.o.silenceBaselineDays - 1) * DAY_MS);
    const rows: { party_oin: string; n: string; first_day: Date; last_at: Date | null }[] = await this.ds.query(
      `WITH base AS (
         SELECT party_oin, sum(count)::bigint AS n, min(bucket) AS first_day FROM flow_day
         WHERE bucket >= $1 AND step = 'gateway.received' AND party_oin <> '' GROUP BY party_oin)
       SELECT b.party_oin, b.n, b.first_day, l.last_at FROM base b
       LEFT JOIN LATERAL (
         SELECT max(first_at) AS last_at FROM (
           SELECT first_at FROM message_summary m WHERE m.party_oin = b.party_oin AND m.kind IS DISTINCT FROM 'signaal' ORDER BY m.last_at DESC LIMIT 20) x) l ON true`,
      [windowStart.toISOString()],
    );
    return rows.map((r) => ({
      oin: r.party_oin,
      lastReceivedAt: r.last_at ? new Date(r.last_at) : null,
      baselineCount: Number(r.n),
      baselineMs: Math.max(1, now.getTime() - new Date(r.first_day).getTime()),
    }));
  }

  /** Per recipient: signals failed, and those not delivered longer than the threshold. */
  async signals(now: Date): Promise<SignalTrouble[]> {
    const rows: { party_oin: string; failed: string; pending: string; oldest: Date | null }[] = await this.ds.query(
      `SELECT party_oin,
         count(*) FILTER (WHERE last_step = 'gateway.delivery-failed') AS failed,
         count(*) FILTER (WHERE last_step <> 'gateway.delivery-failed' AND first_at < $1) AS pending,
         min(first_at) FILTER (WHERE last_step <> 'gateway.delivery-failed' AND first_at < $1) AS oldest
       FROM message_summary
       WHERE kind = 'signaal' AND last_step NOT IN ('gateway.delivered', 'gateway.acknowledged')
       GROUP BY party_oin`,
      [new Date(now.getTime() - this.o.pendingSignalMs).toISOString()],
    );
    return rows.map((r) => ({ partyOin: r.party_oin, failed: Number(r.failed), retrying: Number(r.pending), oldestRetryingSince: r.oldest ? new Date(r.oldest) : null }));
  }

  /** Records dead-lettered within the window (the consumers' `consumer.dead-lettered` flow events), by code. */
  async deadLetters(now: Date): Promise<{ code: string; count: number; lastAt: Date }[]> {
    const rows: { code: string; n: string; last_at: Date }[] = await this.ds.query(
      `SELECT coalesce(last_code, 'UNKNOWN') AS code, count(*) AS n, max(last_at) AS last_at FROM message_summary
       WHERE last_outcome = 'failed' AND last_at >= $1 AND last_step = 'consumer.dead-lettered' GROUP BY 1`,
      [new Date(now.getTime() - this.o.deadLetterWindowMs).toISOString()],
    );
    return rows.map((r) => ({ code: r.code, count: Number(r.n), lastAt: new Date(r.last_at) }));
  }

  /** The certificates the gateway reports expiring within the window or expired (a file used for both client and signing once). */
  async certificates(): Promise<{ party: string; oin?: string; serialNumber: string; notAfter: Date; daysLeft: number }[]> {
    const seen = new Set<string>();
    const out: { party: string; oin?: string; serialNumber: string; notAfter: Date; daysLeft: number }[] = [];
    for (const c of await this.gatewayCertificates(this.o.certificateDays)) {
      if ((c.status !== 'expiring' && c.status !== 'expired') || c.notAfter === null || c.daysLeft === null || seen.has(c.fingerprint)) continue;
      seen.add(c.fingerprint);
      out.push({ party: c.partyName, oin: c.partyOin, serialNumber: c.serialNumber ?? c.fingerprint, notAfter: new Date(c.notAfter), daysLeft: c.daysLeft });
    }
    return out;
  }

  /**
   * Each configured component's readiness endpoint: 2xx within the timeout, or not ready. A
   * component counts as unhealthy once it failed `healthFailuresInARow` checks in a row (one check
   * per evaluation round).
   */
  async components(): Promise<{ name: string; healthy: boolean; detail: string }[]> {
    const needed = this.o.healthFailuresInARow ?? 2;
    return Promise.all(
      this.o.healthUrls.map(async ({ name, url }) => {
        const check = await this.check(url);
        const failures = check.ok ? 0 : (this.failuresInARow.get(name) ?? 0) + 1;
        this.failuresInARow.set(name, failures);
        return { name, healthy: failures < needed, detail: check.detail };
      }),
    );
  }

  private readonly failuresInARow = new Map<string, number>();

  private async check(url: string): Promise<{ ok: boolean; detail: string }> {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.o.healthTimeoutMs ?? 5000) });
      const body = await res.text().catch(() => '');
      return { ok: res.ok, detail: res.ok ? 'ready' : `HTTP ${res.status} ${body.slice(0, 200)}` };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      return { ok: false, detail: e.cause?.code ?? e.message };
    }
  }
}
