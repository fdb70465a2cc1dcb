import type { AuditRow } from '../access/audit.log';
import type { PartyDirectory } from '../access/party-directory';
import type { Viewer } from '../access/roles';
import type { TraceStep } from '../flow/flow-events.service';
import type { ErrorGroup, MessageRow } from './console.queries';
import type { LagRow } from './consumer-lag';
import { html, query, type SafeHtml } from './html';
import { PERIODS, STEP_GROUPS, type OverviewModel, type Period } from './overview-model';
import { lineChart } from './svg-chart';

// The console's pages as plain template functions. Every value goes through `html`, which
// escapes it; nothing here builds markup by string concatenation.

export interface Chrome {
  viewer?: Viewer;
  csrfToken?: string;
  active?: 'overview' | 'messages' | 'errors' | 'delivery' | 'parties' | 'alerts' | 'figures' | 'audit';
}

const NAV: { key: NonNullable<Chrome['active']>; href: string; label: string }[] = [
  { key: 'overview', href: '/console/overview', label: 'Overview' },
  { key: 'messages', href: '/console/messages', label: 'Messages' },
  { key: 'errors', href: '/console/errors', label: 'Errors' },
  { key: 'delivery', href: '/console/delivery', label: 'Delivery' },
  { key: 'parties', href: '/console/parties', label: 'Parties' },
  { key: 'alerts', href: '/console/alerts', label: 'Alerts' },
  { key: 'figures', href: '/console/figures', label: 'Figures' },
  { key: 'audit', href: '/console/audit', label: 'Audit' },
];

export function layout(title: string, chrome: Chrome, body: SafeHtml): string {
  const v = chrome.viewer;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · VIR monitor</title>
<link rel="stylesheet" href="/console/static/console.css">
</head>
<body>
<header class="top">
  <span class="brand">VIR monitor</span>
  ${
    v
      ? html`<nav aria-label="Console">${NAV.filter((n) => n.key !== 'audit' || v.role === 'beheerder').map(
          (n) => html`<a href="${n.href}"${n.key === chrome.active ? html` aria-current="page"` : ''}>${n.label}</a>`,
        )}</nav>
  <span class="who">${v.username} · ${v.role}${v.convenant ? html` · convenant ${v.convenant}` : ''}</span>
  <form method="post" action="/console/logout" class="inline"><input type="hidden" name="_csrf" value="${chrome.csrfToken}"><button type="submit">Sign out</button></form>`
      : ''
  }
</header>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>`.value;
}

const time = (d: Date | string) => new Date(d).toISOString().replace('T', ' ').slice(0, 19);

export function loginPage(csrf: string, problem?: { code: string; message: string }, username = ''): string {
  return layout(
    'Sign in',
    {},
    html`${problem ? html`<p class="problem" role="alert" data-code="${problem.code}">${problem.message} (${problem.code})</p>` : ''}
<form method="post" action="/console/login" class="signin">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label>Account <input name="username" autocomplete="username" required maxlength="64" value="${username}"></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required maxlength="256"></label>
  <button type="submit">Sign in</button>
</form>`,
  );
}

export function errorPage(chrome: Chrome, status: number, code: string, message: string): string {
  return layout(`${status}`, chrome, html`<p class="problem" role="alert" data-code="${code}">${message} (${code})</p><p><a href="/console/overview">Back to the overview</a></p>`);
}

function partyCell(directory: PartyDirectory, oin: string | null): SafeHtml {
  const p = directory.get(oin);
  if (!oin) return html`<span class="muted">—</span>`;
  return html`<span class="party" title="${oin}">${p?.name ?? oin}</span>${p ? html` <span class="muted">(${p.convenant})</span>` : ''}`;
}

/** `lag`: rows to show, undefined when Kafka could not be asked, null when not for this viewer. `alerts`: the open-alerts block. */
export function overviewPage(chrome: Chrome, model: OverviewModel, directory: PartyDirectory, lag: LagRow[] | undefined | null = null, alerts: SafeHtml | string = ''): string {
  const p = PERIODS[model.period];
  const label = (d: Date) => (model.period === 'month' ? d.toISOString().slice(5, 10) : d.toISOString().slice(11, 16));
  const chart = lineChart(
    `Messages per ${model.period === 'hour' ? 'minute' : model.period === 'day' ? 'hour' : 'day'}, ${p.label}`,
    model.buckets.map(label),
    STEP_GROUPS.map((g) => ({ name: g, className: `s-${g}`, values: model.series[g] })),
  );
  return layout(
    'Overview',
    { ...chrome, active: 'overview' },
    html`<nav class="periods" aria-label="Period">${(Object.keys(PERIODS) as Period[]).map(
      (k) => html`<a href="/console/overview${query({ period: k })}"${k === model.period ? html` aria-current="true"` : ''}>${PERIODS[k].label}</a>`,
    )}</nav>
${alerts}
${chart}
<h2>Per step, ${p.label}</h2>
<table class="counts" id="per-step"><thead><tr>${STEP_GROUPS.map((g) => html`<th scope="col">${g}</th>`)}</tr></thead>
<tbody><tr>${STEP_GROUPS.map((g) => html`<td>${model.totals[g]}</td>`)}</tr></tbody></table>
<h2>Per party, ${p.label}</h2>
<table class="counts" id="per-party"><thead><tr><th scope="col">party</th>${STEP_GROUPS.map((g) => html`<th scope="col">${g}</th>`)}</tr></thead>
<tbody>${model.perParty.map(
      (r) => html`<tr><th scope="row">${partyCell(directory, r.partyOin || null)}</th>${STEP_GROUPS.map((g) => html`<td>${r.counts[g]}</td>`)}</tr>`,
    )}</tbody></table>
${model.perParty.length === 0 ? html`<p class="muted">No messages in this period.</p>` : ''}
${
      lag === null
        ? ''
        : html`<h2>Consumer lag</h2>
${
  lag === undefined
    ? html`<p class="problem">Kafka could not be asked for the consumer lag just now.</p>`
    : html`<table class="counts" id="lag"><thead><tr><th scope="col">consumer group</th><th scope="col">topic</th><th scope="col">partitions</th><th scope="col">records behind</th></tr></thead>
<tbody>${lag.map((r) => html`<tr><th scope="row">${r.group}</th><td>${r.topic}</td><td>${r.partitions}</td><td>${r.lag}</td></tr>`)}</tbody></table>`
}`
    }`,
  );
}

export interface MessageSearchForm {
  trackingId?: string;
  party?: string;
  outcome?: string;
  kind?: string;
  step?: string;
  from?: string;
  to?: string;
}

export function messagesPage(chrome: Chrome, form: MessageSearchForm, rows: MessageRow[], directory: PartyDirectory, visibleParties: string[] | undefined, problem?: string): string {
  const parties = directory.parties.filter((p) => !visibleParties || visibleParties.includes(p.oin));
  const option = (value: string, text: string, selected: string | undefined) => html`<option value="${value}"${value === selected ? html` selected` : ''}>${text}</option>`;
  return layout(
    'Messages',
    { ...chrome, active: 'messages' },
    html`<form method="get" action="/console/messages" class="search">
  <label>Tracking id <input name="trackingId" value="${form.trackingId}" size="38"></label>
  <label>Party <select name="party">${option('', 'any', form.party)}${parties.map((p) => option(p.oin, `${p.name} (${p.convenant})`, form.party))}</select></label>
  <label>Status <select name="outcome">${['', 'ok', 'rejected', 'failed'].map((o) => option(o, o || 'any', form.outcome))}</select></label>
  <label>Type <select name="kind">${['', 'melding', 'intrekking', 'verwijdering', 'ping', 'signaal'].map((o) => option(o, o || 'any', form.kind))}</select></label>
  <label>Last step <input name="step" value="${form.step}" size="22" placeholder="e.g. gateway.delivered"></label>
  <label>From <input name="from" value="${form.from}" size="20" placeholder="2026-01-31T00:00Z"></label>
  <label>To <input name="to" value="${form.to}" size="20"></label>
  <button type="submit">Search</button>
</form>
${problem ? html`<p class="problem" role="alert" data-code="VALIDATION_FAILED">${problem} (VALIDATION_FAILED)</p>` : ''}
<table class="list" id="messages"><thead><tr><th>tracking id</th><th>type</th><th>party</th><th>status</th><th>last step</th><th>code</th><th>first seen</th><th>last seen</th><th>events</th></tr></thead>
<tbody>${rows.map(
      (r) => html`<tr>
  <td><a class="mono" href="/console/messages/${r.messageId}">${r.messageId}</a></td><td>${r.kind ?? ''}</td><td>${partyCell(directory, r.partyOin || null)}</td>
  <td><span class="outcome o-${r.lastOutcome}">${r.lastOutcome}</span></td><td>${r.lastStep}</td><td>${r.lastCode ?? ''}</td><td>${time(r.firstAt)}</td><td>${time(r.lastAt)}</td><td>${r.events}</td></tr>`,
    )}</tbody></table>
${rows.length === 0 ? html`<p class="muted">No messages match.</p>` : ''}`,
  );
}

export function tracePage(chrome: Chrome, trackingId: string, steps: TraceStep[], related: string[], hidden: number, directory: PartyDirectory): string {
  const total = steps.length > 1 ? new Date(steps[steps.length - 1].at).getTime() - new Date(steps[0].at).getTime() : 0;
  return layout(
    `Trace ${trackingId}`,
    { ...chrome, active: 'messages' },
    html`<p>${steps.length} hops in ${total} ms${related.length ? html`; led to ${related.length} related message(s)` : ''}${hidden ? html`; ${hidden} hop(s) of other areas' parties not shown` : ''}.</p>
${chrome.viewer?.role === 'beheerder' ? html`<p><a id="raw-xml-link" href="/console/messages/${trackingId}/xml">Show the signed XML (BSNs masked; the view is audited)</a></p>` : ''}
<ol class="timeline" id="trace">${steps.map(
      (s) => html`<li class="hop o-${s.outcome}">
  <span class="step">${s.step}</span> <span class="outcome o-${s.outcome}">${s.outcome}</span>${s.code ? html` <span class="code">${s.code}</span>` : ''}
  <span class="duration">+${s.sincePreviousMs} ms</span>
  <div class="hop-detail"><span class="mono">${time(s.at)}</span> · ${s.component} · ${partyCell(directory, s.partyOin ?? null)}${s.messageId !== trackingId ? html` · <a class="mono" href="/console/messages/${s.messageId}">${s.messageId}</a>` : ''}${s.detail ? html` · ${s.detail}` : ''}</div>
</li>`,
    )}</ol>`,
  );
}

export function errorsPage(chrome: Chrome, groups: ErrorGroup[], directory: PartyDirectory, days: number): string {
  return layout(
    'Errors',
    { ...chrome, active: 'errors' },
    html`<p>Rejections and failures of the last ${days} days, per party, step and code, with the latest examples.</p>
<table class="list" id="errors"><thead><tr><th>party</th><th>step</th><th>outcome</th><th>code</th><th>count</th><th>latest examples</th></tr></thead>
<tbody>${groups.map(
      (g) => html`<tr><td>${partyCell(directory, g.partyOin || null)}</td><td>${g.step}</td><td><span class="outcome o-${g.outcome}">${g.outcome}</span></td><td class="code">${g.code}</td><td>${g.count}</td>
  <td>${g.examples.map((e) => html`<div><a class="mono" href="/console/messages/${e.messageId}">${e.messageId.slice(0, 8)}</a> ${time(e.at)} ${e.detail ?? ''}</div>`)}</td></tr>`,
    )}</tbody></table>
${groups.length === 0 ? html`<p class="muted">No rejections.</p>` : ''}`,
  );
}

export interface AuditForm {
  actor?: string;
  action?: string;
  outcome?: string;
  from?: string;
  to?: string;
}

export function auditPage(chrome: Chrome, form: AuditForm, rows: AuditRow[]): string {
  return layout(
    'Audit',
    { ...chrome, active: 'audit' },
    html`<form method="get" action="/console/audit" class="search">
  <label>Who <input name="actor" value="${form.actor}"></label>
  <label>Action <input name="action" value="${form.action}" placeholder="e.g. view-trace"></label>
  <label>Outcome <input name="outcome" value="${form.outcome}" placeholder="ok, refused, forbidden"></label>
  <label>From <input name="from" value="${form.from}" size="20"></label>
  <label>To <input name="to" value="${form.to}" size="20"></label>
  <button type="submit">Filter</button>
</form>
<table class="list" id="audit"><thead><tr><th>when</th><th>who</th><th>action</th><th>target</th><th>outcome</th><th>detail</th></tr></thead>
<tbody>${rows.map(
      (r) => html`<tr><td class="mono">${time(r.at)}</td><td>${r.actor}</td><td>${r.action}</td><td class="mono">${r.target ?? ''}</td><td><span class="outcome o-${r.outcome}">${r.outcome}</span></td><td class="mono">${r.detail ? JSON.stringify(r.detail) : ''}</td></tr>`,
    )}</tbody></table>`,
  );
}
