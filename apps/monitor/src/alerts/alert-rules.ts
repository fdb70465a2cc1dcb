// Which alert conditions hold now (pure): inputs gathered from the read model, Kafka, the
// parties' certificates and the components' readiness → the set of firing conditions.

export const ALERT_RULES = ['party-silent', 'signal-failed', 'signal-retrying', 'dead-letter', 'consumer-lag', 'certificate-expiring', 'component-unhealthy'] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

export function isAlertRule(v: unknown): v is AlertRule {
  return typeof v === 'string' && (ALERT_RULES as readonly string[]).includes(v);
}

/** One condition that holds: at most one open alert per rule and subject. */
export interface FiringCondition {
  rule: AlertRule;
  /** What it is about: a party OIN, a group/topic, a certificate serial, a component, an error code. */
  subject: string;
  /** One line for people; ids, counts and times only (never message content). */
  summary: string;
  /** The party it concerns, if one (a convenantbeheerder sees the alerts of their area's parties). */
  partyOin?: string;
}

export interface AlertThresholds {
  /** A party is silent after max(silenceMinMs, silenceFactor × its usual time between messages). */
  silenceMinMs: number;
  silenceFactor: number;
  /** A signal not delivered yet (queued, retrying; for pull, not acknowledged) this long after it arrived. */
  retryingMs: number;
  /** Records behind, per consumer group and topic. */
  lagRecords: number;
  /** Certificates expiring within this many days (or expired). */
  certificateDays: number;
}

export interface PartyActivity {
  oin: string;
  /** When the gateway last received a message from it; null: never (within the read model). */
  lastReceivedAt: Date | null;
  /** Messages received in the baseline window, and that window's length. */
  baselineCount: number;
  baselineMs: number;
}

export interface SignalTrouble {
  partyOin: string;
  failed: number;
  /** Signals not delivered yet (queued, sent or retrying) for longer than the threshold. */
  retrying: number;
  /** When the oldest of those arrived; null when none. */
  oldestRetryingSince: Date | null;
}

/** Every source is optional: a source that could not be read (undefined) is not evaluated, so its alerts neither open nor close. */
export interface AlertInputs {
  now: Date;
  /**
   * Records of the flow-event topic the monitor has not read yet. The read-model rules (silence,
   * signals, dead letters) are judged only when it is known and within the lag threshold: a monitor
   * catching up (after a restart) would otherwise see every party silent.
   */
  readModelLag?: number;
  parties?: PartyActivity[];
  signals?: SignalTrouble[];
  deadLetters?: { code: string; count: number; lastAt: Date }[];
  lag?: { group: string; topic: string; lag: number }[];
  certificates?: { party: string; oin?: string; serialNumber: string; notAfter: Date; daysLeft: number }[];
  components?: { name: string; healthy: boolean; detail: string }[];
}

export interface Evaluation {
  firing: FiringCondition[];
  /** The rules whose inputs were read: only their alerts may close. */
  evaluated: Set<AlertRule>;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} days`;
}

/**
 * How long a party may be silent: max(minimum, factor × usual time between messages), the usual
 * time being the baseline window over the messages in it. undefined: it never sent (no baseline).
 */
export function silenceThresholdMs(p: PartyActivity, t: AlertThresholds): number | undefined {
  if (p.lastReceivedAt === null || p.baselineCount <= 0) return undefined;
  return Math.max(t.silenceMinMs, t.silenceFactor * (p.baselineMs / p.baselineCount));
}

export function evaluateAlerts(inputs: AlertInputs, t: AlertThresholds): Evaluation {
  const now = inputs.now.getTime();
  const firing: FiringCondition[] = [];
  const evaluated = new Set<AlertRule>();

  const current = inputs.readModelLag !== undefined && inputs.readModelLag <= t.lagRecords;
  if (inputs.parties && current) {
    evaluated.add('party-silent');
    for (const p of inputs.parties) {
      const limit = silenceThresholdMs(p, t);
      if (limit === undefined || p.lastReceivedAt === null) continue;
      const silent = now - p.lastReceivedAt.getTime();
      if (silent > limit) firing.push({ rule: 'party-silent', subject: p.oin, partyOin: p.oin, summary: `nothing received for ${duration(silent)} (since ${iso(p.lastReceivedAt)}); threshold ${duration(limit)}` });
    }
  }
  if (inputs.signals && current) {
    evaluated.add('signal-failed').add('signal-retrying');
    for (const s of inputs.signals) {
      if (s.failed > 0) firing.push({ rule: 'signal-failed', subject: s.partyOin, partyOin: s.partyOin, summary: `${s.failed} signal(s) failed (given up); resend after fixing the cause` });
      if (s.retrying > 0 && s.oldestRetryingSince && now - s.oldestRetryingSince.getTime() > t.retryingMs) {
        firing.push({ rule: 'signal-retrying', subject: s.partyOin, partyOin: s.partyOin, summary: `${s.retrying} signal(s) not delivered (queued or retrying), the oldest for ${duration(now - s.oldestRetryingSince.getTime())}; threshold ${duration(t.retryingMs)}` });
      }
    }
  }
  if (inputs.deadLetters && current) {
    evaluated.add('dead-letter');
    for (const d of inputs.deadLetters) {
      if (d.count > 0) firing.push({ rule: 'dead-letter', subject: d.code, summary: `${d.count} message(s) dead-lettered with ${d.code}, the latest at ${iso(d.lastAt)}` });
    }
  }
  if (inputs.lag) {
    evaluated.add('consumer-lag');
    for (const l of inputs.lag) {
      if (l.lag > t.lagRecords) firing.push({ rule: 'consumer-lag', subject: `${l.group}/${l.topic}`, summary: `${l.lag} records behind; threshold ${t.lagRecords}` });
    }
  }
  if (inputs.certificates) {
    evaluated.add('certificate-expiring');
    for (const c of inputs.certificates) {
      if (c.daysLeft >= t.certificateDays) continue;
      const when = c.daysLeft < 0 ? `expired ${-c.daysLeft} day(s) ago` : `expires in ${c.daysLeft} day(s)`;
      firing.push({ rule: 'certificate-expiring', subject: c.serialNumber, ...(c.oin ? { partyOin: c.oin } : {}), summary: `certificate of ${c.party} ${when} (${iso(c.notAfter)})` });
    }
  }
  if (inputs.components) {
    evaluated.add('component-unhealthy');
    for (const c of inputs.components) if (!c.healthy) firing.push({ rule: 'component-unhealthy', subject: c.name, summary: `not ready: ${c.detail}`.slice(0, 300) });
  }
  return { firing, evaluated };
}
