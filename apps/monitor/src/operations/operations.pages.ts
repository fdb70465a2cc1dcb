import type { PartyDirectory } from '../access/party-directory';
import { layout, type Chrome } from '../console/console.pages';
import { html, type SafeHtml } from '../console/html';
import { EXPIRY_WARNING_DAYS, formatAge, RATE_WINDOW_DAYS, type DeliveryModel, type PartyRow } from './operations-model';
import type { DeadLetterView, LastSeen } from './operations.store';
import type { MaskedXml } from './xml-mask';

// The Delivery and Parties pages and the raw-XML view. Every value goes through `html` (escaped);
// forms that change something are offered to a beheerder only and carry the session's CSRF token.

const time = (d: Date | string | null) => (d ? new Date(d).toISOString().replace('T', ' ').slice(0, 19) : '—');

/** What an action redirected back with (`?done=…`): fixed texts only, the id escaped. */
const DONE: Record<string, string> = {
  'signal-resent': 'Signal queued again for delivery',
  'dead-letter-resent': 'Dead letter sent back to its source topic',
  suspended: 'Party suspended',
  resumed: 'Party resumed',
};

export function notice(done: string | undefined, id: string | undefined): SafeHtml | '' {
  const text = done ? DONE[done] : undefined;
  return text ? html`<p class="notice" role="status" data-done="${done}">${text}${id ? html`: <span class="mono">${id}</span>` : ''}.</p>` : '';
}

function party(directory: PartyDirectory, oin: string | null, name?: string): SafeHtml {
  if (!oin) return html`<span class="muted">—</span>`;
  const p = directory.get(oin);
  return html`<span class="party" title="${oin}">${name ?? p?.name ?? oin}</span>${p ? html` <span class="muted">(${p.convenant})</span>` : ''}`;
}

/** To the minute within the last day; older: the day only (from the per-day counts). */
const lastSeen = (s: LastSeen | null) => (s ? (s.dayOnly ? time(s.at).slice(0, 10) : time(s.at).slice(0, 16)) : '—');

const unavailable = (message: string) => html`<p class="problem" role="alert" data-code="GATEWAY_UNAVAILABLE">${message} (GATEWAY_UNAVAILABLE)</p>`;

export interface DeliveryPageInput {
  /** null: the gateway admin API is not configured or did not answer (the message says which). */
  model: DeliveryModel | null;
  gatewayProblem?: string;
  /** null: not for this viewer (a convenantbeheerder). */
  deadLetters: DeadLetterView[] | null;
  canAct: boolean;
  now: Date;
  flash?: SafeHtml | '';
}

export function deliveryPage(chrome: Chrome, input: DeliveryPageInput, directory: PartyDirectory): string {
  const { model, deadLetters, canAct, now } = input;
  const csrf = html`<input type="hidden" name="_csrf" value="${chrome.csrfToken}">`;
  const signals = model
    ? html`<h2>Signals per party</h2>
<table class="counts" id="delivery-parties"><thead><tr><th scope="col">party</th><th scope="col">queued</th><th scope="col">retrying</th><th scope="col">failed</th><th scope="col">oldest waiting</th></tr></thead>
<tbody>${model.parties.map(
        (p) => html`<tr data-party="${p.partyOin}"><th scope="row">${party(directory, p.partyOin)}</th><td>${p.queued}</td><td>${p.retrying}</td><td${p.failed ? html` class="expiring"` : ''}>${p.failed}</td><td>${p.oldestPendingAt ? formatAge(now.getTime() - p.oldestPendingAt.getTime()) : '—'}</td></tr>`,
      )}</tbody>
<tfoot><tr><th scope="row">all</th><td>${model.totals.queued}</td><td>${model.totals.retrying}</td><td>${model.totals.failed}</td><td></td></tr></tfoot></table>
${model.parties.length === 0 ? html`<p class="muted">Every signal is with its party.</p>` : ''}
<h2>Failed and retrying signals</h2>
<table class="list" id="delivery-signals"><thead><tr><th>signal</th><th>party</th><th>status</th><th>type</th><th>attempts</th><th>age</th><th>last error</th>${canAct ? html`<th>action</th>` : ''}</tr></thead>
<tbody>${model.signals.map(
        (s) => html`<tr data-signal="${s.id}" data-status="${s.status}">
  <td><a class="mono" href="/console/messages/${s.id}">${s.id}</a></td><td>${party(directory, s.recipientOin)}</td>
  <td><span class="outcome ${s.status === 'failed' ? 'o-failed' : 'o-rejected'}">${s.status}</span></td><td>${s.type}</td><td>${s.attempts}</td><td>${formatAge(s.ageMs)}</td><td class="mono">${s.lastError ?? ''}</td>
  ${
    canAct
      ? html`<td>${
          s.status === 'failed'
            ? html`<form method="post" action="/console/delivery/signals/${s.id}/resend" class="act">${csrf}<input name="reason" maxlength="200" placeholder="reason" aria-label="reason"><button type="submit">Resend</button></form>`
            : ''
        }</td>`
      : ''
  }</tr>`,
      )}</tbody></table>
${model.signals.length === 0 ? html`<p class="muted">No failed or retrying signals.</p>` : ''}`
    : unavailable(input.gatewayProblem ?? 'The gateway admin API is not configured.');
  const dead =
    deadLetters === null
      ? ''
      : html`<h2>Dead letters</h2>
<p class="muted">Records a consumer could never process (from the dead-letter topic). A resend puts the original record back on its source topic, keyed as before.</p>
<table class="list" id="dead-letters"><thead><tr><th>when</th><th>source topic</th><th>consumer group</th><th>code</th><th>reason</th><th>message</th><th>size</th><th>resent</th>${canAct ? html`<th>action</th>` : ''}</tr></thead>
<tbody>${deadLetters.map(
          (d) => html`<tr data-dead-letter="${d.id}">
  <td class="mono">${time(d.at)}</td><td class="mono">${d.sourceTopic}</td><td class="mono">${d.consumerGroup}</td><td class="code">${d.code}</td><td>${d.reason}</td>
  <td>${d.messageId ? html`<a class="mono" href="/console/messages/${d.messageId}">${d.messageId.slice(0, 8)}</a>` : html`<span class="muted">—</span>`} ${party(directory, d.partyOin)}</td><td>${d.bytes} B</td>
  <td>${d.resends ? html`${d.resends}× (last ${time(d.lastResentAt)} by ${d.lastResentBy})` : 'no'}</td>
  ${canAct ? html`<td><form method="post" action="/console/delivery/dead-letters/${d.id}/resend" class="act">${csrf}<button type="submit">Resend</button></form></td>` : ''}</tr>`,
        )}</tbody></table>
${deadLetters.length === 0 ? html`<p class="muted">No dead letters.</p>` : ''}`;
  return layout('Delivery', { ...chrome, active: 'delivery' }, html`${input.flash ?? ''}${signals}${dead}`);
}

export interface PartiesPageInput {
  rows: PartyRow[] | null;
  gatewayProblem?: string;
  canAct: boolean;
  flash?: SafeHtml | '';
}

export function partiesPage(chrome: Chrome, input: PartiesPageInput): string {
  const csrf = html`<input type="hidden" name="_csrf" value="${chrome.csrfToken}">`;
  const body = input.rows
    ? html`<p class="muted">Usual rate: messages received per day over the last ${RATE_WINDOW_DAYS} days. Certificates expiring within ${EXPIRY_WARNING_DAYS} days are marked.</p>
<table class="list" id="parties"><thead><tr><th>party</th><th>area</th><th>kind</th><th>status</th><th>last message received</th><th>last signal delivered</th><th>per day</th><th>certificates</th>${input.canAct ? html`<th>action</th>` : ''}</tr></thead>
<tbody>${input.rows.map(
        (p) => html`<tr data-party="${p.oin}" data-status="${p.status}">
  <td><span class="party">${p.name}</span><div class="mono muted">${p.oin}</div></td><td>${p.convenant}</td><td>${p.kind}</td>
  <td><span class="outcome ${p.status === 'active' ? 'o-ok' : 'o-failed'}">${p.status}</span>${p.statusReason ? html`<div class="muted">${p.statusReason}</div>` : ''}</td>
  <td class="mono">${lastSeen(p.lastReceived)}</td><td class="mono">${lastSeen(p.lastDelivered)}</td><td>${p.perDay}</td>
  <td>${p.certificates.map(
    (c) =>
      html`<div class="cert${c.expiringSoon ? ' expiring' : ''}" data-expiring="${c.expiringSoon ? 'yes' : 'no'}"><span class="mono" title="${c.fingerprint}">${c.fingerprint.slice(0, 11)}…</span> ${
        c.notAfter ? html`until ${time(c.notAfter).slice(0, 10)} (${c.daysLeft} days)` : html`<span class="muted">expiry unknown: not yet presented</span>`
      }</div>`,
  )}</td>
  ${
    input.canAct
      ? html`<td>${
          p.status === 'active'
            ? html`<form method="post" action="/console/parties/${p.oin}/suspend" class="act">${csrf}<input name="reason" maxlength="200" placeholder="reason" aria-label="reason"><button type="submit">Suspend</button></form>`
            : html`<form method="post" action="/console/parties/${p.oin}/resume" class="act">${csrf}<button type="submit">Resume</button></form>`
        }</td>`
      : ''
  }</tr>`,
      )}</tbody></table>
${input.rows.length === 0 ? html`<p class="muted">No parties to show.</p>` : ''}`
    : unavailable(input.gatewayProblem ?? 'The gateway admin API is not configured.');
  return layout('Parties', { ...chrome, active: 'parties' }, html`${input.flash ?? ''}${body}`);
}

export function rawXmlPage(chrome: Chrome, trackingId: string, source: { partyOin: string; receivedAt: string }, masked: MaskedXml, directory: PartyDirectory): string {
  return layout(
    `Signed XML ${trackingId}`,
    { ...chrome, active: 'messages' },
    html`<p>As the gateway forwarded it to the index: from ${party(directory, source.partyOin)}, received ${time(source.receivedAt)}.
${masked.encryptedValues} encrypted value(s) left out, ${masked.maskedBsns} BSN-shaped value(s) masked. One element per line; not the signed bytes.</p>
<p><a href="/console/messages/${trackingId}">Back to the trace</a></p>
<pre class="xml" id="raw-xml">${masked.text}</pre>`,
  );
}
