import { CliError, type CliIo } from './cli-io';
import { adminCall, type AdminTarget } from './party-commands';

// `vir signal …`: the operators' view of the gateway's signals (status, history), and the resend of
// a failed one, through the admin API. The gateway records who resent what in the signal's history.

interface HistoryView {
  at: string;
  status: string;
  attempt: number | null;
  channel: string | null;
  actor: string | null;
  detail: string | null;
}

interface SignalView {
  id: string;
  type: string;
  recipientOin: string;
  correlationIds: string[];
  status: string;
  attempts: number;
  receivedAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
  acknowledgedAt: string | null;
  failedAt: string | null;
  nextAttemptAt: string | null;
  lastError: string | null;
  followUp?: { contact: boolean; redenCode: string | null; datum: string; reportedAt: string } | null;
  history?: HistoryView[];
}

function describe(s: SignalView): string {
  const lines = [
    `id              ${s.id}`,
    `type            ${s.type}`,
    `party           ${s.recipientOin}`,
    `status          ${s.status}${s.lastError ? ` (last error: ${s.lastError})` : ''}`,
    `attempts        ${s.attempts}`,
    `received        ${s.receivedAt}`,
    ...(s.sentAt ? [`sent            ${s.sentAt}`] : []),
    ...(s.deliveredAt ? [`delivered       ${s.deliveredAt}`] : []),
    ...(s.acknowledgedAt ? [`acknowledged    ${s.acknowledgedAt}`] : []),
    ...(s.failedAt ? [`failed          ${s.failedAt}`] : []),
    ...(s.nextAttemptAt ? [`next attempt    ${s.nextAttemptAt}`] : []),
    `about meldingen ${s.correlationIds.join(', ') || '-'}`,
  ];
  if (s.followUp) lines.push(`follow-up       contact ${s.followUp.contact ? 'made' : `not made (${s.followUp.redenCode})`} on ${s.followUp.datum}, reported ${s.followUp.reportedAt}`);
  if (s.history) {
    lines.push('', 'history:');
    for (const h of s.history) {
      const extra = [h.attempt ? `attempt ${h.attempt}` : '', h.channel ?? '', h.actor ? `by ${h.actor}` : '', h.detail ?? ''].filter(Boolean).join('  ');
      lines.push(`  ${h.at}  ${h.status.padEnd(12)}  ${extra}`.trimEnd());
    }
  }
  return lines.join('\n');
}

export interface SignalListOptions {
  party?: string;
  status?: string;
  limit?: string;
}

export async function signalList(io: CliIo, target: AdminTarget, o: SignalListOptions, json: boolean): Promise<number> {
  const query = new URLSearchParams();
  if (o.party) query.set('party', o.party);
  if (o.status) query.set('status', o.status);
  if (o.limit) query.set('limit', o.limit);
  const { signalen } = await adminCall<{ signalen: SignalView[] }>(io, target, 'GET', `/v1/admin/signalen${query.size > 0 ? `?${query}` : ''}`);
  if (json) {
    io.out(`${JSON.stringify(signalen, null, 2)}\n`);
    return 0;
  }
  const rows = signalen.map((s) => [s.id, s.status, s.type, s.recipientOin, String(s.attempts), s.receivedAt, s.lastError ?? '']);
  const head = ['ID', 'STATUS', 'TYPE', 'PARTY', 'ATTEMPTS', 'RECEIVED', 'LAST ERROR'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  io.out([head, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(width[i]))).join('  ').trimEnd()).join('\n') + '\n');
  return 0;
}

export async function signalShow(io: CliIo, target: AdminTarget, id: string, json: boolean): Promise<number> {
  const signal = await adminCall<SignalView>(io, target, 'GET', `/v1/admin/signalen/${encodeURIComponent(id)}`);
  io.out(json ? `${JSON.stringify(signal, null, 2)}\n` : `${describe(signal)}\n`);
  return 0;
}

export async function signalResend(io: CliIo, target: AdminTarget, id: string, reason: string | undefined): Promise<number> {
  if (reason !== undefined && reason.length > 500) throw new CliError('--reason: at most 500 characters');
  const signal = await adminCall<SignalView>(io, target, 'POST', `/v1/admin/signalen/${encodeURIComponent(id)}/resend`, reason ? { reason } : {});
  io.out(`${signal.id}: ${signal.status} again for party ${signal.recipientOin}; it is delivered in its place in the party's order\n`);
  return 0;
}
