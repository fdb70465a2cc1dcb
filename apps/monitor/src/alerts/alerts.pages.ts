import type { PartyDirectory } from '../access/party-directory';
import type { PartyInfo } from '../access/roles';
import { layout, type Chrome } from '../console/console.pages';
import { html, type SafeHtml } from '../console/html';
import { ALERT_RULES } from './alert-rules';
import type { AlertRow } from './alert.store';

// The Alerts page and the open-alerts block of the Overview. Every value is escaped by `html`
// (subjects and summaries carry party names and codes from outside).

export interface AlertsForm {
  state?: string;
  rule?: string;
  subject?: string;
  from?: string;
  to?: string;
}

const time = (d: Date | string | null) => (d ? new Date(d).toISOString().replace('T', ' ').slice(0, 19) : '');

function subjectCell(a: AlertRow, directory: PartyDirectory): SafeHtml {
  const p = directory.get(a.partyOin);
  if (a.partyOin && a.subject === a.partyOin) return html`<span class="party" title="${a.subject}">${p?.name ?? a.subject}</span>`;
  return html`<span class="mono">${a.subject}</span>${p ? html` <span class="muted">(${p.name})</span>` : ''}`;
}

function ackCell(a: AlertRow, chrome: Chrome): SafeHtml {
  if (a.acknowledgedBy) return html`${a.acknowledgedBy} <span class="muted">${time(a.acknowledgedAt)}</span>`;
  if (a.state !== 'open' || !chrome.viewer || chrome.viewer.role === 'read-only') return html``;
  return html`<form method="post" action="/console/alerts/${a.id}/acknowledge" class="inline"><input type="hidden" name="_csrf" value="${chrome.csrfToken}"><button type="submit" data-alert="${a.id}">Acknowledge</button></form>`;
}

function alertTable(id: string, rows: AlertRow[], chrome: Chrome, directory: PartyDirectory): SafeHtml {
  return html`<table class="list" id="${id}"><thead><tr><th>rule</th><th>subject</th><th>state</th><th>summary</th><th>opened</th><th>acknowledged</th><th>closed</th></tr></thead>
<tbody>${rows.map(
    (a) => html`<tr data-id="${a.id}" data-rule="${a.rule}" data-subject="${a.subject}" data-state="${a.state}"><td>${a.rule}</td><td>${subjectCell(a, directory)}</td><td><span class="alert-state a-${a.state}">${a.state}</span></td><td>${a.summary}</td><td class="mono">${time(a.openedAt)}</td><td>${ackCell(a, chrome)}</td><td class="mono">${time(a.closedAt)}</td></tr>`,
  )}</tbody></table>`;
}

/** The open (and acknowledged) alerts, for the Overview. */
export function openAlertsSection(rows: AlertRow[], chrome: Chrome, directory: PartyDirectory): SafeHtml {
  return html`<h2>Open alerts</h2>
${rows.length === 0 ? html`<p class="muted" id="no-open-alerts">No open alerts.</p>` : alertTable('open-alerts', rows, chrome, directory)}
<p><a href="/console/alerts">All alerts and their history</a></p>`;
}

export function alertsPage(chrome: Chrome, form: AlertsForm, live: AlertRow[], history: AlertRow[], directory: PartyDirectory, notWatched: PartyInfo[], problem?: string): string {
  const option = (value: string, text: string, selected: string | undefined) => html`<option value="${value}"${value === selected ? html` selected` : ''}>${text}</option>`;
  return layout(
    'Alerts',
    { ...chrome, active: 'alerts' },
    html`<h2>Open</h2>
${live.length === 0 ? html`<p class="muted" id="no-open-alerts">No open alerts.</p>` : alertTable('open-alerts', live, chrome, directory)}
${notWatched.length ? html`<p class="muted" id="not-watched">Not watched for silence (no messages in the baseline period, or never sent): ${notWatched.map((p, i) => html`${i ? ', ' : ''}<span title="${p.oin}">${p.name}</span>`)}.</p>` : ''}
<h2>History</h2>
<form method="get" action="/console/alerts" class="search">
  <label>State <select name="state">${['', 'live', 'open', 'acknowledged', 'closed'].map((s) => option(s, s || 'any', form.state))}</select></label>
  <label>Rule <select name="rule">${['', ...ALERT_RULES].map((r) => option(r, r || 'any', form.rule))}</select></label>
  <label>Subject <input name="subject" value="${form.subject}" size="24"></label>
  <label>Opened from <input name="from" value="${form.from}" size="20" placeholder="2026-01-31T00:00Z"></label>
  <label>To <input name="to" value="${form.to}" size="20"></label>
  <button type="submit">Filter</button>
</form>
${problem ? html`<p class="problem" role="alert" data-code="VALIDATION_FAILED">${problem} (VALIDATION_FAILED)</p>` : ''}
${alertTable('alert-history', history, chrome, directory)}
${history.length === 0 ? html`<p class="muted">No alerts match.</p>` : ''}`,
  );
}
