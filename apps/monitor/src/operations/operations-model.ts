import { maySeeParty } from '../access/roles';
import type { GatewayCertificate, GatewayParty, GatewaySignal, GatewaySignalCount } from './gateway-admin.client';
import type { LastSeen, PartyActivity } from './operations.store';

// The Delivery and Parties pages' view models (pure).

/** "4 d 3 h", "12 min", "8 s": how long ago, for a table cell. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export interface DeliveryPartyRow {
  partyOin: string;
  /** Queued, or sent and awaiting the party's answer. */
  queued: number;
  retrying: number;
  failed: number;
  /** Intake of the oldest signal not yet with the party (queued, sent, retrying). */
  oldestPendingAt: Date | null;
}

export interface DeliverySignalRow extends GatewaySignal {
  ageMs: number;
}

export interface DeliveryModel {
  parties: DeliveryPartyRow[];
  totals: { queued: number; retrying: number; failed: number };
  /** Failed first, then retrying; each oldest first. */
  signals: DeliverySignalRow[];
}

export function buildDelivery(counts: GatewaySignalCount[], signals: GatewaySignal[], scope: string[] | undefined, now: Date): DeliveryModel {
  const byParty = new Map<string, DeliveryPartyRow>();
  for (const c of counts) {
    if (!maySeeParty(scope, c.partyOin)) continue;
    const row = byParty.get(c.partyOin) ?? { partyOin: c.partyOin, queued: 0, retrying: 0, failed: 0, oldestPendingAt: null };
    if (c.status === 'failed') row.failed += c.count;
    else {
      if (c.status === 'retrying') row.retrying += c.count;
      else row.queued += c.count;
      const oldest = new Date(c.oldestReceivedAt);
      if (!row.oldestPendingAt || oldest < row.oldestPendingAt) row.oldestPendingAt = oldest;
    }
    byParty.set(c.partyOin, row);
  }
  const parties = [...byParty.values()].sort((a, b) => b.failed - a.failed || b.retrying - a.retrying || a.partyOin.localeCompare(b.partyOin));
  const totals = parties.reduce((t, p) => ({ queued: t.queued + p.queued, retrying: t.retrying + p.retrying, failed: t.failed + p.failed }), { queued: 0, retrying: 0, failed: 0 });
  const rank = (s: string) => (s === 'failed' ? 0 : 1);
  const listed = signals
    .filter((s) => maySeeParty(scope, s.recipientOin))
    .map((s) => ({ ...s, ageMs: now.getTime() - new Date(s.receivedAt).getTime() }))
    .sort((a, b) => rank(a.status) - rank(b.status) || b.ageMs - a.ageMs);
  return { parties, totals, signals: listed };
}

export interface CertificateInfo {
  fingerprint: string;
  subject: string;
  notAfter: Date;
}

export interface CertificateRow {
  fingerprint: string;
  notAfter: Date | null;
  daysLeft: number | null;
  /** Within EXPIRY_WARNING_DAYS (or expired). */
  expiringSoon: boolean;
}

export interface PartyRow {
  oin: string;
  name: string;
  convenant: string;
  kind: string;
  status: 'active' | 'suspended';
  statusReason: string | null;
  lastReceived: LastSeen | null;
  lastDelivered: LastSeen | null;
  perDay: number;
  certificates: CertificateRow[];
}

export const EXPIRY_WARNING_DAYS = 60;
export const RATE_WINDOW_DAYS = 30;

export function buildParties(parties: GatewayParty[], activity: PartyActivity[], certificates: Map<string, CertificateInfo>, scope: string[] | undefined, now: Date): PartyRow[] {
  const act = new Map(activity.map((a) => [a.partyOin, a]));
  return parties
    .filter((p) => maySeeParty(scope, p.oin))
    .map((p) => {
      const a = act.get(p.oin);
      return {
        oin: p.oin,
        name: p.name,
        convenant: p.convenant,
        kind: p.kind,
        status: p.status,
        statusReason: p.statusReason,
        lastReceived: a?.lastReceived ?? null,
        lastDelivered: a?.lastDelivered ?? null,
        perDay: Math.round(((a?.received ?? 0) / RATE_WINDOW_DAYS) * 10) / 10,
        certificates: p.certificates.map((fingerprint) => {
          const c = certificates.get(fingerprint);
          const daysLeft = c ? Math.floor((c.notAfter.getTime() - now.getTime()) / 86_400_000) : null;
          return { fingerprint, notAfter: c?.notAfter ?? null, daysLeft, expiringSoon: daysLeft !== null && daysLeft < EXPIRY_WARNING_DAYS };
        }),
      };
    })
    .sort((a, b) => a.convenant.localeCompare(b.convenant, undefined, { numeric: true }) || a.name.localeCompare(b.name));
}

/** The gateway's certificate report by fingerprint (those whose expiry it knows). */
export function certificatesByFingerprint(report: GatewayCertificate[]): Map<string, CertificateInfo> {
  const out = new Map<string, CertificateInfo>();
  for (const c of report) if (c.notAfter !== null) out.set(c.fingerprint, { fingerprint: c.fingerprint, subject: c.subject ?? '', notAfter: new Date(c.notAfter) });
  return out;
}
